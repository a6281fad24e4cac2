/**
 * The team set-up of the README's "Scale out": several app instances behind the team's own load
 * balancer, sharing sessions through one self-hosted denokv (`KV_URL`), and `LLM_URL` pointing at
 * an OpenAI-compatible gateway (LiteLLM, vLLM's router) that spreads requests over GPU hosts.
 * The gateway and denokv here are fakes; the app's side is the real one.
 */
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { startFakeOpenAi } from "./fakes/fake_openai.ts";
import { startFakeGateway } from "./fakes/fake_gateway.ts";
import { startFakeDenoKv } from "./fakes/fake_denokv.ts";
import { readSse, serveOnPort, startAppAt, waitFor } from "./helpers.ts";
import { ConfigError, loadConfig } from "../lib/app/config.ts";
import { kvLocation, openServices } from "../lib/app/services.ts";

const GATEWAY_KEY = "sk-team-gateway-5d2e";

async function json(res: Response, status = 200): Promise<Record<string, unknown>> {
  const text = await res.text();
  equal(res.status, status, text);
  return JSON.parse(text);
}

Deno.test("through a gateway over two GPU hosts: requests spread, prompts stay reproducible, Stop reaches the host, a host that dies is skipped", async () => {
  const hostA = startFakeOpenAi({ apiKey: "host-a-key" });
  const hostB = startFakeOpenAi({ apiKey: "host-b-key" });
  const gateway = startFakeGateway({
    apiKey: GATEWAY_KEY,
    hosts: [{ url: hostA.url, apiKey: "host-a-key" }, { url: hostB.url, apiKey: "host-b-key" }],
  });
  const t = await startAppAt(gateway.url, {
    env: { LLM_BACKEND: "auto", LLM_API_KEY: GATEWAY_KEY },
  });
  const server = serveOnPort(t.app);
  try {
    const health = await json(await t.request("/healthz"));
    deepEqual(
      { kind: (health.llm as { kind: string }).kind, url: (health.llm as { url: string }).url },
      { kind: "openai", url: gateway.url },
    );
    ok(!JSON.stringify(health).includes(GATEWAY_KEY));

    const prompts: string[] = [];
    for (const seed of [1, 2, 1, 2]) {
      const body = await json(
        await t.post("/generate", { input: "a lighthouse", model: "sdxl", seed }),
      );
      prompts.push(String(body.positive));
    }
    equal(hostA.chatRequests().length, 2);
    equal(hostB.chatRequests().length, 2);
    deepEqual(gateway.served, [hostA.url, hostB.url, hostA.url, hostB.url]);
    // Seed 1 went to host A then again to host A; the same seed gives the same prompt anywhere.
    equal(prompts[0], prompts[2]);
    equal(prompts[1], prompts[3]);
    ok(prompts[0] !== prompts[1]);
    // Each host saw only its own key; the app only ever sent the gateway's.
    ok(hostA.requests.every((r) => r.headers.authorization === "Bearer host-a-key"));
    ok(hostB.requests.every((r) => r.headers.authorization === "Bearer host-b-key"));

    // A batch of four, two at a time: both hosts work at once.
    const batch = await readSse(
      await t.post("/generate-batch", {
        inputs: ["a fox", "a heron", "a wolf", "a hare"],
        concurrency: 2,
      }),
    );
    deepEqual([batch.at(-1)!.succeeded, batch.at(-1)!.failed], [4, 0]);
    equal(hostA.chatRequests().length + hostB.chatRequests().length, 8);

    // Stop: the client goes away, the app closes its request, the gateway closes the host's.
    await hostA.set({ tokenDelayMs: 40 });
    await hostB.set({ tokenDelayMs: 40 });
    const ac = new AbortController();
    const res = await fetch(`${server.url}/generate-stream`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: "a slow cat" }),
      signal: ac.signal,
    });
    await res.body!.getReader().read();
    await waitFor(() => hostA.openStreams + hostB.openStreams === 1, 2000, "a host to stream");
    ac.abort();
    await waitFor(() => hostA.openStreams + hostB.openStreams === 0, 2000, "the host to stop");
    equal(hostA.cancelledStreams + hostB.cancelledStreams, 1);
    await hostA.set({ tokenDelayMs: 0 });
    await hostB.set({ tokenDelayMs: 0 });

    // Host A dies: the gateway sends everything to B; the app notices nothing.
    await hostA.set({ fault: "refuse" });
    const before = hostB.chatRequests().length;
    for (let i = 0; i < 3; i++) await json(await t.post("/generate", { input: "a boat" }));
    equal(hostB.chatRequests().length, before + 3);
  } finally {
    await server.close();
    await t.close();
    await gateway.close();
    await hostA.close();
    await hostB.close();
  }
});

Deno.test("two instances share sessions, conversations and the cookie secret through one denokv (KV_URL)", async () => {
  const TOKEN = "denokv-token-7f3a9c";
  const kv = startFakeDenoKv({ accessToken: TOKEN });
  const host = startFakeOpenAi();
  const env = { LLM_BACKEND: "openai", KV_URL: kv.url, DENO_KV_ACCESS_TOKEN: TOKEN };
  const a = await startAppAt(host.url, { env });
  const b = await startAppAt(host.url, { env });
  try {
    deepEqual(a.services.secret, b.services.secret, "one cookie secret for every instance");

    // A browser starts on instance A and lands on B next: B knows its cookie and its chat.
    const first = await a.post("/chat", { message: "a castle on a hill" });
    const cookie = first.headers.get("set-cookie")!.split(";")[0]!;
    const one = await json(first);
    const two = await json(await b.post("/chat", { message: "make it night" }, { cookie }));
    equal(two.turn, 2);
    equal(two.session_id, one.session_id);
    const sent = host.chatRequests().at(-1)!.messages as { role: string; content: string }[];
    deepEqual(sent.map((m) => m.role), ["system", "user", "assistant", "user"]);
    equal(sent[2]!.content, one.result);
    const three = await json(await a.post("/chat", { message: "add fireflies" }, { cookie }));
    equal(three.turn, 3);

    // It all went through the KV Connect protocol, with the token only in the exchange.
    const paths = new Set(kv.requests.map((r) => r.path));
    ok(paths.has("/") && paths.has("/v2/snapshot_read") && paths.has("/v2/atomic_write"));
    ok(
      kv.requests.filter((r) => r.path === "/").every((r) => r.authorization === `Bearer ${TOKEN}`),
    );
    ok(kv.size() > 0);
  } finally {
    await a.close();
    await b.close();
    await host.close();
    await kv.close();
  }
});

Deno.test("KV_URL is where the session store opens, and a denokv that refuses the token stops the start with one line", async () => {
  const kv = startFakeDenoKv({ accessToken: "the-right-token" });
  try {
    const config = loadConfig({
      env: { KV_URL: `${kv.url}/`, DENO_KV_ACCESS_TOKEN: "a-wrong-token-31c" },
    });
    equal(kvLocation(config, true), kv.url, "KV_URL wins even over in-memory storage");
    equal(kvLocation({ kvUrl: undefined, dataDir: "/d" }, false), "/d/sessions.kv");

    const opened: string[] = [];
    await rejects(
      openServices(config, {
        storage: "memory",
        openKv: (where) => {
          opened.push(where);
          return Deno.openKv(where);
        },
      }),
      (err: unknown) => {
        ok(err instanceof ConfigError, String(err));
        match(err.message, /^Cannot open the session store at KV_URL=http:\/\/127\.0\.0\.1:\d+: /);
        match(err.message, /401/);
        match(err.message, /DENO_KV_ACCESS_TOKEN is the token it was started with/);
        ok(!err.message.includes("a-wrong-token-31c"), err.message);
        return true;
      },
    );
    deepEqual(opened, [kv.url]);
    equal(kv.requests.length, 1);
    equal(kv.requests[0]!.authorization, "Bearer a-wrong-token-31c");
  } finally {
    await kv.close();
  }
});
