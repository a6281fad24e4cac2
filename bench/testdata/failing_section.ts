/**
 * A benchmark section that ends early after making a temporary folder, for
 * `bench/processes_test.ts`: prints the folder, then, by its argument, throws at top level
 * (`throw`), throws in a timer (`timer`) or waits to be stopped with SIGINT (`wait`).
 */
import { benchTempDir } from "../processes.ts";

const dir = await benchTempDir("promptsmith-bench-failing-");
await Deno.writeTextFile(`${dir}/history.db`, "seeded rows");
// deno-lint-ignore no-console
console.log(JSON.stringify({ dir }));
const how = Deno.args[0];
if (how === "wait") await new Promise((r) => setTimeout(r, 60_000));
else if (how === "timer") {
  setTimeout(() => {
    throw new Error("a section failed");
  }, 1);
} else throw new Error("a section failed");
