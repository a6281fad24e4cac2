import { type Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import type { Services } from "../../lib/app/services.ts";
import {
  applyPack,
  emptyForm,
  formFromEntries,
  formFromHistory,
  type FormState,
} from "../http/form_state.ts";
import { parseReply } from "../../lib/prompt/reply_parser.ts";
import { findTarget } from "../../lib/prompt/plans.ts";
import { renderFragment, renderPage } from "../../views/render.ts";
import { HomePage } from "../../views/home_page.tsx";
import { PresetPicker } from "../../views/preset_picker.tsx";
import type { ResultView } from "../../views/result_panel.tsx";
import type { ChatPanelProps } from "../../views/chat_panel.tsx";
import { SESSION_COOKIE } from "../http/session.ts";
import type { ErrorView } from "../../views/error_alert.tsx";
import { formEntries, homeProps } from "../http/page_context.ts";

/** The chat transcript of the browser's session, with the last reply parsed for copying. */
export async function chatView(
  services: Services,
  sid: string | undefined,
  form: FormState,
): Promise<ChatPanelProps> {
  if (!sid) return { messages: [] };
  const kind = form.persona_id ? "persona" : "chat";
  const messages = await services.conversations.messages(sid, kind);
  const lastReply = [...messages].reverse().find((m) => m.role === "assistant");
  if (!lastReply) return { messages };
  const target = findTarget(services.targets, form.model);
  const parsed = parseReply(lastReply.content, target);
  const last: ResultView | undefined = parsed.labeled || kind === "chat"
    ? {
      positive: parsed.positive,
      negative: parsed.negative,
      result: lastReply.content,
      engine: "ollama",
      note: parsed.note,
      history_id: null,
      target,
    }
    : undefined;
  return { messages, last };
}

/** The main page for a form state, with the chat transcript in chat mode. */
export async function renderHome(
  services: Services,
  c: Context,
  form: FormState,
  extra: { result?: ResultView; error?: ErrorView } = {},
  status = 200,
): Promise<Response> {
  const props = await homeProps(services, form);
  const chat = form.mode === "chat"
    ? await chatView(services, getCookie(c, SESSION_COOKIE), form)
    : undefined;
  return c.html(renderPage(<HomePage {...props} {...extra} chat={chat} />), status as 200);
}

/** `GET /` (the app), `POST /ui/form` (re-render without generating) and `GET /ui/picker`. */
export function pageRoutes(services: Services): Hono {
  const catalog = () => services.presets.get(services.config.enableNsfwPresets);
  const defaults = () => ({ ollama_model: services.config.ollamaModel });

  return new Hono()
    .get("/", async (c) => {
      const q = c.req.query();
      if (q.mode === "batch") return c.redirect("/ui/batch", 303);
      let form = emptyForm(defaults());
      if (q.mode === "chat") form.mode = "chat";
      let result: ResultView | undefined;
      const historyId = Number(q.reuse ?? q.result);
      if (services.history && Number.isSafeInteger(historyId) && historyId > 0) {
        const entry = services.history.get(historyId);
        if (entry) {
          form = formFromHistory(entry);
          if (q.mode === "chat") form.mode = "chat";
          if (q.result) {
            const target = services.targets.find((t) => t.id === entry.model) ??
              services.targets[0]!;
            result = {
              positive: entry.positive,
              negative: entry.negative,
              result: entry.generated_output,
              engine: entry.engine,
              history_id: entry.id,
              target,
              ollama_model: entry.ollama_model,
            };
          }
        }
      }
      if (form.mode === "chat" && q.persona && /^[a-z0-9_]{1,100}$/.test(q.persona)) {
        form.persona_id = q.persona;
      }
      if (form.mode === "chat" && getCookie(c, SESSION_COOKIE)) {
        const kind = form.persona_id ? "persona" : "chat";
        const scope = await services.conversations.scope(getCookie(c, SESSION_COOKIE)!, kind);
        if (scope) form.model = scope.target;
      }
      return await renderHome(services, c, form, { result });
    })
    .post("/ui/form", async (c) => {
      const entries = await formEntries(c);
      let form = formFromEntries(entries, defaults());
      const pack = entries.find(([k]) => k === "apply_pack")?.[1];
      const found = pack ? catalog().packs.find((p) => p.id === pack) : undefined;
      if (found) form = applyPack(form, found);
      return await renderHome(services, c, form);
    })
    .get("/ui/picker", async (c) => {
      const form = formFromEntries(await formEntries(c), defaults());
      return c.html(renderFragment(<PresetPicker catalog={catalog()} form={form} />));
    });
}
