import type { Context } from "hono";
import type { Services } from "../../lib/app/services.ts";
import type { FormState } from "./form_state.ts";
import { parseReply } from "../../lib/prompt/reply_parser.ts";
import { findTarget } from "../../lib/prompt/plans.ts";
import { renderPage } from "../../views/render.ts";
import { HomePage } from "../../views/home_page.tsx";
import type { ResultView } from "../../views/result_panel.tsx";
import type { ChatPanelProps } from "../../views/chat_panel.tsx";
import type { ErrorView } from "../../views/error_alert.tsx";
import { type FormPageDeps, homeProps } from "./page_context.ts";
import { cookieSession } from "./session.ts";

/** What the main page reads: the form page's deps, the conversations and the cookie secret. */
export type HomeDeps = FormPageDeps & Pick<Services, "conversations" | "secret">;

/** The chat transcript of a session, with the last reply parsed for copying. */
export async function chatView(
  services: Pick<Services, "conversations" | "targets">,
  sid: string | null | undefined,
  form: FormState,
): Promise<ChatPanelProps> {
  if (!sid) return { messages: [] };
  const kind = form.persona_id ? "persona" : "chat";
  const messages = await services.conversations.messages(sid, kind);
  const lastReply = [...messages].reverse().find((m) => m.role === "assistant");
  if (!lastReply) return { messages };
  const target = findTarget(services.targets, form.model);
  const parsed = parseReply(lastReply.content, { ...target, requireLabel: kind === "persona" });
  const last: ResultView | undefined = parsed.kind === "prompt"
    ? {
      positive: parsed.positive,
      negative: parsed.negative,
      result: lastReply.content,
      engine: "ollama",
      notes: parsed.notes,
      alternates: parsed.alternates,
      history_id: null,
      target,
    }
    : undefined;
  return { messages, last };
}

/** The main page for a form state, with the chat transcript in chat mode. */
export async function renderHome(
  services: HomeDeps,
  c: Context,
  form: FormState,
  extra: { result?: ResultView; error?: ErrorView } = {},
  status = 200,
): Promise<Response> {
  const props = await homeProps(services, form);
  const chat = form.mode === "chat"
    ? await chatView(services, cookieSession(c, services.secret), form)
    : undefined;
  return c.html(renderPage(<HomePage {...props} {...extra} chat={chat} />), status as 200);
}
