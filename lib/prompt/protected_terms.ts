import { isSpace, tightenPunctuation, trimEndWhere } from "../app/text_scan.ts";
/** LoRA and LyCORIS tags such as `<lora:name:0.8>`, which must reach the image model verbatim. */
const LORA_TAG = /<(?:lora|lyco|hypernet):[^<>\s]+>/gi;

/** The LoRA tags written in a text. */
export function findLoraTags(text: string): string[] {
  return [...new Set(text.match(LORA_TAG) ?? [])];
}

/** The terms to keep verbatim: the user's list plus every LoRA tag in the idea. */
export function protectedTerms(idea: string, listed: string[] = []): string[] {
  const terms = [...listed.map((t) => t.trim()).filter(Boolean), ...findLoraTags(idea)];
  return [...new Set(terms)];
}

/** The idea without its LoRA tags (the composer places them itself). */
export function withoutLoraTags(idea: string): string {
  return tightenPunctuation(idea.replace(LORA_TAG, " ").replace(/\s{2,}/g, " ")).trim();
}

/**
 * Puts back any protected term the LLM dropped or altered: appended as tags for tag targets,
 * or after the paragraph for prose targets. Returns the prompt and the terms it restored.
 */
export function restoreTerms(
  positive: string,
  terms: string[],
  style: "prose" | "tags",
): { positive: string; restored: string[] } {
  const restored = terms.filter((t) => !positive.includes(t));
  if (!restored.length) return { positive, restored };
  const joined = restored.join(", ");
  if (!positive.trim()) return { positive: joined, restored };
  const text = style === "tags"
    ? `${trimEndWhere(positive, (c) => c === "," || isSpace(c))}, ${joined}`
    : `${positive.trim()} ${joined}`;
  return { positive: text, restored };
}
