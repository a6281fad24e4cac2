/** A piece of model output, routed either to the visible text or to the reasoning. */
export interface ThinkPiece {
  kind: "content" | "thinking";
  text: string;
}

const OPEN = "<think>";
const CLOSE = "</think>";

/**
 * Splits inline `<think>…</think>` reasoning out of streamed text, even when a tag is cut
 * across chunks; older Ollama versions and `think: false` leave the tags inline.
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
      const tag = this.#inThink ? CLOSE : OPEN;
      const at = this.#pending.indexOf(tag);
      if (at >= 0) {
        this.#emit(out, this.#pending.slice(0, at));
        this.#pending = this.#pending.slice(at + tag.length);
        this.#inThink = !this.#inThink;
        if (!this.#inThink) this.#pending = this.#pending.replace(/^\s+/, "");
        continue;
      }
      const keep = partialSuffix(this.#pending, tag);
      this.#emit(out, this.#pending.slice(0, this.#pending.length - keep));
      this.#pending = this.#pending.slice(this.#pending.length - keep);
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
      out.push({ kind: "thinking", text });
      return;
    }
    // Whitespace between a closing tag and the answer is not part of the answer.
    if (!this.#sawContent) {
      text = text.replace(/^\s+/, "");
      if (!text) return;
      this.#sawContent = true;
    }
    out.push({ kind: "content", text });
  }
}

function partialSuffix(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}

/** Removes every `<think>…</think>` block (and an unterminated one) from finished text. */
export function stripThink(text: string): string {
  const filter = new ThinkFilter();
  return [...filter.push(text), ...filter.flush()]
    .filter((p) => p.kind === "content")
    .map((p) => p.text)
    .join("");
}
