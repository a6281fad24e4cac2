/** A finished reply with its inline reasoning taken out. */
export interface SplitThinking {
  /** The answer: everything outside reasoning blocks. */
  content: string;
  /** The reasoning, blocks separated by a blank line; null when there was none. */
  thinking: string | null;
}

const OPEN_TAGS = ["<think>", "<thinking>", "<reasoning>"];
const CLOSE_TAGS = ["</think>", "</thinking>", "</reasoning>"];

/** Whether `tag` (lower case) starts at `at`, in any case, compared without copying. */
function tagMatches(text: string, at: number, tag: string): boolean {
  if (at + tag.length > text.length) return false;
  for (let k = 1; k < tag.length; k++) {
    let c = text.charCodeAt(at + k);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== tag.charCodeAt(k)) return false;
  }
  return true;
}

/** The tag starting at `at` (any case), if it is one of ours. */
function tagAt(text: string, at: number): { open: boolean; length: number } | null {
  // Two characters decide cheaply whether a tag can start here: "<th", "<re", "</t", "</r".
  const a = text.charCodeAt(at + 1) | 32;
  const b = text.charCodeAt(at + 2) | 32;
  const maybe = (a === 116 && b === 104) || (a === 114 && b === 101) ||
    (a === 47 && (b === 116 || b === 114));
  if (!maybe) return null;
  for (const t of CLOSE_TAGS) if (tagMatches(text, at, t)) return { open: false, length: t.length };
  for (const t of OPEN_TAGS) if (tagMatches(text, at, t)) return { open: true, length: t.length };
  return null;
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
  const n = text.length;
  for (let at = 0; at < n; at++) {
    // A plain loop: indexOf per "<" costs a builtin call each on text full of them.
    if (text.charCodeAt(at) !== 60) continue;
    const tag = tagAt(text, at);
    if (tag) {
      const piece = text.slice(from, at);
      if (tag.open && !inThink) {
        content.push(piece);
        inThink = true;
      } else if (!tag.open) {
        // Closing a block, or an orphan close: what came before it was reasoning.
        thinking.push(piece);
        inThink = false;
      } else {
        // A nested opening tag inside reasoning is part of the reasoning.
        thinking.push(piece);
      }
      from = at + tag.length;
      at = from - 1;
    }
  }
  (inThink ? thinking : content).push(text.slice(from));
  const reasoning = thinking.map((t) => t.trim()).filter((t) => t.length > 0).join("\n\n");
  return { content: content.join(""), thinking: reasoning || null };
}

/** Whether `text` from `at` to its end could still grow into one of the reasoning tags. */
function couldBeTag(text: string, at: number): boolean {
  const tail = text.slice(at).toLowerCase();
  return CLOSE_TAGS.some((t) => t.startsWith(tail)) || OPEN_TAGS.some((t) => t.startsWith(tail));
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
    for (let at = text.indexOf("<"); at >= 0; at = text.indexOf("<", at + 1)) {
      const tag = tagAt(text, at);
      if (!tag && text.length - at < 13 && couldBeTag(text, at)) {
        this.#held = text.slice(at);
        return out + this.#show(text.slice(from, at));
      }
      if (tag) {
        out += this.#show(text.slice(from, at));
        this.#afterTag = true;
        from = at + tag.length;
        at = from - 1;
      }
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
