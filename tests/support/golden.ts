import { equal } from "node:assert/strict";

/**
 * Compares text with a golden file in `tests/fixtures/golden/`. Run with `UPDATE_GOLDEN=1` to
 * write the files instead, then read the diff before committing it: a golden is only as good as
 * the review it got.
 */
export function matchGolden(name: string, actual: string): void {
  const url = new URL(`../fixtures/golden/${name}`, import.meta.url);
  if (Deno.env.get("UPDATE_GOLDEN") === "1") {
    Deno.mkdirSync(new URL(".", url), { recursive: true });
    Deno.writeTextFileSync(url, actual);
    return;
  }
  let expected: string;
  try {
    expected = Deno.readTextFileSync(url);
  } catch {
    throw new Error(`No golden file ${name}: run with UPDATE_GOLDEN=1, review it, commit it.`);
  }
  equal(actual, expected, `${name} differs from its golden file (UPDATE_GOLDEN=1 rewrites it)`);
}
