/**
 * How `promptsmith generate` shows a streamed generation: only clean text ever reaches stdout.
 * A structured reply's values may stream live to a terminal (they hold no labels); raw labelled
 * text never does. The end of every generation prints the parsed prompt, so a pipe or a file gets
 * exactly the positive, a blank line, and the negative.
 */
import type { GenerationEvent, GenerationResult } from "../lib/generate/generation.ts";

/** Where the printer writes, and what it knows of the terminal (absent sizes: not a terminal). */
export interface PrinterOutput {
  /** stdout: the prompt. */
  write(text: string): void;
  /** stderr: notes, alternates, messages about a reply with no prompt. */
  note(text: string): void;
  /** The terminal's size, or null when stdout is not a terminal (a pipe, a file). */
  size(): { columns: number; rows: number } | null;
}

/** The clean text of a result as stdout shows it: the positive, then the negative after a blank line. */
function finalText(result: GenerationResult): string {
  if (!result.positive) return "";
  return result.negative ? `${result.positive}\n\n${result.negative}` : result.positive;
}

/** Prints one generation's events; see the module comment for what goes where. */
export class PromptPrinter {
  #preview = "";
  #live: boolean;

  /** `cleanTokens`: the first attempt's tokens are structured values, safe to show as they come. */
  constructor(private readonly out: PrinterOutput, cleanTokens: boolean) {
    // A pipe gets the final prompt only: a preview cannot be taken back there.
    this.#live = cleanTokens && out.size() !== null;
  }

  /** Takes one event of the stream. */
  event(event: GenerationEvent): void {
    if ("token" in event) {
      if (!this.#live) return;
      this.out.write(event.token);
      this.#preview += event.token;
    } else if ("reset" in event) {
      // The retry streams labelled text: its tokens are not shown, and the partial values go.
      this.#erase();
      this.#live = false;
    } else if ("done" in event) this.#done(event);
  }

  /** Ends a stream that stopped without its result (an error, a closed pipe): ends the line. */
  abandon(): void {
    if (this.#preview) this.out.write("\n");
    this.#preview = "";
  }

  #done(result: GenerationResult): void {
    const text = finalText(result);
    if (this.#preview && this.#preview.trim() === text) this.out.write("\n");
    else {
      // The final prompt differs from the values shown (negatives merged, terms restored).
      this.#erase();
      if (text) this.out.write(`${text}\n`);
    }
    this.#preview = "";
    if (!text) {
      // No prompt: a question is what the model said; reasoning only or nothing gets the message.
      if (result.reply_kind === "question" && result.result) this.out.write(`${result.result}\n`);
      else if (result.message) this.out.note(result.message);
    }
    result.alternates.forEach((a, i) => this.out.note(`Alternate ${i + 1}: ${a}`));
    if (result.notes) this.out.note(`Note: ${result.notes}`);
  }

  /** Takes the preview off the terminal; one taller than the screen is ended with a line instead. */
  #erase(): void {
    if (!this.#preview) return;
    const size = this.out.size();
    const rows = size ? rowsOf(this.#preview, size.columns) : Infinity;
    if (size && rows <= size.rows) {
      this.out.write(`\r${rows > 1 ? `\x1b[${rows - 1}A` : ""}\x1b[J`);
    } else this.out.write("\n\n");
    this.#preview = "";
  }
}

/** How many terminal rows `text` takes at `columns` wide (one column a character: a close guess). */
export function rowsOf(text: string, columns: number): number {
  const width = Math.max(1, columns);
  let rows = 0;
  for (const line of text.split("\n")) rows += Math.max(1, Math.ceil([...line].length / width));
  return rows;
}
