import { badInput } from "./errors.ts";

/**
 * Where the first NUL character in a parsed body is, as a field path ("input",
 * "entries.3.user_input", or "selections.universal" with `key` set when a key holds it), or null.
 * Text never keeps NUL here: SQLite's text reads stop at it, so it would come back cut.
 */
export function findNul(value: unknown): { field: string; key: boolean } | null {
  // Its own stack, depth first in order, and each step points at its parent instead of copying
  // the path: a body nested thousands deep is data, not recursion or quadratic work.
  interface Step {
    value: unknown;
    key: string | null;
    parent: Step | null;
  }
  const field = (step: Step | null) => {
    const path: string[] = [];
    for (let s = step; s && s.key !== null; s = s.parent) path.push(s.key);
    return path.length ? path.reverse().join(".") : "body";
  };
  const stack: Step[] = [{ value, key: null, parent: null }];
  while (stack.length) {
    const step = stack.pop()!;
    const v = step.value;
    if (typeof v === "string") {
      if (v.includes("\0")) return { field: field(step), key: false };
      continue;
    }
    if (typeof v !== "object" || v === null) continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i], key: String(i), parent: step });
      }
      continue;
    }
    const keys = Object.keys(v);
    for (const k of keys) if (k.includes("\0")) return { field: field(step), key: true };
    for (let i = keys.length - 1; i >= 0; i--) {
      stack.push({ value: (v as Record<string, unknown>)[keys[i]!], key: keys[i]!, parent: step });
    }
  }
  return null;
}

/** The sentence that refuses a NUL, naming where it is. */
export function nulMessage(found: { field: string; key: boolean }): string {
  const field = found.field.length > 200 ? `${found.field.slice(0, 200)}…` : found.field;
  return `${field}: ${found.key ? "a key holds" : "holds"} a NUL character (\\0), which ` +
    `text cannot keep here; remove it and send again`;
}

/** Throws the 400 for the first NUL in a parsed body. */
export function refuseNul(value: unknown): void {
  const found = findNul(value);
  if (found) throw badInput(nulMessage(found));
}
