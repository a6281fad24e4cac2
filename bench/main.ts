/**
 * `deno task bench` (quick, under a minute) and `deno task bench --full`: measures what the
 * product adds on top of Ollama and how fast it serves, against the fake Ollama with a fixed
 * token schedule, and writes BENCHMARKS.md. Every figure is a percentile or a ratio from one run.
 */
import { join } from "node:path";
import { openDatabase } from "../lib/history/db.ts";
import { HistoryStore } from "../lib/history/store.ts";
import { seedHistory } from "./seed_history.ts";
import { measureInProcess } from "./in_process.tsx";
import { percentile } from "./stats.ts";
import { serverV8Flags } from "../scripts/v8_flags.ts";

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
      FAKE_OLLAMA_STAMP_SHARED_CLOCK: "1",
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** The app runs with the V8 flags users get from `deno task start` and the binary. */
const V8_FLAGS = serverV8Flags();

function spawnApp(port: number, ollamaPort: number, dataDir: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...V8_FLAGS,
      join(root, "main.ts"),
      "--no-open",
      "--port",
      String(port),
    ],
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

/** One received token: when the fake sent it (epoch ms) and how long it took to arrive. */
interface Token {
  sent: number;
  latency: number;
}

/**
 * Reads a stream; returns the time to the first token and each token's latency from its stamp.
 * Reads go into one reused buffer (BYOB) and are decoded in the loop, so the measuring client
 * costs as little CPU as it can on the cores it shares with the fake and the app.
 */
async function readStream(
  res: Response,
  sse: boolean,
  t0: number,
  firstOnly = false,
): Promise<{ ttft: number; tokens: Token[] }> {
  const reader = res.body!.getReader({ mode: "byob" });
  const decoder = new TextDecoder();
  let bytes = new Uint8Array(16 * 1024);
  let buffer = "";
  let ttft = -1;
  const tokens: Token[] = [];
  const sep = sse ? "\n\n" : "\n";
  while (true) {
    const { value, done } = await reader.read(bytes);
    if (done || !value) break;
    const now = performance.timeOrigin + performance.now();
    buffer += decoder.decode(value, { stream: true });
    bytes = new Uint8Array(value.buffer);
    let at: number;
    while ((at = buffer.indexOf(sep)) >= 0) {
      const piece = buffer.slice(0, at);
      buffer = buffer.slice(at + sep.length);
      const json = JSON.parse(sse ? piece.slice(6) : piece);
      const text: string | undefined = sse ? json.token : json.message?.content;
      if (!text) continue;
      if (ttft < 0) ttft = performance.now() - t0;
      const sent = Number(text.trim());
      tokens.push({ sent, latency: now - sent });
      if (firstOnly) {
        await reader.cancel();
        return { ttft, tokens };
      }
    }
  }
  return { ttft, tokens };
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

/**
 * Opens `count` streams `spacingMs` apart and returns the latencies of the tokens sent while all
 * of them were open (after the last one's first token, up to the first one's last token).
 */
async function steadyState(
  count: number,
  spacingMs: number,
  open: () => Promise<{ tokens: Token[] }>,
): Promise<number[]> {
  const streams = await Promise.all(Array.from({ length: count }, async (_, i) => {
    await new Promise((r) => setTimeout(r, i * spacingMs));
    return (await open()).tokens;
  }));
  const from = Math.max(...streams.map((t) => t[0]?.sent ?? Infinity));
  const to = Math.min(...streams.map((t) => t.at(-1)?.sent ?? -Infinity));
  return streams.flatMap((t) => t.filter((k) => k.sent > from && k.sent <= to)).map((k) =>
    k.latency
  );
}

/** Opens `count` streams at the same instant and returns every token's latency. */
async function herd(count: number, open: () => Promise<{ tokens: Token[] }>): Promise<number[]> {
  const streams = await Promise.all(Array.from({ length: count }, open));
  return streams.flatMap((r) => r.tokens.map((k) => k.latency));
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
/** Tokens per fake reply: a second of streaming, so each round has thousands of tokens. */
const STREAM_TOKENS = 100;
const fakePort = freePort();
const appPort = freePort();
const fake = spawnFake(fakePort, 10, STREAM_TOKENS);
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

/** Added per-token p99 at 50 open streams, when measured. */
let steady50: number | null = null;
if (want("tokens")) {
  // Per-token delay added under concurrency: each token carries its send time.
  line();
  line(`## Per-token delay added under concurrency`);
  line();
  line(
    `Each fake token is its own send timestamp; latency = arrival − send. Streams of ${STREAM_TOKENS} tokens; after the first token, every open stream sends its next token on one shared 10 ms clock, so each tick is a burst of as many tokens as there are streams (the hardest case for a proxy, which handles a burst one token after another).`,
  );
  line();
  line(
    `**While N streams are open** (the target): the streams start 60/N ms apart, and only tokens sent while all N are open count, so the figure is the delay a token meets in transit under that load, not the set-up of new requests (their first token is time to first token, above).`,
  );
  line();
  line(
    `| streams | direct p50 | direct p99 | via app p50 | via app p99 | added p99 (median of rounds) |`,
  );
  line(`|---|---|---|---|---|---|`);
  const rounds = full ? 8 : 5;
  /** Alternates direct and via-app rounds; returns the pooled latencies and the added p99. */
  const compare = async (run: (open: () => Promise<{ tokens: Token[] }>) => Promise<number[]>) => {
    // Rounds alternate so both see the same machine conditions; the added delay is the median
    // over rounds of the p99 difference, which one GC pause in the measuring process cannot swing.
    const d: number[] = [];
    const a: number[] = [];
    const diffs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const dr = await run(() => direct(fakeUrl));
      const ar = await run(() => viaApp(appUrl));
      d.push(...dr);
      a.push(...ar);
      diffs.push(percentile(ar, 99) - percentile(dr, 99));
    }
    return { d, a, added: percentile(diffs, 50) };
  };
  const row = (c: number, r: { d: number[]; a: number[]; added: number }, target: boolean) =>
    line(
      `| ${c} | ${f2(percentile(r.d, 50))} ms | ${f2(percentile(r.d, 99))} ms | ${
        f2(percentile(r.a, 50))
      } ms | ${f2(percentile(r.a, 99))} ms | ${f2(r.added)} ms${
        target ? ` (target ≤ 2 ms) ${mark(r.added <= 2)}` : ""
      } |`,
    );
  const counts = full ? [1, 50, 200] : [1, 50];
  for (const c of counts) {
    const result = await compare((open) => steadyState(c, 60 / c, open));
    if (c === 50) steady50 = result.added;
    row(c, result, c === 50);
  }
  line();
  line(
    `**All N streams started in the same millisecond** (for comparison, no target): every token counts, so the early streams' tokens also wait while the app sets up the later requests (validation, planning, the upstream request) and, at the end, saves them to history.`,
  );
  line();
  line(
    `| streams | direct p50 | direct p99 | via app p50 | via app p99 | added p99 (median of rounds) |`,
  );
  line(`|---|---|---|---|---|---|`);
  for (const c of counts.filter((n) => n > 1)) {
    row(
      c,
      await compare((open) => herd(c, open)),
      false,
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
  await Promise.all(Array.from({ length: 100 }, async () => {
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
  "- **Per-token cost.** Profiled with `perf` at 50 streams × 400 tokens, the app spent about 85 µs of CPU per token. Deno's fetch body handed out every read in a fresh, zeroed 64 KiB buffer (a memset and 64 KiB of garbage per token): reading into one reused buffer (BYOB) brought it to about 45 µs, and GC on V8's worker threads from 24 % to 6 % of the app's CPU. The streamed chat call now reads Ollama over an HTTP/1.1 connection of its own (`lib/http1.ts`: no web-stream machinery, no transferred buffers, about 2 KB less garbage per token): about 32 µs. A minimal fetch-to-SSE proxy measures 32–37 µs on this machine, one on a raw connection 25–30 µs. The measuring client reads the same way, so it takes less of the shared cores.",
  "- **GC pauses inside token bursts.** With `--trace-gc-nvp`, young-generation scavenges paused 1.5–4 ms. Every SSE frame was its own ArrayBuffer, and sweeping thousands of them took about 0.65 ms per scavenge: frames are now cut from a shared 64 KiB buffer that is never written twice (sweep 0.01 ms). The rest is copying the in-flight state of 50 streams, which grows with the young generation; the server now runs with `--max-semi-space-size=1` (shorter, more frequent pauses). Interleaved runs of the per-token section, median of the added p99 over 5–7 runs each: default 2.83 ms against 1.48 ms with 1 MB (100-token streams), and 2.82 / 1.91 / 1.75 / 1.51 ms for 16 / 8 / 4 / 2 MB (30-token streams). Throughput, start-up and idle memory did not change measurably.",
  "- **Repeatability.** Four full runs of the per-token section on the final code gave 0.90, 1.92, 1.96 and 2.02 ms added p99 at 50 streams (quick runs, 5 rounds each: 1.9–3.5 ms). The target is met at its limit, not with room to spare; the paragraph below says what sets the floor.",
  "- **How the per-token figure is taken.** The first version started all streams in the same millisecond with 20-token replies and counted every token, which mixed two things: the delay of a token in transit, and early streams' tokens waiting while the app set up the later requests (about 0.6 ms of CPU each: validation, planning, the upstream request; at the end, the history write). Broken down by token index, the first two tokens and the last carried the p99 (13, 9 and 12 ms, against about 2 ms mid-stream). The target is now judged on tokens sent while all N streams are open, replies are 100 tokens so a round has thousands of samples, and the fake sends every stream's next token on one shared clock so each tick is still a burst of N tokens; the simultaneous start is reported beside it, without a target.",
];
for (const c of CHANGES) line(c);
if (steady50 !== null) {
  line();
  line(steady50 <= 2 ? "## Margin" : "## Not met, and why");
  line();
  line(
    `- **Per-token delay at 50 streams** was ${
      f2(steady50)
    } ms added (p99) in this run; on this machine separate runs of the same code differ by about a millisecond either way, so one run decides little. What sets the floor: each tick of the shared clock is a burst of 50 tokens that the app handles one after another at about 32 µs each (the last waits about 1.6 ms), young-generation pauses of 0.5–1.5 ms land in some of those bursts (the app allocates about 10 KB per token, about half of it in its own layers), and the fake, the app and the measuring client share two cores. Left to try: one loop from the socket to the SSE frame instead of three async-generator layers, less garbage per token, and the history write off the event loop (for the simultaneous start).`,
  );
}
line();
line(`Run took ${((performance.now() - started) / 1000).toFixed(0)} s.`);

await Deno.remove(dataDir, { recursive: true });
if (!only) await Deno.writeTextFile(join(root, "BENCHMARKS.md"), out.join("\n") + "\n");
