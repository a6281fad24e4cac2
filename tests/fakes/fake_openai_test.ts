import { deepEqual, equal, ok } from "node:assert/strict";
import { defaultReply } from "./fake_common.ts";
import { type FakeOpenAi, type FakeOpenAiOptions, startFakeOpenAi } from "./fake_openai.ts";

const MESSAGES = [{ role: "user", content: "Idea: a red fox at dawn" }];

async function withFake(
  options: FakeOpenAiOptions,
  run: (fake: FakeOpenAi) => Promise<void>,
): Promise<void> {
  const fake = startFakeOpenAi(options);
  try {
    await run(fake);
  } finally {
    await fake.close();
  }
}

function post(fake: FakeOpenAi, body: unknown): Promise<Response> {
  return fetch(`${fake.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** The data of each event of a whole SSE body, split the plain way (no reader of ours). */
async function sseData(res: Response): Promise<string[]> {
  equal(res.headers.get("content-type"), "text/event-stream");
  const text = await res.text();
  ok(text.endsWith("data: [DONE]\n\n"), text.slice(-40));
  return text.split("\n\n").filter(Boolean).map((block) => {
    ok(block.startsWith("data: "), block);
    return block.slice(6);
  });
}

type Chunk = { choices: { delta: Record<string, unknown>; finish_reason: string | null }[] };

Deno.test("fake OpenAI streams the new sequence: role once, a finish chunk, usage, [DONE]", async () => {
  await withFake({}, async (fake) => {
    const res = await post(fake, {
      model: "llama3.2:latest",
      messages: MESSAGES,
      stream: true,
      seed: 3,
      stream_options: { include_usage: true },
    });
    const data = await sseData(res);
    equal(data.pop(), "[DONE]");
    const chunks = data.map((d) => JSON.parse(d));
    const usage = chunks.pop();
    deepEqual(usage.choices, []);
    equal(usage.usage.completion_tokens, chunks.length - 2);
    const finish = chunks.pop() as Chunk;
    deepEqual(finish.choices[0], { index: 0, delta: {}, logprobs: null, finish_reason: "stop" });
    const [first, ...rest] = chunks as Chunk[];
    deepEqual(first!.choices[0]!.delta, { role: "assistant", content: "" });
    ok(rest.every((c) => Object.keys(c.choices[0]!.delta).join() === "content"));
    ok(rest.every((c) => c.choices[0]!.finish_reason === null));
    equal(rest.map((c) => c.choices[0]!.delta.content).join(""), defaultReply(MESSAGES, 3));
  });
});

Deno.test("fake OpenAI streams the old sequence: role on every delta, finish on the last", async () => {
  await withFake({ chunkStyle: "old" }, async (fake) => {
    const data = await sseData(
      await post(fake, { model: "qwen3:latest", messages: MESSAGES, stream: true }),
    );
    equal(data.pop(), "[DONE]");
    const chunks = data.map((d) => JSON.parse(d) as Chunk);
    ok(chunks.every((c) => c.choices[0]!.delta.role === "assistant"));
    const last = chunks.pop()!;
    deepEqual(last.choices[0]!.delta, { role: "assistant", content: "" });
    equal(last.choices[0]!.finish_reason, "stop");
    ok(chunks.some((c) => typeof c.choices[0]!.delta.reasoning === "string"));
  });
});

Deno.test("fake OpenAI answers whole with the reasoning field of the model and usage", async () => {
  await withFake({}, async (fake) => {
    const res = await post(fake, { model: "deepseek-r1-distill-qwen-7b", messages: MESSAGES });
    const body = await res.json();
    equal(body.object, "chat.completion");
    equal(body.choices[0].finish_reason, "stop");
    equal(body.choices[0].message.content, defaultReply(MESSAGES));
    ok(body.choices[0].message.reasoning_content.includes("image prompt"));
    equal(typeof body.usage.total_tokens, "number");
  });
});

Deno.test("fake OpenAI answers /v1/models/{id} with one model, or a 404 error object", async () => {
  await withFake({ models: [{ id: "Qwen/Qwen2.5-7B-Instruct", vision: true }] }, async (fake) => {
    const one = await fetch(`${fake.url}/v1/models/Qwen/Qwen2.5-7B-Instruct`);
    equal((await one.json()).id, "Qwen/Qwen2.5-7B-Instruct");
    const none = await fetch(`${fake.url}/v1/models/nope`);
    equal(none.status, 404);
    deepEqual(await none.json(), {
      error: {
        message: "model 'nope' not found",
        type: "not_found_error",
        param: "model",
        code: null,
      },
    });
  });
});

Deno.test("fake OpenAI refuses bad requests with a 400 naming the parameter", async () => {
  const cases: [unknown, string | null][] = [
    ["{not json", null],
    [{ model: "llama3.2:latest", messages: [] }, "messages"],
    [{ model: "llama3.2:latest", messages: MESSAGES, temperature: 3 }, "temperature"],
    [{ model: "llama3.2:latest", messages: MESSAGES, stream_options: {} }, "stream_options"],
    [{
      model: "llama3.2:latest",
      messages: MESSAGES,
      response_format: { type: "json_schema", json_schema: {} },
    }, "response_format.json_schema.schema"],
    [{
      model: "gemma-3-4b-it",
      messages: [{
        role: "user",
        content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }],
      }],
    }, "messages[0].content[0].image_url.url"],
    [{
      model: "llama3.2:latest",
      messages: [{
        role: "user",
        content: [{ type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }],
      }],
    }, "messages"],
  ];
  await withFake({}, async (fake) => {
    for (const [body, param] of cases) {
      const res = await post(fake, body);
      equal(res.status, 400, JSON.stringify(body));
      const { error } = await res.json();
      equal(error.type, "invalid_request_error");
      equal(error.param, param, error.message);
    }
  });
});

Deno.test("fake OpenAI writes errors the way LM Studio and older vLLM do", async () => {
  await withFake({ errorStyle: "string", formats: ["json_schema"] }, async (fake) => {
    const res = await post(fake, {
      model: "llama3.2:latest",
      messages: MESSAGES,
      response_format: { type: "json_object" },
    });
    equal(res.status, 400);
    deepEqual(await res.json(), {
      error: "'response_format.type' must be 'json_schema' or 'text'",
    });
  });
  await withFake({ errorStyle: "vllm" }, async (fake) => {
    const res = await post(fake, { model: "x", messages: MESSAGES });
    deepEqual(await res.json(), {
      object: "error",
      message: "model 'x' not found",
      type: "NotFoundError",
      param: "model",
      code: 404,
    });
  });
});

Deno.test("fake OpenAI escapes <, > and & as Go does when asked to", async () => {
  await withFake({ goEscape: true, reply: () => "<a> & b" }, async (fake) => {
    const text = await (await post(fake, { model: "llama3.2:latest", messages: MESSAGES })).text();
    ok(text.includes("\\u003ca\\u003e \\u0026 b"), text);
  });
});

Deno.test("fake OpenAI writes JSON that fits the schema for json_schema and json_object", async () => {
  await withFake({}, async (fake) => {
    const schema = {
      type: "object",
      properties: {
        positive: { type: "string" },
        tags: { type: "array", items: { type: "string" }, minItems: 2 },
        weight: { type: "number", minimum: 0.2 },
        style: { enum: ["photo", "art"] },
      },
    };
    const res = await post(fake, {
      model: "llama3.2:latest",
      messages: MESSAGES,
      response_format: { type: "json_schema", json_schema: { name: "x", schema } },
    });
    const value = JSON.parse((await res.json()).choices[0].message.content);
    const reply = defaultReply(MESSAGES);
    deepEqual(value, { positive: reply, tags: [reply, reply], weight: 0.2, style: "photo" });
    const loose = await post(fake, {
      model: "llama3.2:latest",
      messages: MESSAGES,
      response_format: { type: "json_object" },
    });
    deepEqual(JSON.parse((await loose.json()).choices[0].message.content), { prompt: reply });
  });
});
