/**
 * The most text (content and reasoning together) one reply may hold. A prompt is a few hundred
 * characters and a long reasoning trace a few hundred thousand; past this the server is looping
 * or hostile, and keeping it would only grow memory and the work of everything that reads it.
 */
export const MAX_REPLY_CHARS = 4 * 1024 * 1024;

/** A reply that grew past the limit. */
export class ReplyTooLongError extends Error {
  constructor(readonly limit: number) {
    super(`the server sent a reply longer than ${limit} characters, so it was stopped`);
    this.name = "ReplyTooLongError";
  }
}

/** Counts the text of one reply and throws `ReplyTooLongError` once it passes the limit. */
export class ReplyBudget {
  #used = 0;
  constructor(readonly limit: number = MAX_REPLY_CHARS) {}

  /** Counts `text`; throws when the reply is now too long. */
  add(text: string): void {
    this.#used += text.length;
    if (this.#used > this.limit) throw new ReplyTooLongError(this.limit);
  }
}

/**
 * Text from the model without NUL characters: they mean nothing in a prompt, and SQLite's text
 * reads stop at them, so a saved prompt would come back cut.
 */
export function withoutNul(text: string): string {
  return text.includes("\0") ? text.replaceAll("\0", "") : text;
}
