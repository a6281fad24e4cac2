/**
 * The main flows, run against Ollama's native API and an OpenAI-compatible server alike: the same
 * requests must give the same product behaviour (prompts, history, errors and their statuses).
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import {
  BACKEND_CASES,
  type BackendApp,
  type BackendCase,
  sentSampling,
  startBackendApp,
} from "./backend_app.ts";
import { HX, MAIN, postForm, readSse, serveOnPort, startAppAt, waitFor } from "./helpers.ts";
import { startFakeOpenAi } from "./fakes/fake_openai.ts";

/** Models of each fake whose reasoning must stay out of prompts: a field, or inline tags. */
const REASONING_MODELS = {
  ollama: ["qwen3:latest", "deepseek-r1:legacy"],
  openai: ["qwen3:latest", "deepseek-r1-distill-qwen-7b", "legacy-r1"],
};
/** A phrase of both fakes' reasoning text. */
const REASONING = "light & mood <carefully>";

function form(t: BackendApp, path: string, fields: Record<string, string>) {
  return postForm(t, path, fields, HX);
}

function pageEvents(text: string): { event: string; data: string }[] {
  return text.split("\n\n").filter((b) => b.trim()).map((block) => {
    const lines = block.split("\n");
    return {
      event: lines.find((l) => l.startsWith("event: "))?.slice(7) ?? "",
      data: lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n"),
    };
  });
}

async function json(res: Response, status = 200): Promise<Record<string, unknown>> {
  const text = await res.text();
  equal(res.status, status, text);
  return JSON.parse(text);
}

function backendTest(
  what: string,
  fn: (backend: BackendCase) => Promise<void>,
): void {
  for (const backend of BACKEND_CASES) Deno.test(`${what} [${backend.name}]`, () => fn(backend));
}

backendTest("models, /healthz and the status pill name the backend kind and URL", async (b) => {
  const t = await startBackendApp(b);
  try {
    const models = await json(await t.request("/models"));
    ok((models.models as string[]).includes("llama3.2:latest"), String(models.models));
    ok((models.models as string[]).includes("qwen3:latest"));
    equal(models.default, "qwen3:latest");

    const health = await json(await t.request("/healthz"));
    const llm = health.llm as Record<string, unknown>;
    equal(llm.backend, b.setting);
    equal(llm.kind, b.server);
    equal(llm.url, t.fake.url);
    equal(llm.reachable, true);
    equal((health.ollama as { reachable: boolean }).reachable, true, "the contract's field");

    const page = await (await t.request("/")).text();
    const name = b.server === "ollama" ? "Ollama" : "OpenAI-compatible server";
    match(page, new RegExp(`class="status ok"[^>]*>${name} connected <span class="status-url">`));
    ok(page.includes(`${t.fake.url}</span>`));
    ok(page.includes("llama3.2:latest"), "the model picker lists the server's models");
  } finally {
    await t.close();
  }
});

backendTest(
  "generate sends seed and temperature, the same seed gives the same prompt, history keeps it",
  async (b) => {
    const t = await startBackendApp(b);
    try {
      const request = {
        input: "a fox in the snow",
        model: "sdxl",
        ollama_model: "llama3.2:latest",
        seed: 7,
        temperature: 0.3,
      };
      const first = await json(await t.post("/generate", request));
      const second = await json(await t.post("/generate", request));
      match(String(first.positive), /^masterpiece, best quality, \(a fox in the snow:1\.2\)/);
      match(String(first.positive), /variant 7/, "the seed reached the server");
      match(String(first.negative), /blurry/);
      equal(second.positive, first.positive);
      equal(first.ollama_model, "llama3.2:latest");
      for (const sent of t.fake.chatRequests()) {
        deepEqual(sentSampling(sent), { seed: 7, temperature: 0.3 });
        equal(sent.model, "llama3.2:latest");
      }
      const other = await json(await t.post("/generate", { ...request, seed: 8 }));
      ok(other.positive !== first.positive, "another seed, another prompt");
      const row = t.services.history.use().get(Number(first.history_id))!;
      equal(row.positive, first.positive);
      equal(row.seed, 7);
      equal(t.services.history.use().list({ limit: 10 }).total, 3);
    } finally {
      await t.close();
    }
  },
);

backendTest(
  "reasoning (a field or <think> tags) streams apart and never reaches the prompt or history",
  async (b) => {
    const t = await startBackendApp(b);
    try {
      for (const model of REASONING_MODELS[b.server]) {
        const events = await readSse(
          await t.post("/generate-stream", { input: "a cat", ollama_model: model, think: true }),
        );
        const tokens = events.filter((e) => "token" in e).map((e) => e.token).join("");
        const done = events.at(-1)!;
        equal(done.done, true, model);
        equal(tokens, done.result, `${model}: the tokens are the result`);
        ok(!tokens.includes("carefully") && !tokens.includes("think>"), `${model}: ${tokens}`);
        ok(String(done.thinking).includes(REASONING), `${model}: reasoning kept apart`);
        match(String(done.positive), /^A cat, rendered/);
        const row = t.services.history.use().get(Number(done.history_id))!;
        ok(!row.generated_output.includes("carefully"), model);
      }
    } finally {
      await t.close();
    }
  },
);

backendTest(
  "Stop: a client that goes away closes the upstream request and saves nothing",
  async (b) => {
    const t = await startBackendApp(b, { tokenDelayMs: 40 });
    const server = serveOnPort(t.app);
    try {
      const ac = new AbortController();
      const res = await fetch(`${server.url}/generate-stream`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ input: "a cat", ollama_model: "llama3.2:latest" }),
        signal: ac.signal,
      });
      const reader = res.body!.getReader();
      await reader.read();
      await waitFor(() => t.fake.openStreams === 1, 2000, "the upstream stream to open");
      ac.abort();
      await waitFor(() => t.fake.openStreams === 0, 1000, "the upstream stream to close");
      equal(t.fake.cancelledStreams, 1);
      await new Promise((r) => setTimeout(r, 100));
      equal(t.services.history.use().list({ limit: 5 }).total, 0);
      equal(t.services.slots.held(), 0);
    } finally {
      await server.close();
      await t.close();
    }
  },
);

backendTest(
  "chat keeps the conversation in order, and a persona chat starts its own",
  async (b) => {
    const t = await startBackendApp(b);
    try {
      const session = { session_id: "backend-session-0001" };
      const one = await json(await t.post("/chat", { ...session, message: "a castle on a hill" }));
      const two = await json(await t.post("/chat", { ...session, message: "make it night" }));
      equal(two.turn, 2);
      match(String(two.positive), /refined in turn 2/);
      const messages = t.fake.chatRequests().at(-1)!.messages as {
        role: string;
        content: string;
      }[];
      deepEqual(messages.map((m) => m.role), ["system", "user", "assistant", "user"]);
      equal(messages[2]!.content, one.result);

      const persona = await json(
        await t.post("/persona-chat", {
          ...session,
          message: "a portrait",
          persona_id: "photography_expert",
        }),
      );
      equal(persona.persona, "photography_expert");
      equal(persona.turn, 1);
      const row = t.services.history.use().get(Number(persona.history_id))!;
      equal(row.mode, "persona-chat");
      equal(t.services.history.use().list({ limit: 10, mode: "chat" }).total, 2);
    } finally {
      await t.close();
    }
  },
);

backendTest(
  "batch runs every input and replay gives the same prompt with the same settings",
  async (b) => {
    const t = await startBackendApp(b);
    try {
      const events = await readSse(
        await t.post("/generate-batch", { inputs: ["a fox", "a heron", "a wolf"], model: "sdxl" }),
      );
      const done = events.at(-1)!;
      deepEqual([done.succeeded, done.failed], [3, 0]);
      equal(t.services.history.use().list({ limit: 10, mode: "batch" }).total, 3);

      const first = await json(
        await t.post("/generate", {
          input: "a glass whale",
          model: "sdxl",
          seed: 77,
          temperature: 0.4,
        }),
      );
      const replay = await json(await t.post(`/history/${first.history_id}/replay`, {}));
      equal(replay.positive, first.positive);
      equal(replay.same_prompt, true);
      const sent = t.fake.chatRequests().slice(-2);
      deepEqual(sentSampling(sent[1]!), { seed: 77, temperature: 0.4 });
      deepEqual(sent[1]!.messages, sent[0]!.messages);
    } finally {
      await t.close();
    }
  },
);

backendTest("the page's htmx generate streams a run to the final result", async (b) => {
  const t = await startBackendApp(b, { tokenDelayMs: 2 });
  const server = serveOnPort(t.app);
  try {
    const fragment = await (await form(t, "/ui/generate", { input: "a kite", model: "sdxl" }))
      .text();
    const runId = fragment.match(/sse-connect="\/ui\/runs\/([0-9a-f-]+)\/stream"/)?.[1];
    ok(runId, fragment);
    const events = pageEvents(await (await fetch(`${server.url}/ui/runs/${runId}/stream`)).text());
    ok(events.some((e) => e.event === "token"));
    const final = events.find((e) => e.event === "final")!;
    match(final.data, /id="positive"/);
    match(final.data, /\(a kite:1\.2\)/);
    equal(t.services.history.use().list({ limit: 5 }).total, 1);
  } finally {
    await server.close();
    await t.close();
  }
});

Deno.test("model ids as OpenAI-compatible servers write them (org/name, a file path) are accepted and sent as they are", async () => {
  const ids = [
    "lmstudio-community/Meta-Llama-3.1-8B-Instruct-GGUF",
    "/models/qwen2.5-7b-instruct-q4_k_m.gguf",
    "C:\\models\\gemma-3-4b-it-Q4_K_M.gguf",
  ];
  const t = await startBackendApp(BACKEND_CASES[1]!, {
    openAiModels: ids.map((id) => ({ id })),
  });
  try {
    const listed = await json(await t.request("/models"));
    deepEqual(listed.models, ids);
    for (const id of ids) {
      const body = await json(await t.post("/generate", { input: "a fox", ollama_model: id }));
      equal(body.ollama_model, id);
      equal(t.fake.chatRequests().at(-1)!.model, id);
    }
    const bad = await json(await t.post("/generate", { input: "a fox", ollama_model: "a b" }), 400);
    match(String(bad.message), /must be a model name the LLM server lists/);
  } finally {
    await t.close();
  }
});

Deno.test("/models passes on what an OpenAI-compatible listing says a model reads (vision)", async () => {
  const fake = startFakeOpenAi({ listModalities: true });
  const t = await startAppAt(fake.url, { env: { LLM_BACKEND: "auto" } });
  try {
    const body = await json(await t.request("/models"));
    const details = body.details as { name: string; capabilities: string[] | null }[];
    deepEqual(details.find((d) => d.name === "gemma-3-4b-it")?.capabilities, ["vision"]);
    equal(details.find((d) => d.name === "llama3.2:latest")?.capabilities, null);
  } finally {
    await t.close();
    await fake.close();
  }
});

backendTest("an unknown model is a 404 that says what to do for that server", async (b) => {
  const t = await startBackendApp(b);
  try {
    const body = await json(
      await t.post("/generate", { input: "a cat", ollama_model: "mistral:7b" }),
      404,
    );
    equal(body.type, "model_not_found");
    if (b.server === "ollama") match(String(body.message), /ollama pull mistral:7b/);
    else {
      match(String(body.message), /"mistral:7b" is not available on the LLM server at http/);
      match(String(body.message), /load or download it there/);
      ok(!/ollama/i.test(String(body.message)), String(body.message));
    }
  } finally {
    await t.close();
  }
});

backendTest(
  "an unreachable server is a 503 that names the LLM server, not always Ollama",
  async (b) => {
    const t = await startBackendApp(b, { down: true });
    try {
      for (const path of ["/generate", "/generate-stream"]) {
        const body = await json(await t.post(path, { input: "a cat" }), 503);
        equal(body.type, "connection_error");
        match(String(body.message), /^Cannot connect to the LLM server at http:\/\/127\.0\.0\.1:/);
        match(String(body.message), /set LLM_URL to where it runs/);
      }
      const health = await json(await t.request("/healthz"));
      equal((health.llm as { reachable: boolean }).reachable, false);
      // Told the kind, the pill names it; `auto` cannot know what should have answered.
      const name = b.setting === "openai" ? "OpenAI-compatible server" : "LLM server";
      match(
        await (await t.request("/")).text(),
        new RegExp(`class="status down"[^>]*>${name} offline`),
      );
      equal(t.services.history.use().list({ limit: 5 }).total, 0);
    } finally {
      await t.close();
    }
  },
);

backendTest(
  "silence is a 504, a crash a 502, an error or cut mid-stream an error event; nothing is saved",
  async (b) => {
    const t = await startBackendApp(b, { env: { LLM_TIMEOUT: "0.3" } });
    try {
      await t.fake.fault("hang");
      const slow = await json(await t.post("/generate", { input: "a cat" }), 504);
      equal(slow.type, "timeout_error");
      match(String(slow.message), /raise LLM_TIMEOUT/);

      await t.fake.fault("crash");
      equal((await json(await t.post("/generate", { input: "a cat" }), 502)).type, "api_error");

      for (const fault of ["mid-error", "truncate", "hang-mid"] as const) {
        await t.fake.fault(fault);
        const events = await readSse(await t.post("/generate-stream", { input: "a cat" }));
        ok(events.some((e) => "token" in e), `${fault}: some tokens came first`);
        const last = events.at(-1)!;
        equal(last.done, undefined, `${fault}: no result`);
        const want = fault === "hang-mid" ? "timeout_error" : "api_error";
        equal(last.type, want, `${fault}: ${JSON.stringify(last)}`);
      }
      equal(t.services.history.use().list({ limit: 5 }).total, 0);
    } finally {
      await t.close();
    }
  },
);

backendTest(
  "LLM_TOTAL_TIMEOUT stops a steady generation with a 504 that names it; nothing is saved",
  async (b) => {
    const t = await startBackendApp(b, {
      tokenDelayMs: 60,
      env: { LLM_TIMEOUT: "5", LLM_TOTAL_TIMEOUT: "0.4" },
    });
    try {
      const slow = await json(await t.post("/generate", { input: "a cat" }), 504);
      equal(slow.type, "timeout_error");
      match(String(slow.message), /raise LLM_TOTAL_TIMEOUT/);
      equal(t.services.history.use().list({ limit: 5 }).total, 0);
    } finally {
      await t.close();
    }
  },
);

backendTest("the command line generates through the configured backend", async (b) => {
  const t = await startBackendApp(b);
  const dir = await Deno.makeTempDir();
  try {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "generate", "a fox in the snow", "--target", "sdxl"],
      env: {
        NO_COLOR: "1",
        DATA_DIR: dir,
        LLM_URL: t.fake.url,
        LLM_BACKEND: b.setting,
        LLM_STARTUP_CHECK: "false",
      },
      cwd: dir,
    }).output();
    const err = new TextDecoder().decode(stderr);
    equal(code, 0, err);
    // A structured reply streams its values: the prompt, a blank line, the negative; no labels.
    match(new TextDecoder().decode(stdout), /^masterpiece, best quality.*\n\nblurry, lowres/);
    equal(err, "");
    equal(t.fake.chatRequests().length, 1);
  } finally {
    await t.close();
    await Deno.remove(dir, { recursive: true });
  }
});
