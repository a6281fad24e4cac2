import { equal, ok, rejects } from "node:assert/strict";
import { probeBackend } from "./probe.ts";
import { startFakeOllama } from "../../tests/fakes/fake_ollama.ts";
import { startFakeOpenAi } from "../../tests/fakes/fake_openai.ts";
import { closedPortUrl, failsWith } from "../../tests/fakes/llm_failures.ts";

/** A server that answers every request with `answer`, recording what it was asked. */
function serve(answer: (req: Request) => Response | Promise<Response>) {
  const seen: { path: string; auth: string | null }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    seen.push({ path: new URL(req.url).pathname, auth: req.headers.get("authorization") });
    return answer(req);
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, seen, close: () => server.shutdown() };
}

Deno.test("probe: Ollama is recognised by /api/version, asked first, with the key as a bearer", async () => {
  const fake = startFakeOllama();
  try {
    equal(await probeBackend(fake.url, { timeoutMs: 2000, apiKey: "sk-proxy-1" }), "ollama");
    equal(fake.requests.length, 1);
    equal(fake.requests[0]!.path, "/api/version");
    equal(fake.requests[0]!.headers.authorization, "Bearer sk-proxy-1");
  } finally {
    await fake.close();
  }
});

Deno.test("probe: an OpenAI-compatible server is recognised by /v1/models after /api/version fails", async () => {
  for (const errorStyle of ["openai", "string", "vllm"] as const) {
    // "string" is LM Studio, which answers unknown paths with a 200 and an error.
    const fake = startFakeOpenAi({ errorStyle });
    try {
      equal(await probeBackend(fake.url, { timeoutMs: 2000 }), "openai", errorStyle);
      equal(fake.requests.map((r) => r.path).join(" "), "/api/version /v1/models");
    } finally {
      await fake.close();
    }
  }
});

Deno.test("probe: a server that wants a key, or one still loading a model, is OpenAI-compatible", async () => {
  const keyed = startFakeOpenAi({ apiKey: "sk-team" });
  const loading = serve((req) =>
    new URL(req.url).pathname === "/v1/models"
      ? Response.json(
        { error: { code: 503, message: "Loading model", type: "unavailable_error" } },
        {
          status: 503,
        },
      )
      : new Response("File Not Found", { status: 404 })
  );
  try {
    equal(await probeBackend(keyed.url, { timeoutMs: 2000 }), "openai");
    equal(await probeBackend(keyed.url, { timeoutMs: 2000, apiKey: "sk-team" }), "openai");
    equal(await probeBackend(loading.url, { timeoutMs: 2000 }), "openai");
  } finally {
    await keyed.close();
    await loading.close();
  }
});

Deno.test("probe: nothing listening is a 503, silence a 504, a server of neither kind a 502 that says what to set", async () => {
  const down = await failsWith(probeBackend(closedPortUrl(), { timeoutMs: 2000 }), 503);
  ok(
    down.message.startsWith("Cannot connect to the LLM server at http://127.0.0.1:"),
    down.message,
  );
  equal(down.type, "connection_error");

  const silent = serve((req) =>
    new Promise((resolve) =>
      req.signal.addEventListener("abort", () => resolve(new Response(null)), { once: true })
    )
  );
  const web = serve(() =>
    new Response("<html>it works</html>", { headers: { "content-type": "text/html" } })
  );
  try {
    const started = performance.now();
    const slow = await failsWith(probeBackend(silent.url, { timeoutMs: 200 }), 504);
    const ms = performance.now() - started;
    ok(ms >= 190 && ms < 1500, `took ${ms} ms`);
    ok(slow.message.includes("sent nothing useful for 0.2 seconds"), slow.message);

    const neither = await failsWith(probeBackend(web.url, { timeoutMs: 2000 }), 502);
    ok(neither.message.includes("neither as Ollama"), neither.message);
    ok(neither.message.includes("set LLM_BACKEND to ollama or openai"), neither.message);
  } finally {
    await silent.close();
    await web.close();
  }
});

Deno.test("probe: the caller's abort ends it at once, as an abort rather than an app error", async () => {
  const silent = serve((req) =>
    new Promise((resolve) =>
      req.signal.addEventListener("abort", () => resolve(new Response(null)), { once: true })
    )
  );
  try {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new DOMException("gone", "AbortError")), 50);
    await rejects(probeBackend(silent.url, { timeoutMs: 5000, signal: ac.signal }), {
      name: "AbortError",
    });
  } finally {
    await silent.close();
  }
});
