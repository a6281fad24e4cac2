/**
 * `deno run -A bench/search_profile.ts [rows…]`: where a history request's time goes, in
 * process: the listing, searches as typed (the search cache off, then on) and repeated, and the JSON
 * of a page. Seeds a temporary database per size; prints wall-clock p50 and p95 and the mean CPU
 * time per call, in microseconds.
 */
import { join } from "node:path";
import { openDatabase } from "../lib/history/db.ts";
import { HistoryStore } from "../lib/history/store.ts";
import { seededDataDir } from "./seed_history.ts";
import { removeTempDir } from "./processes.ts";
import { typedPrefixes } from "./typed_queries.ts";
import { percentile } from "./stats.ts";
import process from "node:process";

const QUERIES = ["lighthouse", "samurai rain", "cafe", "Zürich", "drag", "highly detailed"];
const typed = typedPrefixes(QUERIES);

function time(label: string, run: () => unknown, rounds: number): void {
  for (let i = 0; i < 3; i++) run();
  const times: number[] = [];
  // CPU time is what this process spent, so other processes on the cores move it less than
  // wall-clock time: the figure to compare on a busy machine.
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    run();
    times.push((performance.now() - t0) * 1000);
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuPer = (cpu.user + cpu.system) / rounds;
  // deno-lint-ignore no-console
  console.log(
    `${label.padEnd(44)} p50 ${percentile(times, 50).toFixed(0).padStart(6)} µs   p95 ${
      percentile(times, 95).toFixed(0).padStart(6)
    } µs   CPU ${cpuPer.toFixed(0).padStart(6)} µs each`,
  );
}

for (const rows of (Deno.args.length ? Deno.args : ["120", "1000", "10000"]).map(Number)) {
  const dir = await seededDataDir("promptsmith-search-profile-", rows, 7);
  const path = join(dir, "history.db");
  const cold = new HistoryStore(openDatabase(path), { searchCache: 0 });
  const warm = new HistoryStore(openDatabase(path));
  // deno-lint-ignore no-console
  console.log(`${rows.toLocaleString("en")} rows, pages of 50`);
  time("  listing", () => cold.list({ limit: 50 }), 400);
  let i = 0;
  time(
    "  search as typed (cache off)",
    () => cold.list({ limit: 50, q: typed[i++ % typed.length] }),
    400,
  );
  let k = 0;
  time(
    "  search as typed (cache on)",
    () => warm.list({ limit: 50, q: typed[k++ % typed.length] }),
    400,
  );
  let j = 0;
  time("  search repeated", () => warm.list({ limit: 50, q: QUERIES[j++ % QUERIES.length] }), 400);
  const page = warm.list({ limit: 50, q: "lighthouse" });
  time("  JSON of a searched page", () => JSON.stringify(page), 400);
  cold.db.close();
  warm.db.close();
  await removeTempDir(dir);
}
