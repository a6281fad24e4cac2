import type { Context } from "hono";
import type { Services } from "../../lib/app/services.ts";
import type { PageState } from "../../lib/app/page_state.ts";
import { emptyForm, formFromEntries, type FormState, formToEntries } from "./form_state.ts";
import { requestSession, sessionOf } from "./session.ts";

/** What remembering a page needs: the state store and the cookie secret. */
export type MemoryDeps = Pick<Services, "pageState" | "secret">;

/** The tabs that keep a draft of their own. */
export type DraftMode = keyof PageState["drafts"];

/** The page state of the browser's session (an empty one when it has no session yet). */
export async function pageStateOf(services: MemoryDeps, c: Context): Promise<PageState> {
  return await services.pageState.get(requestSession(c, services.secret));
}

/**
 * The form a browser left, in `mode` (default: the tab it was on), with that tab's draft.
 */
export function formFromState(
  state: PageState,
  defaults: { ollama_model?: string },
  mode?: FormState["mode"],
): FormState {
  const form = state.form.length ? formFromEntries(state.form, defaults) : emptyForm(defaults);
  if (mode) form.mode = mode;
  form.input = state.drafts[form.mode] ?? "";
  return form;
}

/**
 * Remembers a form as sent from one tab. Chat's form has no engine switch and Quick Generate's
 * no persona, so those keep what the other tab last chose. `draft` is the text to keep for the
 * tab (the form's own when omitted); `change` may adjust anything else.
 */
export async function rememberForm(
  services: MemoryDeps,
  c: Context,
  form: FormState,
  options: { draft?: string; change?: (state: PageState) => void } = {},
): Promise<void> {
  const sid = sessionOf(c, services.secret);
  await services.pageState.update(sid, (state) => {
    const before = state.form.length ? formFromEntries(state.form) : emptyForm();
    const merged: FormState = { ...form };
    if (form.mode === "chat") merged.engine = before.engine;
    else merged.persona_id = before.persona_id;
    state.form = formToEntries({ ...merged, input: "" });
    state.drafts[form.mode] = options.draft ?? form.input;
    options.change?.(state);
  });
}

/** Remembers only a tab's draft and, from Batch, the target and LLM it shares with the rest. */
export async function rememberDraft(
  services: MemoryDeps,
  c: Context,
  mode: DraftMode,
  draft: string,
  shared: { model?: string; ollama_model?: string } = {},
): Promise<void> {
  const sid = sessionOf(c, services.secret);
  await services.pageState.update(sid, (state) => {
    state.drafts[mode] = draft;
    for (const [key, value] of Object.entries(shared)) {
      if (!value) continue;
      state.form = state.form.filter(([k]) => k !== key).concat([[key, value]]);
    }
  });
}
