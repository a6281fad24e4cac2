import { checkSessionId } from "./session_id.ts";
/** What a page remembers for one browser between visits and restarts. */
export interface PageState {
  /** The main form's choices as the browser last sent them (field name, value), text excluded. */
  form: [string, string][];
  /** Words typed and not sent yet, per tab. */
  drafts: { oneshot?: string; chat?: string; batch?: string };
  /** The last Quick Generate result: a saved entry, or the reply so far of a stopped one. */
  last?: LastResult;
  /** The ComfyUI workflow last used for each target. */
  workflows?: Record<string, number>;
  updatedAt: number;
}

/** The last Quick Generate result as remembered. */
export type LastResult =
  | { history_id: number }
  | { stopped: string; target: string; ollama_model: string | null };

/** Longest text kept per draft or stopped reply (the form takes 8,000 characters). */
export const MAX_TEXT = 8000;
/** Most form fields kept (the main form sends about 30). */
const MAX_FIELDS = 100;
/** Longest field name or value kept. */
const MAX_FIELD = 100;
/** A browser that stays away this long starts afresh. */
export const PAGE_STATE_TTL_MS = 180 * 24 * 60 * 60 * 1000;

const MODES = ["oneshot", "chat", "batch"] as const;
const key = (sid: string) => ["page_state", checkSessionId(sid)];
const draftKey = (sid: string, mode: typeof MODES[number]) => ["page_draft", sid, mode];

/** An empty state. */
export function emptyPageState(now = 0): PageState {
  return { form: [], drafts: {}, updatedAt: now };
}

function clip(text: string | undefined): string | undefined {
  return text === undefined ? undefined : text.slice(0, MAX_TEXT);
}

/**
 * Caps every part, so whatever a client sends the state fits in KV: each draft is a value of its
 * own, the rest one value, each under the 64 KiB limit even in two-byte characters.
 */
export function boundedState(state: PageState): PageState {
  const form = state.form
    .filter(([k, v]) => k.length <= MAX_FIELD && v.length <= MAX_FIELD)
    .slice(0, MAX_FIELDS);
  const drafts: PageState["drafts"] = {};
  for (const mode of MODES) {
    const text = clip(state.drafts[mode]);
    if (text) drafts[mode] = text;
  }
  const out: PageState = { form, drafts, updatedAt: state.updatedAt };
  const last = state.last;
  if (last && "history_id" in last) out.last = { history_id: last.history_id };
  else if (last) out.last = { ...last, stopped: clip(last.stopped)! };
  const workflows = Object.entries(state.workflows ?? {}).slice(0, 50);
  if (workflows.length) out.workflows = Object.fromEntries(workflows);
  return out;
}

/**
 * The page state of each browser session, in Deno KV beside the conversations: read when a page
 * is drawn, written when a form is sent or (with JavaScript) edited.
 */
export class PageStateStore {
  readonly #kv: Deno.Kv;
  readonly #now: () => number;

  constructor(kv: Deno.Kv, options: { now?: () => number } = {}) {
    this.#kv = kv;
    this.#now = options.now ?? Date.now;
  }

  /** The session's state, or an empty one. */
  async get(sid: string | null): Promise<PageState> {
    if (!sid) return emptyPageState(this.#now());
    const [main, ...drafts] = await this.#kv.getMany<[Omit<PageState, "drafts">, ...string[]]>([
      key(sid),
      ...MODES.map((m) => draftKey(sid, m)),
    ]);
    const found = main.value;
    if (!found || this.#now() - found.updatedAt > PAGE_STATE_TTL_MS) {
      return emptyPageState(this.#now());
    }
    const state: PageState = { ...found, drafts: {} };
    MODES.forEach((mode, i) => {
      const text = drafts[i]?.value;
      if (typeof text === "string" && text) state.drafts[mode] = text;
    });
    return state;
  }

  /** Changes the session's state; the last write wins (one browser, one person). */
  async update(sid: string, change: (state: PageState) => void): Promise<PageState> {
    const state = await this.get(sid);
    change(state);
    state.updatedAt = this.#now();
    const bounded = boundedState(state);
    const { drafts, ...main } = bounded;
    const op = this.#kv.atomic().set(key(sid), main, { expireIn: PAGE_STATE_TTL_MS });
    for (const mode of MODES) {
      const text = drafts[mode];
      if (text) op.set(draftKey(sid, mode), text, { expireIn: PAGE_STATE_TTL_MS });
      else op.delete(draftKey(sid, mode));
    }
    await op.commit();
    return bounded;
  }
}
