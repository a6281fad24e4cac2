/** A part of a structured (JSON) reply that we use. */
export type ReplyField = "positive" | "negative" | "alternates" | "notes";

const FIELDS: Record<string, ReplyField> = {
  positive: "positive",
  positiveprompt: "positive",
  prompt: "positive",
  finalprompt: "positive",
  imageprompt: "positive",
  mainprompt: "positive",
  keyvisual: "positive",
  positivetags: "positive",
  tags: "positive",
  description: "positive",
  negative: "negative",
  negativeprompt: "negative",
  neg: "negative",
  negativetags: "negative",
  alternates: "alternates",
  alternatives: "alternates",
  alternateprompts: "alternates",
  variations: "alternates",
  variants: "alternates",
  options: "alternates",
  notes: "notes",
  note: "notes",
  explanation: "notes",
  comment: "notes",
  comments: "notes",
  rationale: "notes",
  tips: "notes",
};

/** Lower-case letters and digits of a key: `positive_prompt`, `positivePrompt` → `positiveprompt`. */
function keyName(key: string): string {
  let out = "";
  for (let i = 0; i < key.length && out.length < 40; i++) {
    const c = key[i]!.toLowerCase();
    if ((c >= "a" && c <= "z") || (c >= "0" && c <= "9")) out += c;
  }
  return out;
}

/** The field a JSON key names, or null for keys we ignore. */
export function fieldOfKey(key: string): ReplyField | null {
  return FIELDS[keyName(key)] ?? null;
}

const WRAPPERS = new Set([
  "result",
  "response",
  "output",
  "data",
  "answer",
  "reply",
  "image",
  "generation",
  "prompts",
]);

/** Whether an object under this key may hold the fields: `{"result": {"positive": …}}`. */
export function isWrapperKey(key: string): boolean {
  const name = keyName(key);
  return WRAPPERS.has(name) || FIELDS[name] === "positive";
}
