/**
 * A fake OpenAI-compatible server, as LM Studio, llama.cpp's llama-server, vLLM and Ollama's `/v1`
 * speak the dialect (wire reference A.7): `/v1/models` (with Ollama's `"data": null` or everyone
 * else's `[]` when empty), `/v1/chat/completions` streamed as server-sent events in both chunk
 * sequences or whole, reasoning in `reasoning`, `reasoning_content` or inline `<think>`, JSON
 * replies for `response_format`, image parts for vision models, API keys, the error bodies of
 * each server, and faults: refused connections, stalls, drops, trickles, keep-alive comments and
 * the two ways servers report an error mid-stream. Tests start it on a random loopback port;
 * `deno task fake-openai` serves it on 1234 for people.
 */
import {
  defaultReply,
  goJson,
  isObject,
  type Json,
  jsonReply,
  sleep,
  type StreamCounters,
  StreamCounts,
  words,
} from "./fake_common.ts";

/** A fault the fake can inject. */
export type OpenAiFault =
  | "none"
  | "refuse" // stop listening: connections are refused until the fault is cleared
  | "stall-headers" // take the request, never answer
  | "stall-start" // send the headers, then no event (only keep-alive comments, with `pingMs`)
  | "stall-mid" // send a few tokens, then no event (only keep-alive comments, with `pingMs`)
  | "idle-deltas" // send a few tokens, then only empty deltas and whitespace, forever
  | "drop" // send a few tokens, then break the connection
  | "trickle" // send every event a few bytes at a time
  | "malformed" // a data line that is not JSON, mid-stream
  | "error-line" // llama.cpp: an `error: {json}` line mid-stream, then `[DONE]`
  | "error-eof" // Ollama: an empty delta mid-stream, then the end without `[DONE]`
  | "error-data" // vLLM: a `data: {"error":…}` event mid-stream, then `[DONE]`
  | "busy" // 503 before streaming, as llama.cpp answers while it loads the model
  | "crash"; // 500 before streaming

/** How a model's reasoning reaches the client. */
export type ReasoningStyle = "reasoning" | "reasoning_content" | "inline" | "none";

/** A model the fake pretends to serve. */
export interface FakeOpenAiModel {
  id: string;
  ownedBy?: string;
  /** Takes image content parts; other models refuse them with a 400. */
  vision?: boolean;
  /** Where its reasoning goes: Ollama's field, llama.cpp's and vLLM's field, or inline tags. */
  reasoning?: ReasoningStyle;
}

/** One request the fake received, for assertions. */
export interface OpenAiRecordedRequest {
  method: string;
  path: string;
  body: unknown;
  /** Request headers, names in lower case. */
  headers: Record<string, string>;
  at: number;
  /** The client went away before the answer was complete. */
  closedByClient: boolean;
}

/** Settings of the fake; all can be changed while it runs with `set()`. */
export interface FakeOpenAiOptions {
  port?: number;
  hostname?: string;
  models?: FakeOpenAiModel[];
  /** How an empty model list is written: Ollama's `"data": null` or everyone else's `[]`. */
  emptyList?: "null" | "array";
  /** List each model's input modalities as llama.cpp does (`architecture.input_modalities`). */
  listModalities?: boolean;
  /** When set, every route wants `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** "new": role on the first delta, a finish chunk of its own; "old": role on every delta. */
  chunkStyle?: "new" | "old";
  lineEnding?: "\n" | "\r\n" | "\r";
  /** Error bodies as OpenAI and llama.cpp write them, as LM Studio does, or as older vLLM does. */
  errorStyle?: "openai" | "string" | "vllm";
  /** The `response_format` types accepted besides `text`; others are refused with a 400. */
  formats?: ("json_object" | "json_schema")[];
  /** Whether `stream_options` is known; a strict server without it refuses the field. */
  streamOptions?: boolean;
  /** Milliseconds between tokens. */
  tokenDelayMs?: number;
  /** Milliseconds between keep-alive comments (`: ping`) on an open stream; 0 sends none. */
  pingMs?: number;
  /** Bytes per write, and milliseconds between writes, for the `trickle` fault. */
  trickleBytes?: number;
  trickleMs?: number;
  fault?: OpenAiFault;
  /** Builds the reply text; the default is the Ollama fake's, so both fakes write the same. */
  reply?: (messages: { role: string; content: string }[], seed?: number) => string;
  /** Reasoning text for models that reason. */
  reasoning?: string;
  /** Escape `<`, `>` and `&` in JSON as Go does (Ollama's `/v1`). */
  goEscape?: boolean;
  /** Add llama.cpp's `timings` to the final chunk. */
  timings?: boolean;
}

/** A running fake with its address, its request log and live connection counters. */
export interface FakeOpenAi extends StreamCounters {
  url: string;
  port: number;
  requests: OpenAiRecordedRequest[];
  /** Changes settings; resolves once they hold (for `refuse`, once the port is closed or open). */
  set(options: Partial<FakeOpenAiOptions>): Promise<void>;
  chatRequests(): Record<string, unknown>[];
  close(): Promise<void>;
}

const DEFAULT_MODELS: FakeOpenAiModel[] = [
  { id: "qwen3:latest", ownedBy: "library", reasoning: "reasoning" },
  { id: "llama3.2:latest", ownedBy: "library" },
  { id: "deepseek-r1-distill-qwen-7b", reasoning: "reasoning_content" },
  { id: "legacy-r1", reasoning: "inline" },
  { id: "gemma-3-4b-it", vision: true },
];

const ROLES = ["system", "user", "assistant", "tool", "developer"];
const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];

type Settings = Required<Omit<FakeOpenAiOptions, "port" | "hostname" | "apiKey">> & {
  apiKey?: string;
};

/** Starts the fake on loopback (a random port unless one is given). */
export function startFakeOpenAi(options: FakeOpenAiOptions = {}): FakeOpenAi {
  const state: Settings = {
    models: options.models ?? DEFAULT_MODELS,
    emptyList: options.emptyList ?? "null",
    listModalities: options.listModalities ?? false,
    apiKey: options.apiKey,
    chunkStyle: options.chunkStyle ?? "new",
    lineEnding: options.lineEnding ?? "\n",
    errorStyle: options.errorStyle ?? "openai",
    formats: options.formats ?? ["json_object", "json_schema"],
    streamOptions: options.streamOptions ?? true,
    tokenDelayMs: options.tokenDelayMs ?? 0,
    pingMs: options.pingMs ?? 0,
    trickleBytes: options.trickleBytes ?? 3,
    trickleMs: options.trickleMs ?? 1,
    fault: options.fault ?? "none",
    reply: options.reply ?? defaultReply,
    reasoning: options.reasoning ??
      "The user wants an image prompt. I should think about light & mood <carefully>.",
    goEscape: options.goEscape ?? false,
    timings: options.timings ?? false,
  };
  const hostname = options.hostname ?? "127.0.0.1";
  const requests: OpenAiRecordedRequest[] = [];
  const counts = new StreamCounts();
  let nextId = 0;
  const encoder = new TextEncoder();

  const json = (value: unknown) => state.goEscape ? goJson(value) : JSON.stringify(value);

  function reply(status: number, body: unknown): Response {
    return new Response(json(body), {
      status,
      headers: { "content-type": "application/json; charset=utf-8" },
    });
  }

  function errorReply(
    status: number,
    message: string,
    type: string,
    param: string | null = null,
    code: string | null = null,
  ): Response {
    if (state.errorStyle === "string") return reply(status, { error: message });
    if (state.errorStyle === "vllm") {
      const names: Record<number, string> = {
        400: "BadRequestError",
        401: "AuthenticationError",
        404: "NotFoundError",
      };
      return reply(status, {
        object: "error",
        message,
        type: names[status] ?? "InternalServerError",
        param,
        code: status,
      });
    }
    return reply(status, { error: { message, type, param, code } });
  }

  function badRequest(message: string, param: string | null = null): Response {
    return errorReply(400, message, "invalid_request_error", param);
  }

  function findModel(id: unknown): FakeOpenAiModel | undefined {
    return typeof id === "string" ? state.models.find((m) => m.id === id) : undefined;
  }

  function modelEntry(model: FakeOpenAiModel, index: number): Json {
    const entry: Json = {
      id: model.id,
      object: "model",
      created: 1_730_000_000 + index,
      owned_by: model.ownedBy ?? "organization_owner",
    };
    if (state.listModalities) {
      entry.architecture = {
        input_modalities: model.vision ? ["text", "image"] : ["text"],
        output_modalities: ["text"],
      };
    }
    return entry;
  }

  function unauthorized(req: Request): Response | null {
    if (!state.apiKey) return null;
    const header = req.headers.get("authorization");
    if (!header) {
      return errorReply(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization " +
          "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        "invalid_request_error",
      );
    }
    const given = header.startsWith("Bearer ") ? header.slice(7) : header;
    if (given === state.apiKey) return null;
    // Quoting the key back in full is the worst a server does; clients must not show it.
    return errorReply(
      401,
      `Incorrect API key provided: ${given}.`,
      "invalid_request_error",
      null,
      "invalid_api_key",
    );
  }

  /** Text and image count of the messages, or the 400 a server gives for a wrong one. */
  function readMessages(
    raw: unknown,
  ): { messages: { role: string; content: string }[]; images: number } | Response {
    if (!Array.isArray(raw)) {
      return badRequest("Missing required parameter: 'messages'.", "messages");
    }
    if (raw.length === 0) return badRequest("[] is too short - 'messages'", "messages");
    const messages: { role: string; content: string }[] = [];
    let images = 0;
    for (let i = 0; i < raw.length; i++) {
      const m = raw[i];
      const where = `messages[${i}]`;
      if (!isObject(m)) {
        return badRequest(`Invalid type for '${where}': expected an object.`, where);
      }
      if (typeof m.role !== "string" || !ROLES.includes(m.role)) {
        return badRequest(
          `Invalid value: '${String(m.role)}'. Supported values are: 'system', 'assistant', ` +
            `'user', 'tool', and 'developer'.`,
          `${where}.role`,
        );
      }
      if (typeof m.content === "string" || (m.content === null && m.role === "assistant")) {
        messages.push({ role: m.role, content: m.content ?? "" });
        continue;
      }
      if (!Array.isArray(m.content)) {
        return badRequest(
          `Invalid type for '${where}.content': expected a string or an array of parts.`,
          `${where}.content`,
        );
      }
      const texts: string[] = [];
      for (let j = 0; j < m.content.length; j++) {
        const part = m.content[j];
        const at = `${where}.content[${j}]`;
        if (isObject(part) && part.type === "text" && typeof part.text === "string") {
          texts.push(part.text);
          continue;
        }
        if (!isObject(part) || part.type !== "image_url") {
          return badRequest(`Invalid content part at '${at}'.`, at);
        }
        const url = isObject(part.image_url) ? part.image_url.url : undefined;
        if (typeof url !== "string" || !validImageUrl(url)) {
          return badRequest(
            "Invalid image URL: expected a base64-encoded data URL with an image type.",
            `${at}.image_url.url`,
          );
        }
        images++;
      }
      messages.push({ role: m.role, content: texts.join("\n") });
    }
    return { messages, images };
  }

  function validImageUrl(url: string): boolean {
    const comma = url.indexOf(";base64,");
    if (!url.startsWith("data:") || comma < 0) return false;
    if (!IMAGE_TYPES.includes(url.slice(5, comma))) return false;
    try {
      return atob(url.slice(comma + 8)).length > 0;
    } catch {
      return false;
    }
  }

  /** Held until the client goes away, the fake closes or its port does. */
  function stall(req: Request, record: OpenAiRecordedRequest): Promise<Response> {
    return counts.hold(req.signal, () => {
      if (req.signal.aborted) record.closedByClient = true;
      return new Response("", { status: 503 });
    });
  }

  async function chat(
    req: Request,
    body: Json,
    record: OpenAiRecordedRequest,
  ): Promise<Response> {
    if (typeof body.model !== "string" || body.model === "") {
      return badRequest("you must provide a model parameter", "model");
    }
    const read = readMessages(body.messages);
    if (read instanceof Response) return read;
    const model = findModel(body.model);
    if (!model) {
      return errorReply(404, `model '${body.model}' not found`, "not_found_error", "model");
    }
    if (read.images > 0 && !model.vision) {
      return badRequest(`image input is not supported by model '${model.id}'`, "messages");
    }
    const { temperature, seed } = body;
    if (
      temperature !== undefined &&
      (typeof temperature !== "number" || temperature < 0 || temperature > 2)
    ) {
      return badRequest(
        `Invalid 'temperature': expected a number between 0 and 2, got ${json(temperature)}.`,
        "temperature",
      );
    }
    if (seed !== undefined && !Number.isSafeInteger(seed)) {
      return badRequest(`Invalid 'seed': expected an integer, got ${json(seed)}.`, "seed");
    }
    const maxTokens = body.max_tokens ?? body.max_completion_tokens;
    if (maxTokens !== undefined && maxTokens !== null && maxTokens !== -1) {
      if (!Number.isSafeInteger(maxTokens) || (maxTokens as number) < 1) {
        return badRequest(
          `Invalid 'max_tokens': expected a positive integer, got ${json(maxTokens)}.`,
          "max_tokens",
        );
      }
    }
    if (body.stream !== undefined && typeof body.stream !== "boolean") {
      return badRequest(`Invalid type for 'stream': expected a boolean.`, "stream");
    }
    const stream = body.stream === true;
    if (body.stream_options !== undefined && body.stream_options !== null && !stream) {
      return badRequest(
        "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        "stream_options",
      );
    }
    if (body.stream_options !== undefined && !state.streamOptions) {
      return badRequest("Unrecognized request argument supplied: stream_options");
    }
    const format = body.response_format;
    let jsonMode: { schema?: unknown } | null = null;
    if (format !== undefined && format !== null) {
      if (!isObject(format) || typeof format.type !== "string") {
        return badRequest("Invalid 'response_format': expected an object with a 'type'.");
      }
      if (format.type === "json_object" || format.type === "json_schema") {
        if (!state.formats.includes(format.type)) {
          // LM Studio's words, naming what it does take.
          const allowed = ["json_schema", "json_object"].filter((t) =>
            state.formats.includes(t as "json_schema")
          );
          return reply(400, {
            error: `'response_format.type' must be ${
              [...allowed, "text"].map((t) => `'${t}'`).join(" or ")
            }`,
          });
        }
        if (format.type === "json_schema") {
          const spec = format.json_schema;
          if (!isObject(spec) || !isObject(spec.schema)) {
            return badRequest(
              "Missing required parameter: 'response_format.json_schema.schema'.",
              "response_format.json_schema.schema",
            );
          }
          jsonMode = { schema: spec.schema };
        } else jsonMode = {};
      } else if (format.type !== "text") {
        return badRequest(
          `Invalid value: '${format.type}'. Supported values are: 'text', 'json_object', and ` +
            `'json_schema'.`,
          "response_format.type",
        );
      }
    }
    const fault = state.fault;
    if (fault === "busy") return errorReply(503, "Loading model", "unavailable_error");
    if (fault === "crash") {
      return errorReply(500, "llama runner process has terminated: exit status 2", "api_error");
    }
    if (fault === "stall-headers") return await stall(req, record);

    // Same seed, same reply; a positive temperature without a seed varies it, as sampling does.
    const variant = typeof seed === "number"
      ? seed
      : typeof temperature === "number" && temperature > 0
      ? Math.floor(Math.random() * 1e9)
      : undefined;
    const replyText = state.reply(read.messages, variant);
    const content0 = jsonMode ? jsonReply(jsonMode.schema, replyText) : replyText;
    const style = model.reasoning ?? "none";
    const content = style === "inline"
      ? `<think>\n${state.reasoning}\n</think>\n\n${content0}`
      : content0;
    let thinkPieces = style === "reasoning" || style === "reasoning_content"
      ? words(state.reasoning)
      : [];
    let pieces = words(content);
    let finish = "stop";
    if (typeof maxTokens === "number" && maxTokens > 0) {
      if (thinkPieces.length + pieces.length > maxTokens) finish = "length";
      thinkPieces = thinkPieces.slice(0, maxTokens);
      pieces = pieces.slice(0, Math.max(0, maxTokens - thinkPieces.length));
    }
    const promptTokens = read.messages.reduce((n, m) => n + 4 + words(m.content).length, 0);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: thinkPieces.length + pieces.length,
      total_tokens: promptTokens + thinkPieces.length + pieces.length,
    };
    const id = `chatcmpl-${nextId++ % 999}`;
    const created = Math.floor(Date.now() / 1000);
    // Key order as the servers write it: id, object, created, model, fingerprint, choices.
    const head = (object: string) => ({
      id,
      object,
      created,
      model: model.id,
      system_fingerprint: "fp_fake",
    });
    const field = style === "reasoning_content" ? "reasoning_content" : "reasoning";

    if (!stream) {
      const message: Json = { role: "assistant", content: pieces.join("") };
      if (thinkPieces.length) message[field] = thinkPieces.join("");
      return reply(200, {
        ...head("chat.completion"),
        choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
        usage,
      });
    }

    const le = state.lineEnding;
    const old = state.chunkStyle === "old";
    const includeUsage = isObject(body.stream_options) &&
      body.stream_options.include_usage === true;
    const chunk = (delta: Json, finishReason: string | null = null): Json => ({
      ...head("chat.completion.chunk"),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    });
    const data = (value: unknown) => `data: ${json(value)}${le}${le}`;
    const started = performance.now();
    const ac = new AbortController();
    const stopOnShutdown = () => ac.abort();
    lifetime.signal.addEventListener("abort", stopOnShutdown, { once: true });
    ac.signal.addEventListener(
      "abort",
      () => lifetime.signal.removeEventListener("abort", stopOnShutdown),
      { once: true },
    );
    const end = counts.open();
    const finishStream = (cancelled: boolean) => {
      if (end(cancelled) && cancelled) record.closedByClient = true;
    };
    let pinger: ReturnType<typeof setInterval> | undefined;
    const events = new ReadableStream<Uint8Array>({
      start(controller) {
        let open = true;
        const close = () => {
          if (!open) return;
          open = false;
          clearInterval(pinger);
          try {
            controller.close();
          } catch {
            // The client cancelled the stream already.
          }
          finishStream(false);
        };
        const enqueue = (text: string) => {
          if (open && !ac.signal.aborted) controller.enqueue(encoder.encode(text));
        };
        const write = async (text: string) => {
          if (state.fault !== "trickle") return enqueue(text);
          const bytes = encoder.encode(text);
          for (
            let at = 0;
            at < bytes.length && open && !ac.signal.aborted;
            at += state.trickleBytes
          ) {
            controller.enqueue(bytes.slice(at, at + state.trickleBytes));
            await sleep(state.trickleMs, ac.signal);
          }
        };
        // Silent until the client goes away or the fake stops.
        const forever = () =>
          new Promise<void>((resolve) => {
            if (ac.signal.aborted) return resolve();
            ac.signal.addEventListener("abort", () => resolve(), { once: true });
          });
        if (state.pingMs > 0) pinger = setInterval(() => enqueue(`: ping${le}${le}`), state.pingMs);
        const run = async () => {
          if (fault === "stall-start") return await forever();
          if (!old) await write(data(chunk({ role: "assistant", content: "" })));
          for (const t of thinkPieces) {
            if (ac.signal.aborted) return;
            await write(
              data(chunk(old ? { role: "assistant", content: "", [field]: t } : { [field]: t })),
            );
            await sleep(state.tokenDelayMs, ac.signal);
          }
          for (let i = 0; i < pieces.length; i++) {
            if (ac.signal.aborted) return;
            await write(
              data(chunk(old ? { role: "assistant", content: pieces[i] } : { content: pieces[i] })),
            );
            if (i === 2 && fault !== "none" && fault !== "trickle") {
              if (await misbehave()) return;
            }
            await sleep(state.tokenDelayMs, ac.signal);
          }
          if (ac.signal.aborted) return;
          const last = chunk(old ? { role: "assistant", content: "" } : {}, finish);
          if (state.timings) {
            last.timings = {
              prompt_n: usage.prompt_tokens,
              prompt_ms: 12.5,
              predicted_n: usage.completion_tokens,
              predicted_ms: Math.max(1, performance.now() - started),
            };
          }
          await write(data(last));
          if (includeUsage) {
            await write(data({ ...head("chat.completion.chunk"), choices: [], usage }));
          }
          await write(`data: [DONE]${le}${le}`);
          close();
        };
        /** Injects the fault after a few tokens; true when the stream is over. */
        const misbehave = async (): Promise<boolean> => {
          switch (fault) {
            case "stall-mid":
              await forever();
              return true;
            case "idle-deltas":
              while (!ac.signal.aborted && open) {
                enqueue(data(chunk({ content: "" })));
                enqueue(data(chunk({ content: " \n" })));
                enqueue(data(chunk({})));
                await sleep(Math.max(state.tokenDelayMs, 10), ac.signal);
              }
              return true;
            case "drop":
              open = false;
              clearInterval(pinger);
              // Deno prints the reason; a line of text keeps test output readable.
              controller.error("fake OpenAI server: dropped the connection (the drop fault)");
              finishStream(false);
              return true;
            case "malformed":
              enqueue(`data: {"id":"${id}","choices":[{"delta":{"content":"oops"}${le}${le}`);
              return false;
            case "error-line":
              // llama.cpp: its own `error` field, then the `[DONE]` it always ends with.
              enqueue(
                `error: ${
                  json({ code: 500, message: "CUDA error: out of memory", type: "server_error" })
                }${le}${le}`,
              );
              enqueue(`data: [DONE]${le}${le}`);
              close();
              return true;
            case "error-eof":
              // Ollama's `/v1` turns the NDJSON error line into an empty chunk and stops.
              enqueue(data(chunk({ role: "assistant", content: "" })));
              close();
              return true;
            case "error-data":
              enqueue(data({
                error: {
                  message: "an error was encountered while running the model",
                  type: "server_error",
                  param: null,
                  code: null,
                },
              }));
              enqueue(`data: [DONE]${le}${le}`);
              close();
              return true;
          }
          return false;
        };
        // However the run ends, the stream ends with it, so the server can shut down.
        run().catch(() => finishStream(true)).finally(close);
      },
      cancel() {
        ac.abort();
        clearInterval(pinger);
        finishStream(true);
      },
    });
    req.signal.addEventListener("abort", () => {
      ac.abort();
      clearInterval(pinger);
      finishStream(true);
    }, { once: true });
    return new Response(events, {
      headers: {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
      },
    });
  }

  async function handle(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    const method = req.method;
    const raw = method === "POST" ? await req.text() : "";
    let body: unknown = raw || undefined;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // Recorded as raw text.
    }
    const record: OpenAiRecordedRequest = {
      method,
      path,
      body,
      headers: Object.fromEntries(req.headers),
      at: Date.now(),
      closedByClient: false,
    };
    requests.push(record);

    if (!path.startsWith("/v1/")) {
      // LM Studio answers paths it does not know with a 200 and an error; others with a 404.
      const message = `Unexpected endpoint or method. (${method} ${path})`;
      return state.errorStyle === "string"
        ? reply(200, { error: message })
        : errorReply(404, message, "invalid_request_error");
    }
    const denied = unauthorized(req);
    if (denied) return denied;

    if (method === "GET" && path === "/v1/models") {
      const data = state.models.map(modelEntry);
      return reply(200, {
        object: "list",
        data: data.length || state.emptyList === "array" ? data : null,
      });
    }
    if (method === "GET" && path.startsWith("/v1/models/")) {
      const id = decodeURIComponent(path.slice("/v1/models/".length));
      const index = state.models.findIndex((m) => m.id === id);
      if (index < 0) return errorReply(404, `model '${id}' not found`, "not_found_error", "model");
      return reply(200, modelEntry(state.models[index]!, index));
    }
    if (method === "POST" && path === "/v1/chat/completions") {
      if (!isObject(body)) {
        return badRequest(
          "We could not parse the JSON body of your request. The OpenAI API expects a JSON " +
            "payload, but what was sent was not valid JSON.",
        );
      }
      return await chat(req, body, record);
    }
    return errorReply(404, `Invalid URL (${method} ${path})`, "invalid_request_error");
  }

  /** Aborted when the port closes: every stream of this listening period ends. */
  let lifetime = new AbortController();

  function listen(port: number): Deno.HttpServer<Deno.NetAddr> {
    lifetime = new AbortController();
    return Deno.serve({ port, hostname, onListen: () => {} }, handle);
  }

  let server: Deno.HttpServer<Deno.NetAddr> | null = listen(options.port ?? 0);
  const port = server.addr.port;
  let transition = Promise.resolve();

  async function stopListening(): Promise<void> {
    counts.releaseAll();
    lifetime.abort();
    const running = server;
    server = null;
    await running?.shutdown();
  }

  return counts.on<FakeOpenAi>({
    url: `http://${hostname}:${port}`,
    port,
    requests,
    set(update) {
      const before = state.fault;
      Object.assign(
        state,
        Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined)),
      );
      if (before !== "refuse" && state.fault === "refuse") {
        transition = transition.then(stopListening);
      } else if (before === "refuse" && state.fault !== "refuse") {
        transition = transition.then(() => {
          server = listen(port);
        });
      }
      return transition;
    },
    chatRequests() {
      return requests.filter((r) => r.path === "/v1/chat/completions").map((r) => r.body as Json);
    },
    async close() {
      await transition;
      await stopListening();
    },
  });
}

if (import.meta.main) {
  const port = Number(Deno.env.get("FAKE_OPENAI_PORT") ?? 1234);
  const delay = Number(Deno.env.get("FAKE_OPENAI_TOKEN_DELAY_MS") ?? 40);
  const fake = startFakeOpenAi({
    port,
    tokenDelayMs: delay,
    apiKey: Deno.env.get("FAKE_OPENAI_API_KEY") || undefined,
    chunkStyle: Deno.env.get("FAKE_OPENAI_CHUNK_STYLE") === "old" ? "old" : "new",
  });
  // deno-lint-ignore no-console
  console.log(
    `Fake OpenAI-compatible server on ${fake.url}/v1 with models ${
      DEFAULT_MODELS.map((m) => m.id).join(", ")
    } (${delay} ms per token). Ctrl+C stops it.`,
  );
}
