import { lookupTarget } from "../../lib/prompt/targets.ts";
import type { ComponentChildren } from "preact";
import type { Context } from "hono";
import type { Services } from "../../lib/app/services.ts";
import type { FormState } from "./form_state.ts";
import type { Target } from "../../lib/prompt/targets.ts";
import { renderPage } from "../../views/render.ts";
import { HomePage } from "../../views/home_page.tsx";
import type { ResultView } from "../../views/result_panel.tsx";
import { type ChatPanelProps, REFINER, type Speaker } from "../../views/chat_panel.tsx";
import type { ErrorView } from "../../views/error_alert.tsx";
import type { PresetMessage } from "../../views/generate_form.tsx";
import { type FormPageDeps, homeProps } from "./page_context.ts";
import { requestSession } from "./session.ts";
import { identityOf, PageCache, sendPage } from "./page_cache.ts";

/** The main page as drawn for recent inputs (pages without a chat, error or message). */
const homePages = new PageCache();

/** What the main page reads: the form page's deps, the conversations and the cookie secret. */
export type HomeDeps = FormPageDeps & Pick<Services, "conversations" | "secret">;

/** The target with this id, or the first one (a remembered form may name one since removed). */
export function targetOrFirst(targets: Target[], id: string): Target {
  return lookupTarget(targets, id) ?? targets[0]!;
}

/** Who answers with the form's persona: the persona, or the prompt refiner. */
function speakerOf(
  services: Pick<Services, "personas" | "config">,
  personaId: string,
): Speaker {
  if (!personaId) return REFINER;
  const persona = services.personas.list(services.config.enableNsfwPresets)[personaId];
  return persona ? { name: persona.name, icon: persona.icon } : REFINER;
}

/** The chat transcript of a session, for the conversation the form is on. */
export async function chatView(
  services: Pick<Services, "conversations" | "targets" | "personas" | "config">,
  sid: string | null | undefined,
  form: FormState,
): Promise<ChatPanelProps> {
  const kind = form.persona_id ? "persona" : "chat";
  const base = {
    target: targetOrFirst(services.targets, form.model),
    speaker: speakerOf(services, form.persona_id),
    persona: kind === "persona",
  };
  if (!sid) return { ...base, messages: [] };
  return { ...base, messages: await services.conversations.messages(sid, kind) };
}

/** The main page for a form state, with the chat transcript in chat mode. */
export async function renderHome(
  services: HomeDeps,
  c: Context,
  form: FormState,
  extra: {
    result?: ResultView;
    error?: ErrorView;
    chat?: Partial<ChatPanelProps>;
    presetMessage?: PresetMessage;
    panel?: ComponentChildren;
  } = {},
  status = 200,
): Promise<Response> {
  const props = await homeProps(services, c, form);
  const chat = form.mode === "chat"
    ? { ...await chatView(services, requestSession(c, services.secret), form), ...extra.chat }
    : undefined;
  if (!chat && !extra.error && !extra.presetMessage && !extra.panel && status === 200) {
    // Every prop is in the key (the model list and status too), so the cache cannot show a
    // stale page; the big read-only parts stand in by identity, as they are replaced on change.
    // Each target counts, not the list: a prompt reload refills that same array in place.
    const byIdentity = new Set<unknown>([
      props.catalog,
      ...props.targets,
      ...Object.values(props.personas),
    ]);
    const key = JSON.stringify(
      { ...props, result: extra.result ?? null },
      (_k, v) => byIdentity.has(v) ? `#${identityOf(v as object)}` : v,
    );
    const page = homePages.get(
      key,
      () => renderPage(<HomePage {...props} result={extra.result} />),
    );
    return sendPage(c, page);
  }
  return c.html(
    renderPage(
      <HomePage
        {...props}
        result={extra.result}
        error={extra.error}
        chat={chat}
        presetMessage={extra.presetMessage}
        panel={extra.panel}
      />,
    ),
    status as 200,
  );
}
