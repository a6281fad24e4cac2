/**
 * Pulls the prompt text out of a JSON reply while it streams, so the user watches clean words
 * arrive instead of braces, keys and escapes.
 */
import { fieldOfKey, isWrapperKey } from "./reply_fields.ts";

/** A piece of decoded field text, ready to show. */
export interface JsonFieldText {
  field: "positive" | "negative";
  text: string;
}

/** Where the extractor stands. */
export type JsonStreamState =
  /** Nothing but whitespace, a fence or chatter so far. */
  | "waiting"
  /** Inside the JSON object. */
  | "json"
  /** The object closed; anything after it is ignored. */
  | "done"
  /** The text is not a JSON object: fall back to the text parser. */
  | "not_json";

type Field = JsonFieldText["field"];

interface Frame {
  kind: "object" | "array";
  expect: "key" | "colon" | "value" | "comma";
  /** Object: keys here name fields. Array: the field its string elements go to. */
  fields: boolean;
  /** The field the current key names (objects), or the array's field. */
  field: Field | null;
  /** Whether the current key's object value should be searched for fields too. */
  wrapper: boolean;
  /** Array: an element was emitted, so the next one needs a separator. */
  emitted: boolean;
}

/** Chatter or a fence allowed before the `{`; past this the reply is not JSON. */
const MAX_PRELUDE = 500;
/** Deeper nesting than any reply needs; refused so memory stays bounded. */
const MAX_DEPTH = 64;
const MAX_KEY = 64;

const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Incremental extractor for `{"positive": "…", "negative": "…"}` replies fed in arbitrary
 * chunks. Decodes string escapes (`\uXXXX` and surrogate pairs split across chunks too), joins
 * tag arrays with ", ", ignores other keys, and tolerates chatter or a code fence before the
 * `{` and a trailing comma. Linear in the input; holds only a key, an escape and one character.
 *
 * @example
 * const s = new JsonReplyStream();
 * s.push('{"positive": "a red ');   // [{ field: "positive", text: "a red " }]
 * s.push('fox", "negative": "blur'); // [{ field: "positive", text: "fox" }, { field: "negative", text: "blur" }]
 */
export class JsonReplyStream {
  #state: JsonStreamState = "waiting";
  #error: string | null = null;
  #prelude = 0;
  #stack: Frame[] = [];
  /** Inside a string: "key", a field to emit into, or null to skip it. */
  #string: "key" | Field | null | undefined = undefined;
  #escape = false;
  #hex = "";
  #inHex = false;
  #key = "";
  #literal = false;
  #done = new Set<Field>();
  #out: JsonFieldText[] = [];
  /** A high surrogate held back until its pair arrives. */
  #held = "";

  /** Where the extractor stands. */
  get state(): JsonStreamState {
    return this.#state;
  }

  /** Why the text was taken for something other than a JSON object, when it was. */
  get error(): string | null {
    return this.#error;
  }

  /** Whether the text is not a JSON object (the caller should fall back to the text parser). */
  get notJson(): boolean {
    return this.#state === "not_json";
  }

  /** Feeds one chunk; returns the field text it completed, in order. */
  push(chunk: string): JsonFieldText[] {
    let i = 0;
    while (i < chunk.length && (this.#state === "waiting" || this.#state === "json")) {
      if (this.#string !== undefined && !this.#escape && !this.#inHex) {
        // Plain characters inside a string go out as one run.
        let j = i;
        while (j < chunk.length) {
          const c = chunk.charCodeAt(j);
          if (c === 34 || c === 92) break;
          j++;
        }
        if (j > i) {
          this.#run(chunk.slice(i, j), this.#string);
          i = j;
          continue;
        }
      }
      this.#step(chunk[i]!);
      i++;
    }
    return this.#take(false);
  }

  #run(text: string, target: "key" | Field | null): void {
    if (target === "key") {
      if (this.#key.length < MAX_KEY) this.#key += text.slice(0, MAX_KEY - this.#key.length);
    } else if (target) this.#emit(target, text);
  }

  /** Ends the stream: releases held text and settles the state. */
  end(): JsonFieldText[] {
    if (this.#state === "waiting") this.#fail("the reply holds no JSON object");
    return this.#take(true);
  }

  #take(final: boolean): JsonFieldText[] {
    // The stream ended on a lone high surrogate: release it as it is.
    if (final) this.#release();
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #heldField: Field | null = null;

  #fail(why: string): void {
    this.#state = "not_json";
    this.#error = why;
    this.#held = "";
  }

  #release(): void {
    if (this.#held) this.#append(this.#heldField!, this.#held);
    this.#held = "";
  }

  #emit(field: Field, text: string): void {
    if (this.#held && field !== this.#heldField) this.#release();
    if (this.#held) {
      text = this.#held + text;
      this.#held = "";
    }
    const last = text.charCodeAt(text.length - 1);
    if (isHighSurrogate(last)) {
      this.#held = text[text.length - 1]!;
      this.#heldField = field;
      text = text.slice(0, -1);
    }
    if (text) this.#append(field, text);
  }

  /** Adds text to the output, extending its last piece when that is the same field's. */
  #append(field: Field, text: string): void {
    // Escapes arrive a character at a time: extend the last piece rather than add one.
    const prev = this.#out[this.#out.length - 1];
    if (prev && prev.field === field) prev.text += text;
    else this.#out.push({ field, text });
  }

  #step(c: string): void {
    if (this.#state === "waiting") {
      if (c === "{") {
        this.#state = "json";
        this.#stack.push(frame("object", true, null));
      } else if (++this.#prelude > MAX_PRELUDE) {
        this.#fail("no JSON object near the start of the reply");
      }
      return;
    }
    if (this.#string !== undefined) return this.#inString(c);
    if (this.#literal) {
      if (c === "," || c === "}" || c === "]" || isWhite(c)) this.#literal = false;
      else if (isLiteralChar(c)) return;
      else return this.#fail(`unexpected "${c}" in a JSON value`);
    }
    if (isWhite(c)) return;
    const top = this.#stack[this.#stack.length - 1]!;
    switch (top.expect) {
      case "key":
        if (c === '"') {
          this.#string = "key";
          this.#key = "";
        } else if (c === "}" && top.kind === "object") this.#close();
        else if (c === "]" && top.kind === "array") this.#close();
        else if (top.kind === "array") this.#value(c, top);
        else this.#fail(`expected a key, found "${c}"`);
        return;
      case "colon":
        if (c === ":") top.expect = "value";
        else this.#fail(`expected ":", found "${c}"`);
        return;
      case "value":
        if (c === "]" && top.kind === "array") return this.#close();
        return this.#value(c, top);
      case "comma":
        if (c === ",") top.expect = top.kind === "object" ? "key" : "value";
        else if ((c === "}" && top.kind === "object") || (c === "]" && top.kind === "array")) {
          this.#close();
        } else this.#fail(`expected "," found "${c}"`);
        return;
    }
  }

  #value(c: string, top: Frame): void {
    const field = top.field && !this.#done.has(top.field) ? top.field : null;
    if (c === '"') {
      this.#string = field;
      if (field && top.kind === "array") {
        if (top.emitted) this.#emit(field, ", ");
        top.emitted = true;
      }
      top.expect = "comma";
      return;
    }
    if (this.#stack.length >= MAX_DEPTH) return this.#fail("the JSON is nested too deeply");
    if (c === "{") {
      top.expect = "comma";
      this.#stack.push(frame("object", top.kind === "object" && top.wrapper, null));
      return;
    }
    if (c === "[") {
      top.expect = "comma";
      const arrayField = top.kind === "object" && top.fields ? field : null;
      this.#stack.push(frame("array", false, arrayField));
      return;
    }
    if (isLiteralChar(c)) {
      top.expect = "comma";
      this.#literal = true;
      if (top.kind === "object" && top.field) this.#done.add(top.field);
      return;
    }
    this.#fail(`unexpected "${c}" where a JSON value belongs`);
  }

  #close(): void {
    const closed = this.#stack.pop()!;
    if (closed.kind === "array" && closed.field) this.#done.add(closed.field);
    if (!this.#stack.length) this.#state = "done";
  }

  #endKey(): void {
    const top = this.#stack[this.#stack.length - 1]!;
    top.expect = "colon";
    const f = top.fields ? fieldOfKey(this.#key) : null;
    top.field = f === "positive" || f === "negative" ? f : null;
    // `{"prompt": {"positive": …}}` and `{"result": {…}}`: look one level in.
    top.wrapper = this.#stack.length === 1 && isWrapperKey(this.#key);
  }

  #inString(c: string): void {
    const target = this.#string;
    if (this.#inHex) {
      if (!isHex(c)) return this.#fail("a \\u escape is not four hex digits");
      this.#hex += c;
      if (this.#hex.length < 4) return;
      this.#inHex = false;
      // A NUL is dropped, as the clients drop one sent raw: stored text cannot keep it.
      const code = parseInt(this.#hex, 16);
      return code === 0 ? undefined : this.#char(String.fromCharCode(code), target);
    }
    if (this.#escape) {
      this.#escape = false;
      if (c === "u") {
        this.#inHex = true;
        this.#hex = "";
        return;
      }
      return this.#char(ESCAPES[c] ?? c, target);
    }
    if (c === "\\") {
      this.#escape = true;
      return;
    }
    if (c === '"') {
      this.#string = undefined;
      this.#release();
      if (target === "key") return this.#endKey();
      const top = this.#stack[this.#stack.length - 1]!;
      if (target && top.kind === "object") this.#done.add(target);
      return;
    }
    this.#char(c, target);
  }

  #char(c: string, target: "key" | Field | null | undefined): void {
    if (target === "key") {
      if (this.#key.length < MAX_KEY) this.#key += c;
    } else if (target) this.#emit(target, c);
  }
}

function frame(kind: Frame["kind"], fields: boolean, field: Field | null): Frame {
  return {
    kind,
    expect: kind === "object" ? "key" : "value",
    fields,
    field,
    wrapper: false,
    emitted: false,
  };
}

function isWhite(c: string): boolean {
  return c === " " || c === "\n" || c === "\r" || c === "\t";
}

function isHex(c: string): boolean {
  return (c >= "0" && c <= "9") || (c >= "a" && c <= "f") || (c >= "A" && c <= "F");
}

function isLiteralChar(c: string): boolean {
  return (c >= "0" && c <= "9") || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") ||
    c === "-" || c === "+" || c === ".";
}
