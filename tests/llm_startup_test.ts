import { equal, match, ok } from "node:assert/strict";
import { startFakeOpenAi } from "./fakes/fake_openai.ts";
import { startServerProcess, waitFor } from "./helpers.ts";

Deno.test("LLM_BACKEND=auto: start-up does not wait for the probe, and a server that answers later is found without a restart", async () => {
  const real = startFakeOpenAi();
  // An LLM server that first takes requests and never answers, then answers as `real` does.
  let answering = false;
  let pending = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    if (answering) {
      const url = new URL(req.url);
      return fetch(real.url + url.pathname, {
        method: req.method,
        headers: req.headers,
        body: req.method === "POST" ? req.body : undefined,
        signal: req.signal,
      });
    }
    pending++;
    return new Promise<Response>((resolve) => {
      req.signal.addEventListener("abort", () => {
        pending--;
        resolve(new Response(null, { status: 503 }));
      }, { once: true });
    });
  });
  const dir = await Deno.makeTempDir();
  const app = await startServerProcess({
    DATA_DIR: dir,
    LLM_URL: `http://127.0.0.1:${server.addr.port}`,
    LLM_BACKEND: "auto",
    LLM_STARTUP_CHECK: "true",
    LLM_TIMEOUT: "1",
    LOG_LEVEL: "INFO",
  });
  try {
    // Serving already, while the start-up probe is still held by the silent server.
    await waitFor(() => pending === 1, 5000, "the start-up probe to arrive");
    const page = await fetch(`${app.url}/`);
    equal(page.status, 200);
    match(await page.text(), /LLM server (offline|connected)/);
    // The probe gives up after LLM_TIMEOUT; the kind is still unknown.
    await waitFor(() => pending === 0, 5000, "the probe to give up");
    const down = await (await fetch(`${app.url}/healthz`)).json();
    equal(down.llm.kind, null);
    equal(down.llm.reachable, false);

    answering = true;
    const res = await fetch(`${app.url}/generate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: "a comet", model: "sdxl" }),
    });
    equal(res.status, 200, await res.clone().text());
    match((await res.json()).positive, /\(a comet:1\.2\)/);
    const up = await (await fetch(`${app.url}/healthz`)).json();
    equal(up.llm.kind, "openai");
    ok(real.chatRequests().length === 1);
  } finally {
    app.child.kill("SIGTERM");
    await app.child.status;
    await app.child.stderr.cancel().catch(() => {});
    await app.output();
    const log = await Deno.readTextFile(`${dir}/logs/app.log`);
    await server.shutdown();
    await real.close();
    await Deno.remove(dir, { recursive: true });
    // The start-up check's warning says why, and that the app kept running.
    match(log, /The LLM server at "http:\/\/127\.0\.0\.1:\d+" is not ready: .*sent nothing useful/);
    match(log, /The app keeps running/);
  }
});
