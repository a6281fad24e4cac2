import { checkSessionId } from "../app/session_id.ts";
import type { ChatMessage } from "../llm/types.ts";
import { isStorageFull } from "../history/store.ts";

/** How many past messages go to the LLM with each turn (the new user message included). */
export const CONTEXT_MESSAGES = 20;
/** How many messages are kept per conversation. */
const STORED_MESSAGES = 40;
/** A conversation unused for this long is gone. */
const CONVERSATION_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a browser keeps its conversations bound: as long as its session cookie lives. */
const BOUND_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** KV values are limited to 64 KiB; longer replies are stored shortened. */
const MAX_STORED_CHARS = 20_000;

/** Which conversation of a session: the Chat & Refine one or the persona one. */
export type ConversationKind = "chat" | "persona";

/** A stored message: what the LLM saw, and for user turns the words as the user typed them. */
export interface StoredMessage extends ChatMessage {
  /** The user's own words, without the preset guidance appended for the LLM. */
  typed?: string;
  /** On a reply that ended early: Stop (or a client gone), or an error; the text is partial. */
  stopped?: "stopped" | "error";
  /** The history entry of a finished reply. */
  history_id?: number;
  /** Shown instead of a reply that held nothing to show (only reasoning); never sent to the LLM. */
  message?: string;
}

/** How a reply is kept: its text and, when it has them, how it ended and its history entry. */
export interface StoredReply {
  content: string;
  stopped?: "stopped" | "error";
  history_id?: number | null;
  /** What the user is told when the reply held no text (see `GenerationResult.message`). */
  message?: string;
}

/** What a conversation is about; changing either starts a new one. */
export interface ConversationScope {
  target: string;
  persona?: string | null;
}

interface Head extends ConversationScope {
  start: number;
  end: number;
  updatedAt: number;
}

/** The context for a new turn, and whether it starts a new conversation. */
export interface TurnContext {
  history: ChatMessage[];
  /** True when an earlier conversation existed for another target or persona. */
  reset: boolean;
  turns: number;
}

const headKey = (sid: string, kind: ConversationKind) => [
  "conversation",
  checkSessionId(sid),
  kind,
];
const msgKey = (
  sid: string,
  kind: ConversationKind,
  seq: number,
) => ["conversation_message", checkSessionId(sid), kind, seq];

function sameScope(head: Head, scope: ConversationScope): boolean {
  return head.target === scope.target && (head.persona ?? null) === (scope.persona ?? null);
}

/**
 * Conversations in Deno KV: one head record per session and kind, one record per message.
 * Turns are appended atomically with a version check, so concurrent turns are both kept.
 */
export class ConversationStore {
  #kv: Deno.Kv;
  #now: () => number;
  #full = false;

  constructor(kv: Deno.Kv, options: { now?: () => number } = {}) {
    this.#kv = kv;
    this.#now = options.now ?? Date.now;
  }

  #live(head: Head | null): head is Head {
    return head !== null && this.#now() - head.updatedAt <= CONVERSATION_TTL_MS;
  }

  /** All stored messages of a live conversation, oldest first. */
  async messages(sid: string, kind: ConversationKind): Promise<StoredMessage[]> {
    const head = (await this.#kv.get<Head>(headKey(sid, kind))).value;
    if (!this.#live(head)) return [];
    return await this.#read(sid, kind, head.start, head.end);
  }

  async #read(
    sid: string,
    kind: ConversationKind,
    from: number,
    to: number,
  ): Promise<StoredMessage[]> {
    const out: StoredMessage[] = [];
    for await (
      const entry of this.#kv.list<StoredMessage>({
        start: msgKey(sid, kind, from),
        end: msgKey(sid, kind, to),
      })
    ) {
      out.push(entry.value);
    }
    return out;
  }

  /** The scope of the live conversation, if any. */
  async scope(sid: string, kind: ConversationKind): Promise<ConversationScope | null> {
    const head = (await this.#kv.get<Head>(headKey(sid, kind))).value;
    return this.#live(head) ? { target: head.target, persona: head.persona ?? null } : null;
  }

  /**
   * The history to send with a new turn: at most `CONTEXT_MESSAGES - 1` past messages, never
   * starting with an assistant turn, so the new user message always fits.
   */
  async context(
    sid: string,
    kind: ConversationKind,
    scope: ConversationScope,
  ): Promise<TurnContext> {
    const head = (await this.#kv.get<Head>(headKey(sid, kind))).value;
    if (!this.#live(head)) return { history: [], reset: false, turns: 0 };
    if (!sameScope(head, scope)) return { history: [], reset: true, turns: 0 };
    const from = Math.max(head.start, head.end - (CONTEXT_MESSAGES - 1));
    // Only role and content go to the LLM; a reply stopped before its first word is left out.
    const history: ChatMessage[] = (await this.#read(sid, kind, from, head.end))
      .filter((m) => m.role !== "assistant" || m.content !== "" || !m.stopped)
      .map(({ role, content }) => ({ role, content }));
    while (history.length && history[0]!.role !== "user") history.shift();
    return { history, reset: false, turns: Math.floor((head.end - head.start) / 2) };
  }

  /** Whether the last turn could not be saved for a full disk (until one is saved again). */
  get storageFull(): boolean {
    return this.#full;
  }

  /**
   * Appends a user message and the reply (a string, or a reply that says how it ended); retries
   * on conflicting writes so no turn is lost.
   */
  async appendTurn(
    sid: string,
    kind: ConversationKind,
    scope: ConversationScope,
    user: string,
    assistant: string | StoredReply,
    typed?: string,
  ): Promise<void> {
    const reply: StoredReply = typeof assistant === "string" ? { content: assistant } : assistant;
    const text = reply.content;
    const stored = text.length > MAX_STORED_CHARS ? `${text.slice(0, MAX_STORED_CHARS)} […]` : text;
    const assistantMessage: StoredMessage = { role: "assistant", content: stored };
    if (reply.stopped) assistantMessage.stopped = reply.stopped;
    if (typeof reply.history_id === "number") assistantMessage.history_id = reply.history_id;
    if (reply.message) assistantMessage.message = reply.message;
    const userMessage: StoredMessage = { role: "user", content: user };
    if (typed !== undefined && typed !== user) userMessage.typed = typed;
    try {
      for (let attempt = 0; attempt < 20; attempt++) {
        const current = await this.#kv.get<Head>(headKey(sid, kind));
        const head = current.value;
        const keep = this.#live(head) && sameScope(head, scope);
        const base = head ? head.end : 0;
        const start = keep ? head.start : base;
        const op = this.#kv.atomic().check(current);
        if (head && !keep) {
          for (let i = head.start; i < head.end; i++) op.delete(msgKey(sid, kind, i));
        }
        op.set(msgKey(sid, kind, base), userMessage);
        op.set(msgKey(sid, kind, base + 1), assistantMessage);
        const newStart = Math.max(start, base + 2 - STORED_MESSAGES);
        for (let i = start; i < newStart; i++) op.delete(msgKey(sid, kind, i));
        const next: Head = {
          target: scope.target,
          persona: scope.persona ?? null,
          start: newStart,
          end: base + 2,
          updatedAt: this.#now(),
        };
        op.set(headKey(sid, kind), next);
        if ((await op.commit()).ok) {
          this.#full = false;
          return;
        }
      }
      throw new Error("Could not save the conversation turn after repeated conflicts");
    } catch (err) {
      // Noted for /healthz, which says so while reads still work.
      if (isStorageFull(err)) this.#full = true;
      throw err;
    }
  }

  /** Marks a session's conversations as a browser's: only its signed cookie reaches them. */
  async bind(sid: string): Promise<void> {
    const key = ["conversation_bound", sid];
    if ((await this.#kv.get(key)).value) return;
    await this.#kv.set(key, true, { expireIn: BOUND_TTL_MS });
  }

  /** Whether a browser session holds these conversations (see `bind`). */
  async isBound(sid: string): Promise<boolean> {
    return (await this.#kv.get(["conversation_bound", sid])).value === true;
  }

  /** Forgets a session's conversation. */
  async reset(sid: string, kind: ConversationKind): Promise<void> {
    const op = this.#kv.atomic();
    for await (
      const entry of this.#kv.list({
        prefix: ["conversation_message", checkSessionId(sid), kind],
      })
    ) {
      op.delete(entry.key);
    }
    op.delete(headKey(sid, kind));
    await op.commit();
  }

  /** Deletes conversations unused for longer than the TTL; returns how many went. */
  async sweep(): Promise<number> {
    let removed = 0;
    for await (const entry of this.#kv.list<Head>({ prefix: ["conversation"] })) {
      if (this.#live(entry.value)) continue;
      const [, sid, kind] = entry.key as [string, string, ConversationKind];
      await this.reset(sid, kind);
      removed++;
    }
    return removed;
  }
}
