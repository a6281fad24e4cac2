import { Hono } from "hono";
import { generationDeps, planContext, type Services } from "../../lib/app/services.ts";
import { formFromEntries, formToRequest } from "../http/form_state.ts";
import { planOneShot } from "../../lib/prompt/plans.ts";
import type { GenerationEvent, GenerationResult } from "../../lib/generate/generation.ts";
import { generatePrompt, streamPrompt } from "../../lib/generate/generate.ts";
import { prepareChatTurn } from "../../lib/chat/chat_turn.ts";
import type { GenerationPlan } from "../../lib/prompt/plans.ts";
import { CLOSE_EVENT, type Emit } from "../../lib/app/runs.ts";
import { renderFragment } from "../../views/render.ts";
import { escapeHtml } from "../../views/escape.ts";
import {
  type ErrorView,
  ResultPanel,
  type ResultView,
  StreamingPanel,
} from "../../views/result_panel.tsx";
import { ChatPanel } from "../../views/chat_panel.tsx";
import { ChatSchema, GenerateSchema, PersonaChatSchema } from "../http/schemas.ts";
import { cookieSession, sessionOf } from "../http/session.ts";
import { validateForm } from "../http/form_validation.ts";
import { errorStatus, formEntries, isHtmx, toErrorView } from "../http/page_context.ts";
import { chatView, type HomeDeps, renderHome } from "../http/render_home.tsx";
import { requesterOf } from "../http/requester.ts";
import { SSE_HEADERS, sseText } from "../http/sse.ts";

type Deps = HomeDeps & Pick<Services, "llm" | "history" | "slots" | "runs" | "wildcards">;

function toResultView(result: GenerationResult, plan: GenerationPlan): ResultView {
  return {
    ...result,
    target: plan.target,
    ollama_model: result.engine === "ollama" ? plan.ollamaModel : null,
  };
}

/** Sends a generation's tokens and reasoning to a run's page, escaped; returns the result. */
async function relay(
  emit: Emit,
  events: AsyncGenerator<GenerationEvent>,
): Promise<GenerationResult> {
  for await (const event of events) {
    if ("done" in event) {
      const { done: _done, ...result } = event;
      return result;
    }
    if ("token" in event) emit("token", escapeHtml(event.token));
    else emit("thinking", escapeHtml(event.thinking));
  }
  throw new DOMException("The generation was stopped", "AbortError");
}

/** The form posts of the page: generate and chat (streamed with htmx, posted without), and runs. */
export function runRoutes(services: Deps): Hono {
  const defaults = () => ({ ollama_model: services.config.ollamaModel });
  const deps = () => ({ ...generationDeps(services), slots: services.slots });

  return new Hono()
    .post("/ui/generate", async (c) => {
      const form = formFromEntries(await formEntries(c), defaults());
      form.mode = "oneshot";
      const htmx = isHtmx(c);
      let plan: GenerationPlan;
      try {
        plan = planOneShot(
          planContext(services),
          validateForm(GenerateSchema, formToRequest(form)),
        );
      } catch (err) {
        const error = toErrorView(err);
        if (htmx) return c.html(renderFragment(<ResultPanel error={error} />));
        return await renderHome(services, c, form, { error }, errorStatus(err));
      }
      const requester = requesterOf(c, services.secret);
      const options = { engine: form.engine, fallback: true, requester };
      if (!htmx || form.engine === "composer") {
        try {
          const result = await generatePrompt(deps(), plan, {
            ...options,
            signal: c.req.raw.signal,
          });
          if (htmx) {
            return c.html(renderFragment(<ResultPanel result={toResultView(result, plan)} />));
          }
          if (result.history_id !== null && !result.fallback_reason) {
            return c.redirect(`/?result=${result.history_id}`, 303);
          }
          return await renderHome(services, c, form, { result: toResultView(result, plan) });
        } catch (err) {
          return await renderHome(services, c, form, { error: toErrorView(err) }, errorStatus(err));
        }
      }
      try {
        services.slots.check(requester);
      } catch (err) {
        return c.html(renderFragment(<ResultPanel error={toErrorView(err)} />));
      }
      const run = services.runs.create(async (signal, emit) => {
        let panel: string;
        try {
          const result = await relay(emit, streamPrompt(deps(), plan, { ...options, signal }));
          panel = renderFragment(<ResultPanel result={toResultView(result, plan)} />);
        } catch (err) {
          panel = renderFragment(<ResultPanel error={toErrorView(err)} />);
        }
        emit("final", panel);
      });
      return c.html(renderFragment(<StreamingPanel runId={run.id} />));
    })
    .post("/ui/chat", async (c) => {
      const form = formFromEntries(await formEntries(c), defaults());
      form.mode = "chat";
      const htmx = isHtmx(c);
      const kind = form.persona_id ? "persona" : "chat";
      let turn: Awaited<ReturnType<typeof prepareChatTurn>>;
      try {
        const request = formToRequest(form);
        const body = kind === "persona"
          ? validateForm(PersonaChatSchema, request)
          : validateForm(ChatSchema, request);
        turn = await prepareChatTurn({
          planContext: planContext(services),
          personas: services.personas,
          conversations: services.conversations,
          nsfw: services.config.enableNsfwPresets,
        }, { kind, request: body, sessionId: sessionOf(c, services.secret) });
      } catch (err) {
        const error = toErrorView(err);
        if (htmx) {
          const view = await chatView(services, cookieSession(c, services.secret), form);
          return c.html(renderFragment(<ChatPanel {...view} error={error} />));
        }
        return await renderHome(services, c, form, { error }, errorStatus(err));
      }
      const sid = turn.extra.session_id;
      const requester = requesterOf(c, services.secret);
      const options = { requester, beforeSave: turn.beforeSave };
      if (!htmx) {
        try {
          await generatePrompt(deps(), turn.plan, { ...options, signal: c.req.raw.signal });
          const persona = form.persona_id ? `&persona=${encodeURIComponent(form.persona_id)}` : "";
          return c.redirect(`/?mode=chat${persona}`, 303);
        } catch (err) {
          return await renderHome(services, c, form, { error: toErrorView(err) }, errorStatus(err));
        }
      }
      const before = await services.conversations.messages(sid, kind);
      try {
        services.slots.check(requester);
      } catch (err) {
        return c.html(renderFragment(<ChatPanel messages={before} error={toErrorView(err)} />));
      }
      const run = services.runs.create(async (signal, emit) => {
        let error: ErrorView | undefined;
        try {
          await relay(emit, streamPrompt(deps(), turn.plan, { ...options, signal }));
        } catch (err) {
          error = toErrorView(err);
        }
        const view = await chatView(services, sid, form);
        emit(
          "final",
          renderFragment(<ChatPanel {...view} reset={turn.extra.reset} error={error} />),
        );
      });
      const shown = turn.extra.reset ? [] : before;
      return c.html(
        renderFragment(<ChatPanel messages={shown} runId={run.id} pending={form.input} />),
      );
    })
    .post("/ui/chat/reset", async (c) => {
      const sid = sessionOf(c, services.secret);
      await services.conversations.reset(sid, "chat");
      await services.conversations.reset(sid, "persona");
      return c.redirect("/?mode=chat", 303);
    })
    .get("/ui/runs/:id/stream", (c) => {
      const run = services.runs.get(c.req.param("id"));
      const encoder = new TextEncoder();
      const lastId = Number(c.req.header("Last-Event-ID") ?? -1);
      if (!run) {
        const gone = renderFragment(
          <ResultPanel
            error={{
              title: "Gone",
              message: "This generation is no longer available; generate again.",
            }}
          />,
        );
        return new Response(
          sseText({ id: 0, event: "final", data: gone }) +
            sseText({ id: 1, event: CLOSE_EVENT, data: "" }),
          { headers: SSE_HEADERS },
        );
      }
      let unsubscribe = () => {};
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          const send = (e: { id: number; event: string; data: string }) => {
            if (e.id <= lastId) return;
            try {
              controller.enqueue(encoder.encode(sseText(e)));
              if (e.event === CLOSE_EVENT) {
                unsubscribe();
                controller.close();
              }
            } catch {
              unsubscribe();
            }
          };
          for (const e of run.events) send(e);
          if (run.events.at(-1)?.event === CLOSE_EVENT) return;
          unsubscribe = run.listen(send);
        },
        cancel() {
          unsubscribe();
          // Nobody is watching any more: stop the generation and its upstream request.
          if (run.watchers === 0 && run.state === "running") run.stop();
        },
      });
      return new Response(stream, { headers: SSE_HEADERS });
    })
    .post("/ui/runs/:id/stop", (c) => {
      const run = services.runs.get(c.req.param("id"));
      run?.stop();
      return c.body(null, 204);
    });
}
