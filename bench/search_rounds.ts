/**
 * `deno run -A bench/search_rounds.ts [ROWS] [ROUNDS]`: search as typed over HTTP, as the
 * benchmark measures it, for comparing two checkouts in turn (run it in each): seeds ROWS entries
 * (default 1,000), starts the app of this folder, sends every prefix of the benchmark's queries
 * ROUNDS times (default 6) on one kept-alive connection after a first pass counted on its own,
 * and prints p50/p95 of that first pass, per round and overall in ms, with the slowest queries.
 */
import { seededDataDir } from "./seed_history.ts";
import { SEARCH_QUERIES, typedPrefixes, typedSearchLatencies } from "./typed_queries.ts";
import { percentile } from "./stats.ts";
import { freePort, removeTempDir, spawnApp, stop, waitUp } from "./processes.ts";

const typed = typedPrefixes(SEARCH_QUERIES);
const rows = Number(Deno.args[0] ?? 1000);
const rounds = Number(Deno.args[1] ?? 6);
const f2 = (n: number) => n.toFixed(2);

const dir = await seededDataDir("promptsmith-search-rounds-", rows, 7);
const port = freePort();
const app = spawnApp(port, freePort(), dir);
try {
  await waitUp(`http://127.0.0.1:${port}/healthz`);
  const { firstPass: first, rounds: times } = await typedSearchLatencies(port, typed, rounds);
  const out: string[] = [
    `first pass after start: p50 ${f2(percentile(first, 50))} p95 ${f2(percentile(first, 95))}`,
  ];
  for (let r = 0; r < rounds; r++) {
    const round = times.slice(r * typed.length, (r + 1) * typed.length);
    out.push(`round ${r + 1}: p50 ${f2(percentile(round, 50))} p95 ${f2(percentile(round, 95))}`);
  }
  out.push(`all: p50 ${f2(percentile(times, 50))} p95 ${f2(percentile(times, 95))}`);
  const byQuery = new Map<string, number[]>();
  times.forEach((t, i) => {
    const q = typed[i % typed.length]!;
    byQuery.set(q, [...(byQuery.get(q) ?? []), t]);
  });
  const slowest = [...byQuery].map(([q, ts]) => [q, percentile(ts, 50)] as const)
    .sort((a, b) => b[1] - a[1]).slice(0, 5);
  out.push(`slowest (p50): ${slowest.map(([q, t]) => `${JSON.stringify(q)} ${f2(t)}`).join(", ")}`);
  // deno-lint-ignore no-console
  console.log(out.join("\n"));
} finally {
  await stop(app);
  await removeTempDir(dir);
}
