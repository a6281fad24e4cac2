import { deepEqual } from "node:assert/strict";
import { putNewest } from "./bounded_cache.ts";

Deno.test("a bounded cache drops its oldest entries past the cap, and a key stored again is newest", () => {
  const map = new Map<string, number>();
  for (const [key, value] of [["a", 1], ["b", 2], ["c", 3]] as const) putNewest(map, key, value, 3);
  putNewest(map, "a", 10, 3);
  putNewest(map, "d", 4, 3);
  deepEqual([...map], [["c", 3], ["a", 10], ["d", 4]]);
  putNewest(map, "e", 5, 1);
  deepEqual([...map], [["e", 5]]);
});
