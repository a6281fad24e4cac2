/**
 * The OpenAI-compatible endpoint driven by the official `openai` npm client, as a node that
 * speaks the Chat Completions API uses it, against the app on a loopback port with the fake
 * Ollama behind it; then the request bodies of two OpenAI-API ComfyUI nodes replayed.
 */
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import OpenAI from "openai";
import {
  serveOnPort,
  startTestApp,
  type TestApp,
  type TestAppOptions,
  waitFor,
} from "./helpers.ts";

async function served(options: TestAppOptions = {}, apiKey = "unused") {
  const t = await startTestApp(options);
  const server = serveOnPort(t.app);
  const baseURL = `${server.url}/v1`;
  return {
    t,
    baseURL,
    client: new OpenAI({ baseURL, apiKey, maxRetries: 0 }),
    async close() {
      await server.close();
      await t.close();
    },
  };
}

function historyRows(t: TestApp) {
  return t.services.history.use().list({ limit: 50 }).history;
}

function failsWith(status: number, text: RegExp, param?: string) {
  return (e: InstanceType<typeof OpenAI.APIError>) => {
    equal(e.status, status, e.message);
    match(e.message, text);
    if (param !== undefined) equal((e.error as { param?: string }).param, param);
    return true;
  };
}

Deno.test("the client lists and retrieves the served models; an unknown one is NotFound with our list", async () => {
  const s = await served();
  try {
    const ids: string[] = [];
    for await (const model of s.client.models.list()) {
      ids.push(model.id);
      equal(model.object, "model");
      equal(model.owned_by, "promptsmith");
      ok(model.created > 1_000_000_000);
    }
    ok(ids.includes("promptsmith/flux:latest"));
    ok(ids.includes("promptsmith/sdxl-negative:latest"));
    equal((await s.client.models.retrieve("promptsmith/sdxl")).id, "promptsmith/sdxl:latest");
    await rejects(
      s.client.models.retrieve("gpt-4o"),
      (e: InstanceType<typeof OpenAI.NotFoundError>) => {
        ok(e instanceof OpenAI.NotFoundError);
        match(e.message, /model 'gpt-4o' not found; Promptsmith serves promptsmith\/flux/);
        equal((e.error as { code?: string }).code, "model_not_found");
        return true;
      },
    );
  } finally {
    await s.close();
  }
});

Deno.test("a whole completion is the clean positive prompt; the system message is guidance, saved as mode api", async () => {
  const s = await served();
  try {
    const done = await s.client.chat.completions.create({
      model: "promptsmith/sdxl",
      messages: [
        { role: "system", content: "Favour cold colours." },
        { role: "user", content: "a fox in snow" },
      ],
      seed: 5,
      temperature: 0.4,
    });
    equal(done.object, "chat.completion");
    match(done.id, /^chatcmpl-/);
    equal(done.model, "promptsmith/sdxl");
    equal(done.choices.length, 1);
    equal(done.choices[0]!.finish_reason, "stop");
    const text = done.choices[0]!.message.content!;
    ok(!/POSITIVE|NEGATIVE/.test(text), text);
    ok(done.usage!.completion_tokens > 0);
    equal(done.usage!.total_tokens, done.usage!.prompt_tokens + done.usage!.completion_tokens);
    const [row] = historyRows(s.t);
    equal(row!.mode, "api");
    equal(row!.positive, text);
    equal(row!.seed, 5);
    equal(row!.temperature, 0.4);
    const sent = s.t.fake.chatRequests().at(-1) as { messages: { content: string }[] };
    ok(sent.messages[0]!.content.endsWith("Favour cold colours."));
    match(sent.messages[1]!.content, /^Idea: a fox in snow/);

    const json = await s.client.chat.completions.create({
      model: "promptsmith/sdxl-negative",
      messages: [{ role: "developer", content: "Favour cold colours." }, {
        role: "user",
        content: [{ type: "text", text: "a fox in snow" }],
      }],
      seed: 5,
      temperature: 0.4,
      response_format: { type: "json_object" },
    });
    const both = JSON.parse(json.choices[0]!.message.content!);
    equal(both.positive, text, "the negative model shared the same generation");
    equal(both.negative, row!.negative);
    equal(s.t.fake.chatRequests().length, 1);
    equal(json.usage!.total_tokens, 0, "the shared reply evaluated nothing itself");
  } finally {
    await s.close();
  }
});

Deno.test("a streamed completion: a role chunk, the content, a finish chunk, usage on request, then [DONE]", async () => {
  const s = await served({ fake: { tokenDelayMs: 1 } });
  try {
    const stream = await s.client.chat.completions.create({
      model: "promptsmith/flux",
      messages: [
        { role: "user", content: "a lighthouse" },
        { role: "assistant", content: "A lighthouse on a cliff." },
        { role: "user", content: "in a storm" },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    const finishes: (string | null)[] = [];
    let usage = 0;
    let first = true;
    for await (const chunk of stream) {
      equal(chunk.object, "chat.completion.chunk");
      if (chunk.usage) {
        usage = chunk.usage.completion_tokens;
        deepEqual(chunk.choices, []);
        continue;
      }
      const choice = chunk.choices[0]!;
      if (first) equal(choice.delta.role, "assistant");
      first = false;
      text += choice.delta.content ?? "";
      finishes.push(choice.finish_reason);
    }
    equal(finishes.at(-1), "stop");
    ok(finishes.slice(0, -1).every((f) => f === null));
    ok(usage > 0);
    equal(text, historyRows(s.t)[0]!.positive);
    match(text, /refined in turn 2/);
    const sent = s.t.fake.chatRequests().at(-1) as {
      messages: { role: string; content: string }[];
    };
    deepEqual(sent.messages.map((m) => m.role), ["system", "user", "assistant", "user"]);
    equal(sent.messages[2]!.content, "A lighthouse on a cliff.");
  } finally {
    await s.close();
  }
});

Deno.test("reasoning_effort turns the LLM's thinking on, and its reasoning comes back as reasoning", async () => {
  const s = await served();
  try {
    const done = await s.client.chat.completions.create({
      model: "promptsmith/flux",
      messages: [{ role: "user", content: "a moth" }],
      reasoning_effort: "low",
    });
    equal((s.t.fake.chatRequests().at(-1) as { think?: boolean }).think, true);
    const message = done.choices[0]!.message as unknown as { reasoning: string; content: string };
    match(message.reasoning, /light & mood/);
    ok(!message.content.includes("light & mood"));
    let reasoning = "";
    for await (
      const chunk of await s.client.chat.completions.create({
        model: "promptsmith/flux",
        messages: [{ role: "user", content: "a moth" }],
        reasoning_effort: "medium",
        stream: true,
      })
    ) {
      reasoning += (chunk.choices[0]?.delta as { reasoning?: string } | undefined)?.reasoning ?? "";
    }
    match(reasoning, /light & mood/);
    await rejects(
      s.client.chat.completions.create({
        model: "promptsmith/flux",
        messages: [{ role: "user", content: "a moth" }],
        reasoning_effort: "extreme" as never,
      }),
      failsWith(400, /reasoning_effort/, "reasoning_effort"),
    );
  } finally {
    await s.close();
  }
});

Deno.test("leaving a stream early cancels the LLM request and saves nothing", async () => {
  const s = await served({ fake: { tokenDelayMs: 40 } });
  try {
    const stream = await s.client.chat.completions.create({
      model: "promptsmith/flux",
      messages: [{ role: "user", content: "a slow river" }],
      stream: true,
    });
    let chunks = 0;
    for await (const _ of stream) {
      chunks++;
      break;
    }
    equal(chunks, 1);
    await waitFor(() => s.t.fake.cancelledStreams === 1, 3000, "the LLM stream cancelled");
    await waitFor(() => s.t.services.slots.held() === 0, 3000, "the slot back");
    equal(historyRows(s.t).length, 0);
  } finally {
    await s.close();
  }
});

Deno.test("bad requests are OpenAI errors with their status, type and parameter, never a 500", async () => {
  const s = await served();
  const user = [{ role: "user" as const, content: "a cat" }];
  try {
    await rejects(
      s.client.chat.completions.create({ model: "promptsmith/flux", messages: [] }),
      failsWith(400, /\[\] is too short - 'messages'/, "messages"),
    );
    await rejects(
      s.client.chat.completions.create({
        model: "promptsmith/flux",
        messages: user,
        temperature: 3,
      }),
      failsWith(400, /Invalid 'temperature'/, "temperature"),
    );
    await rejects(
      s.client.chat.completions.create({ model: "claude", messages: user }),
      failsWith(404, /model 'claude' not found/, "model"),
    );
    await rejects(
      s.client.chat.completions.create({
        model: "promptsmith/flux",
        messages: [{
          role: "user",
          content: [{ type: "image_url", image_url: { url: "data:image/png;base64,aGk=" } }],
        }],
      }),
      failsWith(400, /'image_url' content parts are not supported/, "messages[0].content[0]"),
    );
    await rejects(
      s.client.chat.completions.create({
        model: "promptsmith/flux",
        messages: user,
        response_format: { type: "json_schema", json_schema: { name: "x", schema: {} } },
      }),
      failsWith(400, /cannot follow a JSON schema/, "response_format"),
    );
    await rejects(
      s.client.chat.completions.create({
        model: "promptsmith/flux",
        messages: [{ role: "system", content: "only a system message" }],
      }),
      failsWith(400, /no user message/, "messages"),
    );
    equal(s.t.fake.chatRequests().length, 0);

    const raw = async (path: string, init: RequestInit) => {
      const res = await fetch(`${s.baseURL}${path}`, init);
      return { status: res.status, body: await res.json() };
    };
    let r = await raw("/chat/completions", { method: "POST", body: "{nope" });
    equal(r.status, 400);
    equal(r.body.error.type, "invalid_request_error");
    r = await raw("/chat/completions", {
      method: "POST",
      body: JSON.stringify({ messages: user }),
    });
    deepEqual(r.body.error, {
      message: "Missing required parameter: 'model'.",
      type: "invalid_request_error",
      param: "model",
      code: null,
    });
    const sse = await fetch(`${s.baseURL}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "promptsmith/flux", messages: user, stream: true }),
    });
    equal(sse.headers.get("content-type"), "text/event-stream; charset=utf-8");
    const frames = (await sse.text()).split("\n\n").filter(Boolean);
    equal(frames.at(-1), "data: [DONE]");
    ok(frames.slice(0, -1).every((f) => f.startsWith("data: {")));
    r = await raw("/completions", { method: "POST", body: "{}" });
    equal(r.status, 404);
    equal(r.body.error.message, "Invalid URL (POST /v1/completions)");
    r = await raw("/chat/completions", { method: "GET" });
    equal(r.status, 404);
    r = await raw("/chat/completions", {
      method: "POST",
      body: JSON.stringify({ model: "promptsmith/flux", messages: user, x: "y".repeat(1_100_000) }),
    });
    equal(r.status, 413);
    equal(r.body.error.type, "invalid_request_error");
  } finally {
    await s.close();
  }
});

Deno.test("AUTH_TOKEN is the client's API key; a wrong key is an AuthenticationError", async () => {
  const token = "openai-side-token-abcdef";
  const wrong = await served({ env: { AUTH_TOKEN: token } }, "sk-wrong");
  try {
    await rejects(
      wrong.client.models.list(),
      (e: Error) => e instanceof OpenAI.AuthenticationError && /AUTH_TOKEN/.test(e.message),
    );
    const right = new OpenAI({ baseURL: wrong.baseURL, apiKey: token, maxRetries: 0 });
    const done = await right.chat.completions.create({
      model: "promptsmith/flux",
      messages: [{ role: "user", content: "a cat" }],
    });
    ok(done.choices[0]!.message.content);
  } finally {
    await wrong.close();
  }
});

Deno.test("a failure after the stream started reaches the client as an APIError, with no [DONE]", async () => {
  const s = await served({ fake: { fault: "mid-error" } });
  try {
    const stream = await s.client.chat.completions.create({
      model: "promptsmith/flux",
      messages: [{ role: "user", content: "a cat" }],
      stream: true,
    });
    await rejects(
      (async () => {
        for await (const _ of stream) { /* read to the end */ }
      })(),
      (e: Error) => e instanceof OpenAI.APIError && /CUDA out of memory/.test(e.message),
    );
    await waitFor(() => s.t.services.slots.held() === 0, 2000, "the slot back");
  } finally {
    await s.close();
  }
});

// hekmon/comfyui-openai-api sends `n: 1`, its options and `extra_body` through the openai Python
// client; PICOPON/ComfyUI-API-OpenAI-Node posts with requests, adding sampling fields OpenAI does
// not have. Both read choices[0].message.content.
Deno.test("OpenAI-API ComfyUI nodes' own requests, replayed", async () => {
  const s = await served();
  const post = async (body: unknown, headers: Record<string, string>) => {
    const res = await fetch(`${s.baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    equal(res.status, 200, await res.clone().text());
    return (await res.json()).choices[0].message.content as string;
  };
  try {
    const hekmon = await post({
      model: "promptsmith/sd15",
      messages: [
        { role: "system", content: "You write image prompts." },
        { role: "user", content: "a castle in fog" },
      ],
      seed: 12,
      n: 1,
      max_completion_tokens: 400,
      top_k: 20,
    }, {
      authorization: "Bearer sk-anything",
      "user-agent": "OpenAI/Python 1.109.1",
      "x-stainless-lang": "python",
    });
    ok(hekmon.length > 0 && !/POSITIVE/.test(hekmon));
    const picopon = await post({
      messages: [
        { role: "system", content: "You are a prompt generation AI." },
        { role: "user", content: "a robot gardener" },
      ],
      max_tokens: 1024,
      temperature: 0.6,
      model: "promptsmith/flux",
      top_p: 0.95,
      top_k: 20,
      repetition_penalty: 1.1,
    }, { "user-agent": "python-requests/2.32.3" });
    match(picopon, /^A robot gardener/);
    deepEqual(historyRows(s.t).map((r) => [r.mode, r.model]), [["api", "flux"], ["api", "sd15"]]);
  } finally {
    await s.close();
  }
});
