/** Splits a comma-separated prompt into trimmed, non-empty tags. */
export function splitTags(text: string | null | undefined): string[] {
  if (!text) return [];
  return text.split(",").map((t) => t.trim()).filter(Boolean);
}

function tagKey(tag: string): string {
  return tag.toLowerCase().replace(/^\(+|\)+$/g, "").replace(/:\d+(\.\d+)?$/, "").trim();
}

/**
 * Builds the final negative prompt: the LLM's own negative (or the target's defaults when it
 * gave none), then the chosen presets' fragments, without duplicates.
 */
export function mergeNegatives(
  llmNegative: string | null,
  presetFragments: string[],
  targetDefaults: string[],
): string {
  const base = llmNegative ? splitTags(llmNegative) : targetDefaults;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const tag of [...base, ...presetFragments.flatMap(splitTags)]) {
    const key = tagKey(tag);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out.join(", ");
}
