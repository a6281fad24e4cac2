import { z } from "zod";
import type { ChatMessage } from "../llm/types.ts";

/**
 * Ollama's generate replies carry `context`, a list of integers the client sends back to continue
 * the conversation. Ours holds the conversation itself: a marker, then the code points of its
 * JSON. The server keeps nothing, a restart loses nothing, and a client can only send back words,
 * which it could send as messages anyway.
 */
const MARKER = 0x50534d31; // "PSM1"

/** Past messages a context keeps (the newest), like a chat conversation's window. */
export const CONTEXT_MESSAGES = 18;
/** Longest message kept in a context, in characters; longer ones are cut. */
const CONTEXT_MESSAGE_CHARS = 20_000;
/** Most integers a context we read may have; anything longer is not one of ours. */
const MAX_CONTEXT_INTS = 400_000;

const Messages = z.array(z.object({
  role: z.enum(["user", "assistant"]),
  content: z.string().max(CONTEXT_MESSAGE_CHARS + 10),
})).max(CONTEXT_MESSAGES);

/** Keeps the newest messages that fit, never starting on an assistant turn. */
export function trimHistory(messages: ChatMessage[]): ChatMessage[] {
  const kept = messages
    .filter((m) => m.role !== "system")
    .slice(-CONTEXT_MESSAGES)
    .map((m) => ({
      role: m.role,
      content: m.content.length > CONTEXT_MESSAGE_CHARS
        ? `${m.content.slice(0, CONTEXT_MESSAGE_CHARS)} […]`
        : m.content,
    }));
  while (kept.length && kept[0]!.role !== "user") kept.shift();
  return kept;
}

/** The context to hand back after a turn: the conversation, newest messages kept. */
export function encodeContext(messages: ChatMessage[]): number[] {
  const out = [MARKER];
  for (const ch of JSON.stringify(trimHistory(messages))) out.push(ch.codePointAt(0)!);
  return out;
}

/**
 * The conversation a context holds, or null when it is not one of ours (a real Ollama's tokens,
 * say, from a node that was pointed elsewhere before): such a context starts a new conversation,
 * as Ollama itself never refuses a list of integers.
 */
export function decodeContext(context: readonly number[]): ChatMessage[] | null {
  if (context.length < 3 || context.length > MAX_CONTEXT_INTS || context[0] !== MARKER) return null;
  const parts: string[] = [];
  for (let i = 1; i < context.length; i += 4096) {
    const slice = context.slice(i, i + 4096);
    if (!slice.every((n) => Number.isInteger(n) && n >= 0 && n <= 0x10ffff)) return null;
    parts.push(String.fromCodePoint(...slice));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(parts.join(""));
  } catch {
    return null;
  }
  const checked = Messages.safeParse(parsed);
  return checked.success ? checked.data : null;
}
