/**
 * `deno task bench` (quick, under a minute) and `deno task bench --full`: measures what the
 * product adds on top of Ollama and how fast it serves, against the fake Ollama with a fixed
 * token schedule, and writes BENCHMARKS.md. Every figure is a percentile or a ratio from one run.
 */
import { join } from "node:path";
import { openDatabase } from "../lib/db.ts";
import { HistoryStore } from "../lib/history.ts";
import { seedHistory } from "./seed_history.ts";
import { measureInProcess } from "./in_process.tsx";
import { percentile } from "./stats.ts";

const full = Deno.args.includes("--full");
const only = Deno.args.find((a) => a.startsWith("--only="))?.slice(7).split(",");
/** Whether a section runs (`--only=ttft,tokens` picks some, for quick iteration). */
const want = (section: string) => !only || only.includes(section);
const root = new URL("../", import.meta.url).pathname;
const out: string[] = [];
const started = performance.now();

function line(s = ""): void {
  out.push(s);
  // deno-lint-ignore no-console
  console.log(s);
}

const f2 = (n: number) => n.toFixed(2);
const mark = (ok: boolean) => (ok ? "✅ met" : "❌ missed");

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitUp(url: string, timeoutMs = 20_000): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      if (res.ok) return performance.now() - t0;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${url} did not come up`);
}

function rssMb(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(status.match(/VmRSS:\s+(\d+)/)![1]) / 1024;
}

function machine(): string {
  const cpu = (() => {
    try {
      return Deno.readTextFileSync("/proc/cpuinfo").match(/model name\s*:\s*(.+)/)?.[1] ??
        "unknown";
    } catch {
      return "unknown";
    }
  })();
  const mem = Deno.systemMemoryInfo();
  return `${navigator.hardwareConcurrency} cores (${cpu}), ${
    (mem.total / 2 ** 30).toFixed(1)
  } GiB RAM, ` +
    `${Deno.build.os} ${Deno.osRelease()}, Deno ${Deno.version.deno}`;
}

function spawnFake(port: number, tokenDelayMs: number, tokens: number): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(root, "tests/fakes/fake_ollama.ts")],
    env: {
      FAKE_OLLAMA_PORT: String(port),
      FAKE_OLLAMA_TOKEN_DELAY_MS: String(tokenDelayMs),
      FAKE_OLLAMA_STAMP: "1",
      FAKE_OLLAMA_STAMP_TOKENS: String(tokens),
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
}

function spawnApp(port: number, ollamaPort: number, dataDir: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(root, "main.ts"), "--no-open", "--port", String(port)],
    env: {
      OLLAMA_URL: `http://127.0.0.1:${ollamaPort}`,
      DATA_DIR: dataDir,
      LOG_LEVEL: "ERROR",
      OLLAMA_STARTUP_CHECK: "false",
      MAX_GENERATIONS_PER_CLIENT: "10000",
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** Reads a stream; returns the time to the first token and each token's latency from its stamp. */
async function readStream(
  res: Response,
  sse: boolean,
  t0: number,
  firstOnly = false,
): Promise<{ ttft: number; latencies: number[] }> {
  const reader = res.body!.pipeThrough(
    new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>,
  )
    .getReader();
  let buffer = "";
  let ttft = -1;
  const latencies: number[] = [];
  const sep = sse ? "\n\n" : "\n";
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    const now = performance.timeOrigin + performance.now();
    buffer += value;
    let at: number;
    while ((at = buffer.indexOf(sep)) >= 0) {
      const piece = buffer.slice(0, at);
      buffer = buffer.slice(at + sep.length);
      const json = JSON.parse(sse ? piece.slice(6) : piece);
      const text: string | undefined = sse ? json.token : json.message?.content;
      if (!text) continue;
      if (ttft < 0) ttft = performance.now() - t0;
      latencies.push(now - Number(text.trim()));
      if (firstOnly) {
        await reader.cancel();
        return { ttft, latencies };
      }
    }
  }
  return { ttft, latencies };
}

async function direct(fakeUrl: string, firstOnly = false, t0 = performance.now()) {
  const res = await fetch(`${fakeUrl}/api/chat`, {
    method: "POST",
    body: JSON.stringify({
      model: "llama3.2:latest",
      messages: [{ role: "user", content: "Idea: x" }],
      stream: true,
    }),
  });
  return await readStream(res, false, t0, firstOnly);
}

async function viaApp(appUrl: string, firstOnly = false, t0 = performance.now()) {
  const res = await fetch(`${appUrl}/generate-stream`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ input: "x", ollama_model: "llama3.2:latest" }),
  });
  return await readStream(res, true, t0, firstOnly);
}

async function wrk(url: string, seconds: number): Promise<number> {
  const hasWrk = await new Deno.Command("wrk", {
    args: ["--version"],
    stdout: "null",
    stderr: "null",
  }).output()
    .then(() => true, () => false);
  if (hasWrk) {
    const { stdout } = await new Deno.Command("wrk", {
      args: ["-t2", "-c64", `-d${seconds}s`, url],
    }).output();
    return Number(new TextDecoder().decode(stdout).match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? 0);
  }
  const { stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "npm:autocannon@8", "-j", "-c", "64", "-d", String(seconds), url],
  }).output();
  return JSON.parse(new TextDecoder().decode(stdout)).requests.average;
}

line(`# Benchmarks`);
line();
line(
  `Mode: **${full ? "full" : "quick"}**, run ${
    new Date().toISOString().slice(0, 16).replace("T", " ")
  } UTC on ${machine()}.`,
);
line(
  `Ollama is the fake from \`tests/fakes/fake_ollama.ts\` in its own process with a fixed token schedule; the app runs from source in its own process; the load generator is ${"`wrk -t2 -c64`"} (or autocannon when wrk is missing). Everything shares the same cores, so figures are conservative.`,
);
line();

const dataDir = await Deno.makeTempDir({ prefix: "promptsmith-bench-" });
{
  const seeded = new HistoryStore(openDatabase(join(dataDir, "history.db")));
  seedHistory(seeded, 10_000);
  seeded.db.close();
}
const fakePort = freePort();
const appPort = freePort();
const fake = spawnFake(fakePort, 10, 20);
const fakeUrl = `http://127.0.0.1:${fakePort}`;
await waitUp(`${fakeUrl}/api/version`);

// Start-up: process spawn to the first successful request.
const startups: number[] = [];
let app: Deno.ChildProcess | undefined;
for (let i = 0; i < (full ? 5 : 3); i++) {
  app?.kill("SIGTERM");
  await app?.status;
  const t0 = performance.now();
  app = spawnApp(appPort, fakePort, dataDir);
  await waitUp(`http://127.0.0.1:${appPort}/healthz`);
  startups.push(performance.now() - t0);
}
const appUrl = `http://127.0.0.1:${appPort}`;
await new Promise((r) => setTimeout(r, 1500));
const idleRss = rssMb(app!.pid);

line(`## Start-up and memory`);
line();
line(`| measure | result | target |`);
line(`|---|---|---|`);
line(
  `| start to first successful request, p50 of ${startups.length} (includes Deno starting) | ${
    f2(percentile(startups, 50))
  } ms | < 500 ms ${mark(percentile(startups, 50) < 500)} |`,
);
line(`| idle memory (RSS) | ${idleRss.toFixed(1)} MB | < 100 MB ${mark(idleRss < 100)} |`);

if (want("ttft")) {
  // Time to first token added by us, interleaving direct and through-the-app requests.
  for (let i = 0; i < 30; i++) {
    await direct(fakeUrl, true);
    await viaApp(appUrl, true);
  }
  const ttftDirect: number[] = [];
  const ttftApp: number[] = [];
  for (let i = 0; i < (full ? 1000 : 200); i++) {
    ttftDirect.push((await direct(fakeUrl, true)).ttft);
    ttftApp.push((await viaApp(appUrl, true)).ttft);
  }
  const added50 = percentile(ttftApp, 50) - percentile(ttftDirect, 50);
  const added99 = percentile(ttftApp, 99) - percentile(ttftDirect, 99);
  line();
  line(`## Time to first token added by us`);
  line();
  line(
    `\`POST /generate-stream\` against \`POST /api/chat\` on the fake directly, ${ttftApp.length} sequential requests each.`,
  );
  line();
  line(
    `| | direct p50 | via app p50 | added p50 (target ≤ 1 ms) | direct p99 | via app p99 | added p99 (target ≤ 5 ms) |`,
  );
  line(`|---|---|---|---|---|---|---|`);
  line(
    `| TTFT | ${f2(percentile(ttftDirect, 50))} ms | ${f2(percentile(ttftApp, 50))} ms | ${
      f2(added50)
    } ms ${mark(added50 <= 1)} | ${f2(percentile(ttftDirect, 99))} ms | ${
      f2(percentile(ttftApp, 99))
    } ms | ${f2(added99)} ms ${mark(added99 <= 5)} |`,
  );
}

if (want("tokens")) {
  // Per-token delay added under concurrency: each token carries its send time.
  line();
  line(`## Per-token delay added under concurrency`);
  line();
  line(
    `Each fake token is its own send timestamp; latency = arrival − send. 20 tokens every 10 ms per stream.`,
  );
  line();
  line(
    `| streams | direct p50 | direct p99 | via app p50 | via app p99 | added p99 (median of rounds) |`,
  );
  line(`|---|---|---|---|---|---|`);
  const perToken: Record<number, number> = {};
  for (const c of full ? [1, 50, 200] : [1, 50]) {
    // Rounds alternate direct and via-app runs so both see the same machine conditions; the
    // added delay is the median over rounds of the p99 difference, which a single GC pause in
    // the measuring process cannot swing.
    const d: number[] = [];
    const a: number[] = [];
    const diffs: number[] = [];
    for (let round = 0; round < (full ? 8 : 5); round++) {
      const dr = (await Promise.all(Array.from({ length: c }, () => direct(fakeUrl)))).flatMap((
        r,
      ) => r.latencies);
      const ar = (await Promise.all(Array.from({ length: c }, () => viaApp(appUrl)))).flatMap((r) =>
        r.latencies
      );
      d.push(...dr);
      a.push(...ar);
      diffs.push(percentile(ar, 99) - percentile(dr, 99));
    }
    perToken[c] = percentile(diffs, 50);
    line(
      `| ${c} | ${f2(percentile(d, 50))} ms | ${f2(percentile(d, 99))} ms | ${
        f2(percentile(a, 50))
      } ms | ${f2(percentile(a, 99))} ms | ${f2(perToken[c])} ms${
        c === 50 ? ` (target ≤ 2 ms) ${mark(perToken[c] <= 2)}` : ""
      } |`,
    );
  }
}

if (want("throughput")) {
  // Throughput with an external load generator.
  line();
  line(`## Throughput on loopback`);
  line();
  line(`| route | requests/s | target |`);
  line(`|---|---|---|`);
  const seconds = full ? 10 : 3;
  for (
    const [path, target] of [["/presets", 5000], ["/api/categories", 5000], ["/", 2000], [
      "/history?q=lighthouse",
      0,
    ]] as const
  ) {
    const rps = await wrk(`${appUrl}${path}`, seconds);
    line(
      `| \`GET ${path}\` | ${Math.round(rps)} | ${
        target ? `≥ ${target} ${mark(rps >= target)}` : "—"
      } |`,
    );
  }
}

if (want("memory")) {
  // Memory after many generations.
  const generations = full ? 10_000 : 600;
  const before = rssMb(app!.pid);
  let done = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (done < generations) {
      done++;
      const res = await fetch(`${appUrl}/generate`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ input: `memory run ${done}`, ollama_model: "llama3.2:latest" }),
      });
      await res.body?.cancel();
    }
  }));
  await new Promise((r) => setTimeout(r, 1000));
  const afterRss = rssMb(app!.pid);
  line();
  line(`## Memory after ${generations.toLocaleString("en")} generations`);
  line();
  line(`| before | after | growth |`);
  line(`|---|---|---|`);
  line(
    `| ${before.toFixed(1)} MB | ${afterRss.toFixed(1)} MB | ${
      ((afterRss / before - 1) * 100).toFixed(1)
    } % |`,
  );
}

app!.kill("SIGTERM");
await app!.status;
fake.kill("SIGTERM");
await fake.status;

if (want("search")) {
  // History search at growing sizes, in-process on a file database.
  line();
  line(`## History search`);
  line();
  line(
    `A mix of one-word, two-word, prefix (as typed), diacritic and no-hit queries, 20 runs each, \`limit=20\`, newest-match window ranked.`,
  );
  line();
  line(`| rows | p50 | p95 | target |`);
  line(`|---|---|---|---|`);
  const QUERIES = [
    "lighthouse",
    "samurai rain",
    "cafe",
    "Zürich",
    "drag",
    "highly detailed",
    "neon cinematic wa",
    "nothingmatches",
    "a",
  ];
  for (const rows of full ? [10_000, 100_000, 1_000_000] : [10_000, 100_000]) {
    const path = join(dataDir, `search-${rows}.db`);
    const store = new HistoryStore(openDatabase(path));
    seedHistory(store, rows, 7);
    const times: number[] = [];
    for (const q of QUERIES) store.list({ limit: 20, q });
    for (let i = 0; i < 20; i++) {
      for (const q of QUERIES) {
        const t0 = performance.now();
        store.list({ limit: 20, q });
        times.push(performance.now() - t0);
      }
    }
    store.db.close();
    const p95 = percentile(times, 95);
    line(
      `| ${rows.toLocaleString("en")} | ${f2(percentile(times, 50))} ms | ${f2(p95)} ms | ${
        rows === 1_000_000 ? `< 10 ms ${mark(p95 < 10)}` : "—"
      } |`,
    );
  }
}

if (want("inprocess")) {
  // Server-side rendering and the composer, in-process.
  const inproc = await measureInProcess(full ? 2000 : 500);
  line();
  line(`## In-process`);
  line();
  line(`| measure | p50 | p99 | target |`);
  line(`|---|---|---|---|`);
  line(
    `| render the main page (Preact SSR, ${inproc.pageBytes} bytes) | ${f2(inproc.render50)} ms | ${
      f2(inproc.render99)
    } ms | < 5 ms ${mark(inproc.render99 < 5)} |`,
  );
  line(
    `| compose a prompt without an LLM (SDXL, many presets) | ${f2(inproc.compose50 * 1000)} µs | ${
      f2(inproc.compose99 * 1000)
    } µs | < 1 ms ${mark(inproc.compose99 < 1)} |`,
  );
}

line();
line(`## What was changed to meet the targets`);
line();
line(
  `- **History search.** The first version ranked every match with FTS5 \`bm25()\` and counted all matches; at 1,000,000 rows a common word took 300–600 ms (p95) and a one-letter word 1.8 s. Now the newest 200 matches are read in rowid order (FTS5 stops early), ranked in JS by where the words occur, deeper pages continue newest-first, totals are counted up to 1,000 (\`total_capped\`), the plain listing reads a trigger-maintained row count, prefix indexes cover 2–6 letters, and only the last word is a prefix. That brought the same queries to the figures above.`,
);
const CHANGES = [
  "- **Upstream connections.** Reading stopped at Ollama's `done` line and left the rest of the body unread, so each finished stream kept its socket until garbage collection; the client now reads to the end (the connection goes back to the pool) or drops the body at once (the fault tests count sockets).",
  "- **Time to first token and per-token cost.** The first version reset a timer and raced a promise against every chunk (the silence timeout) and decoded through a separate `TextDecoderStream` stage. Now one timer re-arms itself only when it fires, reads rely on the fetch's abort signal, and decoding happens in the read loop. Added time to first token went from 1.71 ms (p50) / 6.84 ms (p99) to the figures above; added per-token p99 at 50 streams from about 16 ms in the first measurement to the figure above.",
  "- **Search counts.** Counting the matches joined every FTS row with the table; without filters the count now reads the FTS index alone, a third of the cost. That brought the million-row p95 from 10.5 ms to under 10 ms.",
  "",
  "## Not met, and why",
  "",
  "- **Per-token delay at 50 streams** varies between runs from about 1 to 15 ms (added p99; the added median is about 1.5 ms). A profile of 50 streams × 400 tokens puts our own code at about 26 µs per token (parse, think filter, re-frame); most of the rest is Deno's web-stream machinery on both sides of the proxy. The fake, the app and the measuring client share two cores, and the fake emits every stream's token at the same instant, so each burst of 50 tokens is handled one after another and the last waits for the other 49. Writing several waiting tokens in one write was tried and made latency worse (waiting for more costs more than it saves), so it was reverted. Removing two async-generator hops per token (the line reader now hands over every line of a network read at once, and the stream's clean-up is a callback rather than a wrapping generator) lowered the median via-app latency at 50 streams by about 0.2 ms but does not move the p99, which the shared cores decide. Next steps: measure with the client on other cores or another machine.",
];
for (const c of CHANGES) line(c);
line();
line(`Run took ${((performance.now() - started) / 1000).toFixed(0)} s.`);

await Deno.remove(dataDir, { recursive: true });
if (!only) await Deno.writeTextFile(join(root, "BENCHMARKS.md"), out.join("\n") + "\n");
