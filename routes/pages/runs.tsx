import { type Context, Hono } from "hono";
import { generationDeps, planContext, type Services } from "../../lib/app/services.ts";
import { formFromEntries, formToRequest } from "../http/form_state.ts";
import { planOneShot } from "../../lib/prompt/plans.ts";
import type { GenerationEvent, GenerationResult } from "../../lib/generate/generation.ts";
import { generatePrompt, streamPrompt } from "../../lib/generate/generate.ts";
import { prepareChatTurn, type PreparedChatTurn } from "../../lib/chat/chat_turn.ts";
import type { GenerationPlan } from "../../lib/prompt/plans.ts";
import { CLOSE_EVENT, type Emit } from "../../lib/app/runs.ts";
import { AppError } from "../../lib/app/errors.ts";
import { renderFragment } from "../../views/render.ts";
import { escapeHtml } from "../../views/escape.ts";
import {
  announcement,
  type ErrorView,
  ResultPanel,
  type ResultView,
  StreamingPanel,
} from "../../views/result_panel.tsx";
import { ChatPanel, type ChatPanelProps } from "../../views/chat_panel.tsx";
import { Announce, OllamaStatus } from "../../views/ollama_status.tsx";
import { parseReply } from "../../lib/prompt/reply_parser.ts";
import { ChatSchema, GenerateSchema, PersonaChatSchema } from "../http/schemas.ts";
import { cookieSession, sessionOf } from "../http/session.ts";
import { validateForm } from "../http/form_validation.ts";
import {
  errorStatus,
  formEntries,
  isHtmx,
  isOffline,
  llmStatus,
  toErrorView,
} from "../http/page_context.ts";
import { chatView, type HomeDeps, renderHome } from "../http/render_home.tsx";
import { rememberForm } from "../http/page_memory.ts";
import { requesterOf } from "../http/requester.ts";
import { SSE_HEADERS, sseText } from "../http/sse.ts";

type Deps =
  & HomeDeps
  & Pick<
    Services,
    "llm" | "history" | "slots" | "runs" | "wildcards" | "pageState" | "turns"
  >;

function toResultView(result: GenerationResult, plan: GenerationPlan): ResultView {
  return {
    ...result,
    target: plan.target,
    ollama_model: result.engine === "ollama" ? plan.ollamaModel : null,
  };
}

/** What a relayed generation had sent so far, for keeping it when it stops. */
interface Seen {
  text: string;
}

/** Sends a generation's tokens and reasoning to a run's page, escaped; returns the result. */
async function relay(
  emit: Emit,
  events: AsyncGenerator<GenerationEvent>,
  seen: Seen = { text: "" },
): Promise<GenerationResult> {
  for await (const event of events) {
    if ("done" in event) {
      const { done: _done, ...result } = event;
      return result;
    }
    if ("token" in event) {
      seen.text += event.token;
      emit("token", escapeHtml(event.token));
    } else if ("reset" in event) {
      // A structured attempt broke: its values leave the page before the text retry streams.
      seen.text = "";
      emit("reset", "");
    } else emit("thinking", escapeHtml(event.thinking));
  }
  throw new DOMException("The generation was stopped", "AbortError");
}

/**
 * A chat reply that could not be kept (a full disk): the conversation will not show it, so the
 * error says so and carries the reply itself.
 */
function notSavedView(result: GenerationResult): ErrorView {
  return {
    title: "not saved: the disk is full",
    message: `${result.not_saved!.message} The reply was: ${result.result}`,
  };
}

/** Whether a failure is a Stop (or a page gone), not a shutdown or an upstream error. */
function isStop(err: unknown): boolean {
  return err instanceof DOMException && err.name === "AbortError";
}

/**
 * What a finished run sends with its panel: the announcement for screen readers and, when the run
 * learnt whether Ollama answers, the corrected status pill.
 */
function extras(
  services: Pick<Services, "models" | "config" | "llm">,
  text: string,
  reachable?: boolean,
  reason?: string,
): string {
  let out = renderFragment(<Announce text={text} oob />);
  if (reachable !== undefined) {
    services.models.noteReachable(reachable, reason);
    out += renderFragment(
      <OllamaStatus ollama={llmStatus(services, reachable)} oob />,
    );
  }
  return out;
}

/** Whether a result says Ollama answered (true), was not there (false), or neither. */
function reachability(result: ResultView | undefined, err?: unknown): boolean | undefined {
  if (err !== undefined) return isOffline(err) ? false : undefined;
  if (!result) return undefined;
  if (result.fallback_reason) return false;
  return result.engine === "ollama" ? true : undefined;
}

/** The reply a chat turn announces when it is done. */
function chatAnnouncement(view: ChatPanelProps, error?: ErrorView): string {
  if (error) return `${error.title}. ${error.message}`;
  const last = view.messages.at(-1);
  if (!last || last.role !== "assistant") return "";
  if (last.stopped) return "Stopped. The reply so far is kept in the conversation.";
  const parsed = parseReply(last.content, view.target);
  return `${view.speaker.name} replied: ${parsed.positive || last.content || last.message || ""}`;
}

/** The form posts of the page: generate and chat (streamed with htmx, posted without), and runs. */
export function runRoutes(services: Deps): Hono {
  const defaults = () => ({ ollama_model: services.config.ollamaModel });
  const deps = () => ({ ...generationDeps(services), slots: services.slots });
  const chatDeps = () => ({
    planContext: planContext(services),
    personas: services.personas,
    conversations: services.conversations,
    turns: services.turns,
    nsfw: services.config.enableNsfwPresets,
  });

  /** The result panel fragment with its out-of-band extras. */
  function resultFragment(result?: ResultView, err?: unknown): string {
    const error = err === undefined ? undefined : toErrorView(err);
    return renderFragment(<ResultPanel result={result} error={error} />) +
      extras(
        services,
        announcement(result, error),
        reachability(result, err),
        result?.fallback_reason ?? (err instanceof AppError ? err.message : undefined),
      );
  }

  async function rememberLast(sid: string, result: ResultView) {
    await services.pageState.update(sid, (state) => {
      state.last = result.stopped
        ? {
          stopped: result.result,
          target: result.target.id,
          ollama_model: result.ollama_model ?? null,
        }
        : result.history_id !== null
        ? { history_id: result.history_id }
        : undefined;
    });
  }

  async function generate(c: Context) {
    const form = formFromEntries(await formEntries(c), defaults());
    form.mode = "oneshot";
    const htmx = isHtmx(c);
    // What was typed and chosen is kept before anything can fail.
    await rememberForm(services, c, form);
    const sid = sessionOf(c, services.secret);
    let plan: GenerationPlan;
    try {
      plan = planOneShot(planContext(services), validateForm(GenerateSchema, formToRequest(form)));
    } catch (err) {
      if (htmx) return c.html(resultFragment(undefined, err));
      return await renderHome(services, c, form, { error: toErrorView(err) }, errorStatus(err));
    }
    const requester = requesterOf(c, services.secret);
    const options = { engine: form.engine, fallback: true, requester };
    if (!htmx || form.engine === "composer") {
      try {
        const result = toResultView(
          await generatePrompt(deps(), plan, { ...options, signal: c.req.raw.signal }),
          plan,
        );
        await rememberLast(sid, result);
        if (htmx) return c.html(resultFragment(result));
        if (result.history_id !== null && !result.fallback_reason) {
          return c.redirect(`/?result=${result.history_id}`, 303);
        }
        return await renderHome(services, c, form, { result });
      } catch (err) {
        return await renderHome(services, c, form, { error: toErrorView(err) }, errorStatus(err));
      }
    }
    try {
      services.slots.check(requester);
    } catch (err) {
      return c.html(resultFragment(undefined, err));
    }
    const run = services.runs.create(async (signal, emit) => {
      const seen: Seen = { text: "" };
      let panel: string;
      try {
        const result = toResultView(
          await relay(emit, streamPrompt(deps(), plan, { ...options, signal }), seen),
          plan,
        );
        await rememberLast(sid, result);
        panel = resultFragment(result);
      } catch (err) {
        if (isStop(err)) {
          // Stop is the user's choice, not a failure: keep what was written, marked stopped.
          const stopped: ResultView = {
            positive: "",
            negative: null,
            result: seen.text.trim(),
            engine: "ollama",
            history_id: null,
            target: plan.target,
            ollama_model: plan.ollamaModel,
            stopped: true,
          };
          await rememberLast(sid, stopped).catch(() => {});
          panel = resultFragment(stopped);
        } else {
          panel = resultFragment(undefined, err);
        }
      }
      emit("final", panel);
    });
    return c.html(renderFragment(<StreamingPanel runId={run.id} />));
  }

  async function chat(c: Context) {
    const entries = await formEntries(c);
    const form = formFromEntries(entries, defaults());
    form.mode = "chat";
    // Regenerate sends an earlier message again and leaves the message box as it is.
    const again = entries.find(([k]) => k === "regenerate")?.[1]?.trim();
    const draft = form.input;
    if (again) form.input = again;
    const htmx = isHtmx(c);
    const kind = form.persona_id ? "persona" : "chat";
    const sid = sessionOf(c, services.secret);
    // A browser's conversation answers only to its cookie (see `conversationSession`).
    if (cookieSession(c, services.secret) === sid) await services.conversations.bind(sid);
    const panelOf = async (extra: Partial<ChatPanelProps>) => {
      const view = { ...await chatView(services, sid, form), ...extra };
      return renderFragment(<ChatPanel {...view} />) +
        extras(services, chatAnnouncement(view, extra.error));
    };
    let request;
    try {
      const body = formToRequest(form);
      request = kind === "persona"
        ? validateForm(PersonaChatSchema, body)
        : validateForm(ChatSchema, body);
    } catch (err) {
      await rememberForm(services, c, form, { draft });
      if (htmx) {
        return c.html(
          await panelOf({ error: toErrorView(err), unsent: again ? undefined : draft }),
        );
      }
      return await renderHome(services, c, form, { error: toErrorView(err) }, errorStatus(err));
    }
    // Sent: the message box starts empty (its words come back if the turn cannot start).
    await rememberForm(services, c, form, { draft: again ? draft : "" });
    const requester = requesterOf(c, services.secret);
    const giveBack = async () => {
      if (!again) await rememberForm(services, c, form, { draft });
    };

    if (!htmx) {
      let turn: PreparedChatTurn | undefined;
      const seen: Seen = { text: "" };
      try {
        turn = await prepareChatTurn(chatDeps(), {
          kind,
          request,
          sessionId: sid,
          signal: c.req.raw.signal,
        });
        const result = await generatePrompt(deps(), turn.plan, {
          requester,
          signal: c.req.raw.signal,
          ...turn.hooks,
          onStopped: async (partial) => {
            seen.text = partial.result;
            await turn!.hooks.onStopped(partial);
          },
        });
        if (result.not_saved) {
          form.input = "";
          return await renderHome(services, c, form, { error: notSavedView(result) }, 507);
        }
        const persona = form.persona_id ? `&persona=${encodeURIComponent(form.persona_id)}` : "";
        return c.redirect(`/?mode=chat${persona}`, 303);
      } catch (err) {
        if (!seen.text) await giveBack();
        form.input = again ? draft : seen.text ? "" : draft;
        return await renderHome(
          services,
          c,
          form,
          { error: toErrorView(err), chat: { unsent: seen.text || again ? undefined : draft } },
          errorStatus(err),
        );
      } finally {
        turn?.release();
      }
    }

    try {
      services.slots.check(requester);
    } catch (err) {
      await giveBack();
      return c.html(await panelOf({ error: toErrorView(err), unsent: again ? undefined : draft }));
    }
    // A turn for another target or persona starts a new conversation: show it empty at once.
    const scope = await services.conversations.scope(sid, kind);
    const target = form.model || "flux";
    const reset = scope !== null &&
      (scope.target !== target || (scope.persona ?? "") !== (form.persona_id || ""));
    const before = reset ? [] : await services.conversations.messages(sid, kind);
    const run = services.runs.create(async (signal, emit) => {
      const seen: Seen = { text: "" };
      let turn: PreparedChatTurn | undefined;
      let error: ErrorView | undefined;
      let unsent: string | undefined;
      let offline: boolean | undefined;
      try {
        turn = await prepareChatTurn(chatDeps(), { kind, request, sessionId: sid, signal });
        const result = await relay(
          emit,
          streamPrompt(deps(), turn.plan, { requester, signal, ...turn.hooks }),
          seen,
        );
        offline = false;
        if (result.not_saved) error = notSavedView(result);
      } catch (err) {
        if (!isStop(err)) {
          error = toErrorView(err);
          if (isOffline(err)) {
            offline = true;
            error = {
              ...error,
              message:
                `${error.message} Your message is back in the box: send it again once the LLM server runs. Quick Generate and Batch compose prompts without it meanwhile.`,
            };
          }
          if (!seen.text) {
            await giveBack().catch(() => {});
            unsent = again ? undefined : draft;
          }
        }
      } finally {
        turn?.release();
      }
      const view = {
        ...await chatView(services, sid, form),
        reset: turn?.extra.reset,
        error,
        unsent,
      };
      emit(
        "final",
        renderFragment(<ChatPanel {...view} />) +
          extras(
            services,
            chatAnnouncement(view, error),
            offline === undefined ? undefined : !offline,
            error?.message,
          ),
      );
    });
    const view = await chatView(services, sid, form);
    return c.html(
      renderFragment(
        <ChatPanel {...view} messages={before} reset={reset} runId={run.id} pending={form.input} />,
      ),
    );
  }

  return new Hono()
    .post("/ui/generate", generate)
    .post("/ui/chat", chat)
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
