/**
 * `deno run -A bench/ttft_floor.ts [REQUESTS]`: time to the first token three ways, interleaved
 * on one machine: straight to the fake Ollama, through a bare proxy (`bench/bare_proxy.ts`, the
 * least any server in between can do), and through the app. Each token carries the fake's send
 * time, so each figure is split into the way there (request sent → the fake sends the first token)
 * and the way back (sent → read by the client). Warmed connections; prints p50s in ms.
 */
import { join } from "node:path";
import { percentile } from "./stats.ts";
import {
  benchTempDir,
  freePort,
  removeTempDir,
  spawnApp,
  spawnFake,
  stop,
  waitUp,
} from "./processes.ts";

const root = new URL("../", import.meta.url).pathname;
const requests = Number(Deno.args[0] ?? 300);
const [fakePort, proxyPort, appPort] = [freePort(), freePort(), freePort()];
const dataDir = await benchTempDir("promptsmith-ttft-floor-");
const children = [
  spawnFake(fakePort, 1, 2, false),
  new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(root, "bench/bare_proxy.ts")],
    env: {
      BARE_PROXY_UPSTREAM: `http://127.0.0.1:${fakePort}`,
      BARE_PROXY_PORT: String(proxyPort),
    },
    stdout: "null",
    stderr: "null",
  }).spawn(),
  spawnApp(appPort, fakePort, dataDir),
];

const url = (port: number, path: string) => `http://127.0.0.1:${port}${path}`;
await waitUp(url(fakePort, "/api/version"));
await waitUp(url(proxyPort, "/"));
await waitUp(url(appPort, "/healthz"));
const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});
// The very messages and schema the app sends upstream (its dry run).
const plan = await (await fetch(
  url(appPort, "/generate-stream"),
  json({ input: "x", ollama_model: "llama3.2:latest", dry_run: true }),
)).json();
const chat = { model: "llama3.2:latest", messages: plan.messages, format: plan.options?.format };

const now = () => performance.timeOrigin + performance.now();
/** [way there, way back, total] of the first stamped token, read as the client gets it. */
async function firstToken(target: string, init: RequestInit, sse: boolean): Promise<number[]> {
  const t0 = now();
  const reader = (await fetch(target, init)).body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let found: number[] | undefined;
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    const at = now();
    text += decoder.decode(value, { stream: true });
    const stamp = found
      ? null
      : text.match(sse ? /"token":"(\d+\.\d+) / : /"content":"(\d+\.\d+) /);
    if (stamp) found = [Number(stamp[1]) - t0, at - Number(stamp[1]), at - t0];
  }
  if (!found) throw new Error(`${target} sent no stamped token`);
  return found;
}

const ways = {
  direct: [] as number[][],
  "bare proxy": [] as number[][],
  app: [] as number[][],
};
for (let i = 0; i < requests + 30; i++) {
  const d = await firstToken(url(fakePort, "/api/chat"), json({ ...chat, stream: true }), false);
  const p = await firstToken(url(proxyPort, "/"), json(chat), true);
  const a = await firstToken(
    url(appPort, "/generate-stream"),
    json({ input: "x", ollama_model: "llama3.2:latest" }),
    true,
  );
  if (i < 30) continue;
  ways.direct.push(d);
  ways["bare proxy"].push(p);
  ways.app.push(a);
}
const p50 = (rows: number[][], k: number) => percentile(rows.map((r) => r[k]!), 50).toFixed(2);
// deno-lint-ignore no-console
console.log(`${requests} requests each, interleaved; p50 in ms`);
for (const [name, rows] of Object.entries(ways)) {
  // deno-lint-ignore no-console
  console.log(
    `${name.padEnd(10)}  way there ${p50(rows, 0)}  way back ${p50(rows, 1)}  first token ${
      p50(rows, 2)
    }`,
  );
}
await Promise.all(children.map(stop));
await removeTempDir(dataDir);
