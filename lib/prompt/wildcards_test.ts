import { deepEqual, equal, throws } from "node:assert/strict";
import { expandWildcards, loadWildcards, UnknownWildcardError } from "./wildcards.ts";
import { seededRandom } from "./random.ts";

Deno.test("loadWildcards() adds the user's lists from DATA_DIR/wildcards, one entry per line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/Fabric.txt`, "# my fabrics\nsilk\n\nvelvet\n");
    const lists = loadWildcards(dir);
    deepEqual(lists.fabric, ["silk", "velvet"]);
    equal(lists.animal!.length > 0, true, "built-in lists stay");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("expandWildcards() handles nesting and refuses unknown lists", () => {
  const lists = { a: ["{x|y}"], b: ["__a__"] };
  const out = expandWildcards("__b__ and {p|q}", seededRandom(1), lists);
  equal(/^[xy] and [pq]$/.test(out), true, out);
  throws(() => expandWildcards("__nope__", seededRandom(1), lists), UnknownWildcardError);
});
