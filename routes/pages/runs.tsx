import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { generationDeps, planContext, type Services } from "../../lib/app/services.ts";
import { formFromEntries, type FormState, formToRequest } from "../http/form_state.ts";
import { planOneShot } from "../../lib/prompt/plans.ts";
import {
  canFallBack,
  composeResult,
  generateOnce,
  type GenerationDeps,
  type GenerationPlan,
  type GenerationResult,
  runGeneration,
} from "../../lib/generate/generation.ts";
import { AppError } from "../../lib/app/errors.ts";
import { CLOSE_EVENT, type Emit } from "../../lib/app/runs.ts";
import { renderFragment } from "../../views/render.ts";
import {
  type ErrorView,
  ResultPanel,
  type ResultView,
  StreamingPanel,
} from "../../views/result_panel.tsx";
import { ChatPanel } from "../../views/chat_panel.tsx";
import { GenerateSchema } from "../http/schemas.ts";
import { ChatSchema, PersonaChatSchema, prepareChatTurn } from "../api/chat.ts";
import { SESSION_COOKIE, sessionOf } from "../http/session.ts";
import { describeIssue } from "../http/request_body.ts";
import { errorStatus, formEntries, isHtmx, toErrorView } from "../http/page_context.ts";
import { clientKey, trackRequest } from "../api/generate.ts";
import { chatView, renderHome } from "./home.tsx";

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function toResultView(result: GenerationResult, plan: GenerationPlan): ResultView {
  return {
    ...result,
    target: plan.target,
    ollama_model: result.engine === "ollama" ? plan.ollamaModel : null,
  };
}

/** Validates a form the same way the API validates JSON, so both give the same messages. */
function validateForm<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: unknown[] } };
  },
  form: FormState,
): T {
  const request = formToRequest(form);
  const parsed = schema.safeParse(request);
  if (!parsed.success) {
    throw new AppError(
      400,
      "Check the form",
      describeIssue(parsed.error.issues[0] as never, request),
      "invalid_input",
    );
  }
  return parsed.data;
}

/** Runs the LLM, falling back to the composer when Ollama cannot be reached (the UI never shows a bare 503). */
async function* generateWithFallback(
  deps: GenerationDeps,
  plan: GenerationPlan,
  signal: AbortSignal,
): AsyncGenerator<{ token: string } | { thinking: string } | ({ done: true } & GenerationResult)> {
  try {
    yield* runGeneration(deps, plan, signal);
  } catch (err) {
    if (!canFallBack(err)) throw err;
    yield { done: true, ...composeResult(deps, plan, (err as Error).message) };
  }
}

/** Streams a generation into a run: escaped tokens, reasoning, and a final rendered panel. */
async function streamInto(
  emit: Emit,
  events: AsyncGenerator<
    { token: string } | { thinking: string } | ({ done: true } & GenerationResult)
  >,
  final: (result: GenerationResult | null, error: ErrorView | null) => string,
): Promise<void> {
  try {
    for await (const event of events) {
      if ("done" in event) emit("final", final(event, null));
      else if ("token" in event) emit("token", escapeHtml(event.token));
      else emit("thinking", escapeHtml(event.thinking));
    }
  } catch (err) {
    emit("final", final(null, toErrorView(err)));
  }
}

/** Runs work inside one of the client's generation slots, or says the client is at the cap. */
function withSlot(
  services: Services,
  key: string,
  work: (signal: AbortSignal, emit: Emit) => Promise<void>,
  busy: () => string,
) {
  return async (signal: AbortSignal, emit: Emit) => {
    const release = services.limiter.tryAcquire(key);
    if (!release) {
      emit("final", busy());
      return;
    }
    try {
      await work(signal, emit);
    } finally {
      release();
    }
  };
}

const BUSY: ErrorView = {
  title: "Too many generations",
  message: "You already have several generations running; wait for one to finish, then try again.",
};

function sseText(id: number, event: string, data: string): string {
  const lines = data.split(/\r?\n/).map((l) => `data: ${l}`).join("\n");
  return `id: ${id}\nevent: ${event}\n${lines}\n\n`;
}

/** The form posts of the page: generate and chat (streamed with htmx, posted without), and runs. */
export function uiRunRoutes(services: Services): Hono {
  const defaults = () => ({ ollama_model: services.config.ollamaModel });
  const ctx = () => (planContext(services));

  return new Hono()
    .post("/ui/generate", async (c) => {
      const form = formFromEntries(await formEntries(c), defaults());
      form.mode = "oneshot";
      const htmx = isHtmx(c);
      let plan: GenerationPlan;
      try {
        const body = validateForm(GenerateSchema, form);
        plan = planOneShot(ctx(), body);
      } catch (err) {
        const error = toErrorView(err);
        if (htmx) return c.html(renderFragment(<ResultPanel error={error} />));
        return await renderHome(services, c, form, { error }, errorStatus(err));
      }
      const deps = generationDeps(services);
      if (form.engine === "composer") {
        const result = composeResult(deps, plan);
        if (htmx) {
          return c.html(renderFragment(<ResultPanel result={toResultView(result, plan)} />));
        }
        return result.history_id !== null
          ? c.redirect(`/?result=${result.history_id}`, 303)
          : await renderHome(services, c, form, { result: toResultView(result, plan) });
      }
      if (!htmx) {
        try {
          let result: GenerationResult;
          const { controller, release } = trackRequest(services, c);
          try {
            result = await generateOnce(deps, plan, controller.signal);
          } catch (err) {
            if (!canFallBack(err)) throw err;
            result = composeResult(deps, plan, (err as Error).message);
          } finally {
            release();
          }
          if (result.history_id !== null && !result.fallback_reason) {
            return c.redirect(`/?result=${result.history_id}`, 303);
          }
          return await renderHome(services, c, form, { result: toResultView(result, plan) });
        } catch (err) {
          return await renderHome(services, c, form, { error: toErrorView(err) }, errorStatus(err));
        }
      }
      const run = services.runs.create((signal, emit) =>
        streamInto(
          emit,
          generateWithFallback(deps, plan, signal),
          (result, error) =>
            renderFragment(
              <ResultPanel
                result={result ? toResultView(result, plan) : undefined}
                error={error ?? undefined}
              />,
            ),
        )
      );
      return c.html(renderFragment(<StreamingPanel runId={run.id} />));
    })
    .post("/ui/chat", async (c) => {
      const form = formFromEntries(await formEntries(c), defaults());
      form.mode = "chat";
      const htmx = isHtmx(c);
      const kind = form.persona_id ? "persona" : "chat";
      let turn: Awaited<ReturnType<typeof prepareChatTurn>>;
      try {
        const body = kind === "persona"
          ? validateForm(PersonaChatSchema, form)
          : validateForm(ChatSchema, form);
        turn = await prepareChatTurn(services, c, kind, body);
      } catch (err) {
        const error = toErrorView(err);
        if (htmx) {
          const view = await chatView(services, getCookie(c, SESSION_COOKIE), form);
          return c.html(renderFragment(<ChatPanel {...view} error={error} />));
        }
        return await renderHome(services, c, form, { error }, errorStatus(err));
      }
      const sid = turn.extra.session_id;
      if (!htmx) {
        try {
          const { controller, release } = trackRequest(services, c);
          try {
            await generateOnce(turn.deps, turn.plan, controller.signal);
          } finally {
            release();
          }
          const persona = form.persona_id ? `&persona=${encodeURIComponent(form.persona_id)}` : "";
          return c.redirect(`/?mode=chat${persona}`, 303);
        } catch (err) {
          return await renderHome(services, c, form, { error: toErrorView(err) }, errorStatus(err));
        }
      }
      const before = await services.conversations.messages(sid, kind);
      const run = services.runs.create(withSlot(services, clientKey(c), async (signal, emit) => {
        let error: ErrorView | undefined;
        try {
          for await (const event of runGeneration(turn.deps, turn.plan, signal)) {
            if ("done" in event) continue;
            if ("token" in event) emit("token", escapeHtml(event.token));
            else emit("thinking", escapeHtml(event.thinking));
          }
        } catch (err) {
          error = toErrorView(err);
        }
        const view = await chatView(services, sid, form);
        emit(
          "final",
          renderFragment(<ChatPanel {...view} reset={turn.extra.reset} error={error} />),
        );
      }, () => renderFragment(<ChatPanel messages={before} error={BUSY} />)));
      const shown = turn.extra.reset ? [] : before;
      return c.html(
        renderFragment(<ChatPanel messages={shown} runId={run.id} pending={form.input} />),
      );
    })
    .post("/ui/chat/reset", async (c) => {
      const sid = sessionOf(c);
      await services.conversations.reset(sid, "chat");
      await services.conversations.reset(sid, "persona");
      return c.redirect("/?mode=chat", 303);
    })
    .get("/ui/runs/:id/stream", (c) => {
      const run = services.runs.get(c.req.param("id"));
      const encoder = new TextEncoder();
      const lastId = Number(c.req.header("Last-Event-ID") ?? -1);
      const headers = {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        "x-accel-buffering": "no",
      };
      if (!run) {
        const gone = renderFragment(
          <ResultPanel
            error={{
              title: "Gone",
              message: "This generation is no longer available; generate again.",
            }}
          />,
        );
        return new Response(sseText(0, "final", gone) + sseText(1, CLOSE_EVENT, ""), { headers });
      }
      let unsubscribe = () => {};
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          const send = (e: { id: number; event: string; data: string }) => {
            if (e.id <= lastId) return;
            try {
              controller.enqueue(encoder.encode(sseText(e.id, e.event, e.data)));
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
          run.start();
        },
        cancel() {
          unsubscribe();
          // Nobody is watching any more: stop the generation and its Ollama request.
          if (run.watchers === 0 && run.state === "running") run.stop();
        },
      });
      return new Response(stream, { headers });
    })
    .post("/ui/runs/:id/stop", (c) => {
      const run = services.runs.get(c.req.param("id"));
      run?.stop();
      return c.body(null, 204);
    });
}
