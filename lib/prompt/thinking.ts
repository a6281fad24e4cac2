import { partialTagStart, THINK_TAG } from "../llm/think_tags.ts";

/** A finished reply with its inline reasoning taken out. */
export interface SplitThinking {
  /** The answer: everything outside reasoning blocks. */
  content: string;
  /** The reasoning, blocks separated by a blank line; null when there was none. */
  thinking: string | null;
}

/**
 * Splits inline reasoning out of a finished reply: closed blocks, several blocks, an
 * unterminated block (the model ran out of tokens while thinking) and an orphan closing tag
 * (deepseek-r1 distills, whose template opens the block in the prompt): text before an orphan
 * `</think>` is reasoning. `<thinking>` and `<reasoning>` count like `<think>`.
 */
export function splitThinking(text: string): SplitThinking {
  const content: string[] = [];
  const thinking: string[] = [];
  let inThink = false;
  let from = 0;
  THINK_TAG.lastIndex = 0;
  for (let m = THINK_TAG.exec(text); m; m = THINK_TAG.exec(text)) {
    const open = m[1] === "";
    const piece = text.slice(from, m.index);
    if (open && !inThink) {
      content.push(piece);
      inThink = true;
    } else if (!open) {
      // Closing a block, or an orphan close: what came before it was reasoning.
      thinking.push(piece);
      inThink = false;
    } else {
      // A nested opening tag inside reasoning is part of the reasoning.
      thinking.push(piece);
    }
    from = m.index + m[0].length;
  }
  (inThink ? thinking : content).push(text.slice(from));
  const reasoning = thinking.map((t) => t.trim()).filter((t) => t.length > 0).join("\n\n");
  return { content: content.join(""), thinking: reasoning || null };
}

/**
 * Keeps reasoning tags the LLM client let through (an orphan `</think>`, as deepseek-r1 distills
 * write, or `<thinking>`) out of a live stream, even when a tag is cut across chunks. The full
 * reply keeps them: the final parse needs them to tell reasoning from the answer.
 */
export class CloseTagHider {
  #held = "";
  /** Whether the last tag hidden was not yet followed by visible text. */
  #afterTag = false;

  /** The part of `chunk` that can be shown now. */
  push(chunk: string): string {
    const text = this.#held + chunk;
    this.#held = "";
    let out = "";
    let from = 0;
    THINK_TAG.lastIndex = 0;
    for (let m = THINK_TAG.exec(text); m; m = THINK_TAG.exec(text)) {
      out += this.#show(text.slice(from, m.index));
      this.#afterTag = true;
      from = m.index + m[0].length;
    }
    const partial = partialTagStart(text);
    if (partial >= from) {
      this.#held = text.slice(partial);
      return out + this.#show(text.slice(from, partial));
    }
    return out + this.#show(text.slice(from));
  }

  /** What is still held back at the end of the stream. */
  flush(): string {
    const held = this.#held;
    this.#held = "";
    return this.#show(held);
  }

  /** The whitespace after a hidden tag is not shown either. */
  #show(text: string): string {
    if (!this.#afterTag || !text) return text;
    const trimmed = text.trimStart();
    if (trimmed) this.#afterTag = false;
    return trimmed;
  }
}
