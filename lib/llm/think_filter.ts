import type { ChatEvent } from "./types.ts";
import { CLOSE_THINK_TAG, OPEN_THINK_TAG, partialTagStart } from "./think_tags.ts";

/**
 * A piece of model output, routed either to the visible text or to the reasoning: already the
 * chat event the clients yield, so the token path builds one object per piece, not two.
 */
export type ThinkPiece = Extract<ChatEvent, { text: string }>;

/**
 * The first tag of the kind sought in `text` as [index, length]; or, when the text ends with
 * what could still become one, [-1, where that starts]; or [-1, text.length].
 */
function findTag(text: string, closing: boolean): [number, number] {
  const found = (closing ? CLOSE_THINK_TAG : OPEN_THINK_TAG).exec(text);
  if (found) return [found.index, found[0].length];
  const partial = partialTagStart(text, closing);
  return [-1, partial >= 0 ? partial : text.length];
}

/**
 * Splits inline reasoning (`<think>`, `<thinking>` or `<reasoning>` blocks, any case) out of
 * streamed text, even when a tag is cut across chunks; older Ollama versions and `think: false`
 * leave the tags inline. Linear: each chunk is scanned once, and only a possible tag start is
 * held back.
 */
export class ThinkFilter {
  #inThink = false;
  #pending = "";
  #sawContent = false;

  /** Feeds one chunk and returns what can be released now. */
  push(chunk: string): ThinkPiece[] {
    this.#pending += chunk;
    const out: ThinkPiece[] = [];
    while (this.#pending) {
      const [at, length] = findTag(this.#pending, this.#inThink);
      if (at >= 0) {
        this.#emit(out, this.#pending.slice(0, at));
        this.#pending = this.#pending.slice(at + length);
        this.#inThink = !this.#inThink;
        if (!this.#inThink) this.#pending = this.#pending.trimStart();
        continue;
      }
      this.#emit(out, this.#pending.slice(0, length));
      this.#pending = this.#pending.slice(length);
      break;
    }
    return out;
  }

  /** Releases whatever is held back at the end of the stream. */
  flush(): ThinkPiece[] {
    const out: ThinkPiece[] = [];
    this.#emit(out, this.#pending);
    this.#pending = "";
    return out;
  }

  #emit(out: ThinkPiece[], text: string): void {
    if (!text) return;
    if (this.#inThink) {
      out.push({ type: "thinking", text });
      return;
    }
    // Whitespace between a closing tag and the answer is not part of the answer.
    if (!this.#sawContent) {
      text = text.trimStart();
      if (!text) return;
      this.#sawContent = true;
    }
    out.push({ type: "content", text });
  }
}

/** Removes every `<think>…</think>` block (and an unterminated one) from finished text. */
export function stripThink(text: string): string {
  const filter = new ThinkFilter();
  return [...filter.push(text), ...filter.flush()]
    .filter((p) => p.type === "content")
    .map((p) => p.text)
    .join("");
}
