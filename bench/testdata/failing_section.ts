/**
 * A benchmark section that fails after making a temporary folder, for `bench/processes_test.ts`:
 * prints the folder, then throws.
 */
import { benchTempDir } from "../processes.ts";

const dir = await benchTempDir("promptsmith-bench-failing-");
await Deno.writeTextFile(`${dir}/history.db`, "seeded rows");
// deno-lint-ignore no-console
console.log(JSON.stringify({ dir }));
throw new Error("a section failed");
