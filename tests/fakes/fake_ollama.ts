/**
 * A fake Ollama server that speaks the native protocol as the wire reference describes it:
 * NDJSON streams with Go-style escaping, omitted zero metrics, `thinking` fields, the real error
 * bodies and statuses, and a set of faults (hangs, truncation, malformed lines, mid-stream errors).
 * Tests start it on a random loopback port; `deno task fake-ollama` serves it on 11434 for people.
 */

import {
  defaultReply,
  goJson,
  jsonReply,
  type SeenImage,
  sleep,
  type StreamCounters,
  StreamCounts,
  words,
} from "./fake_common.ts";

/** A fault the fake can inject into `/api/chat` and `/api/generate`. */
export type Fault =
  | "none"
  | "hang" // accept the connection, never answer
  | "slow-first-byte" // wait `slowMs` before the headers
  | "hang-mid" // send a few tokens, then go silent forever
  | "malformed" // a non-JSON line in the middle of the stream
  | "mid-error" // an {"error"} line after some tokens, HTTP 200
  | "load-fail" // 500 before streaming, as a failed model load
  | "busy" // 503 server busy
  | "truncate" // close the stream before the done chunk
  | "huge" // a very long reply
  | "empty-chunks" // interleave chunks whose content is ""
  | "final-text"; // put the last words on the done chunk

/** A model the fake pretends to have installed. */
export interface FakeModel {
  name: string;
  capabilities: string[];
  /** Reasoning comes inline as <think> tags (pre-0.9 Ollama behaviour) instead of a field. */
  inlineThink?: boolean;
  digest?: string;
}

/** One request the fake received, for assertions. */
export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  /** Request headers, names in lower case. */
  headers: Record<string, string>;
  at: number;
}

/** Settings of the fake; all can be changed while it runs with `set()`. */
export interface FakeOllamaOptions {
  port?: number;
  hostname?: string;
  version?: string;
  models?: FakeModel[];
  /** Milliseconds between tokens. */
  tokenDelayMs?: number;
  /** Milliseconds before the first byte for the `slow-first-byte` fault. */
  slowMs?: number;
  fault?: Fault;
  /** How many words the `huge` fault sends. */
  hugeWords?: number;
  /** Builds the reply text from the request; the default writes a prompt that echoes the idea. */
  reply?: (
    messages: { role: string; content: string; seen?: SeenImage[] }[],
    seed?: number,
  ) => string;
  /** Thinking text for thinking models. */
  reasoning?: string;
  /** Benchmarks: each token is its own send time in epoch milliseconds (`"1732430000123.456 "`). */
  stamp?: boolean;
  /** Benchmarks: how many tokens a stamped reply has. */
  stampTokens?: number;
  /**
   * Benchmarks: stamped tokens after the first go out on one shared clock (every `tokenDelayMs`
   * since the epoch), so all open streams send each token in the same burst whenever they began.
   */
  stampSharedClock?: boolean;
  /**
   * What a `format` (JSON schema or "json") gets: `follow` answers JSON that fits it, as a
   * current Ollama does; `refuse` answers 400 as a server from before structured outputs;
   * `invalid` streams a JSON object that never closes, as a model that ran away.
   */
  formatReplies?: "follow" | "refuse" | "invalid";
  /** Answers 500 for requests this returns true for (per-request failures in batches). */
  failWhen?: (messages: { role: string; content: string }[]) => boolean;
}

/** A running fake with its address, its request log and live connection counters. */
export interface FakeOllama extends StreamCounters {
  url: string;
  port: number;
  requests: RecordedRequest[];
  set(options: Partial<FakeOllamaOptions>): void;
  chatRequests(): Record<string, unknown>[];
  close(): Promise<void>;
}

const DEFAULT_MODELS: FakeModel[] = [
  { name: "qwen3:latest", capabilities: ["completion", "tools", "thinking"] },
  { name: "llama3.2:latest", capabilities: ["completion", "tools"] },
  { name: "deepseek-r1:legacy", capabilities: ["completion"], inlineThink: true },
  { name: "gemma3:4b", capabilities: ["completion", "vision"] },
];

/**
 * Reads an image's header as a vision model's image loader would (Go's `image.DecodeConfig`):
 * PNG, JPEG, WebP and GIF; anything else is "unknown format", as Ollama says.
 */
export function seeImage(bytes: Uint8Array): SeenImage | null {
  const at = (i: number) => bytes[i] ?? 0;
  const be16 = (i: number) => (at(i) << 8) | at(i + 1);
  const le16 = (i: number) => at(i) | (at(i + 1) << 8);
  const text = (i: number, n: number) => String.fromCharCode(...bytes.subarray(i, i + n));
  if (text(1, 3) === "PNG" && text(12, 4) === "IHDR") {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return {
      format: "png",
      width: view.getUint32(16),
      height: view.getUint32(20),
      bytes: bytes.length,
    };
  }
  if (at(0) === 0xff && at(1) === 0xd8) {
    for (let i = 2; i + 9 < bytes.length;) {
      if (at(i) !== 0xff) return null;
      const marker = at(i + 1);
      if (marker >= 0xc0 && marker <= 0xc3) {
        return { format: "jpeg", width: be16(i + 7), height: be16(i + 5), bytes: bytes.length };
      }
      i += 2 + be16(i + 2);
    }
    return null;
  }
  if (text(0, 4) === "RIFF" && text(8, 4) === "WEBP") {
    return { format: "webp", width: 0, height: 0, bytes: bytes.length };
  }
  if (text(0, 4) === "GIF8") {
    return { format: "gif", width: le16(6), height: le16(8), bytes: bytes.length };
  }
  return null;
}

/** The images of a chat or generate request, decoded as Go decodes `[]byte`: strict base64. */
function decodeImages(list: unknown): Uint8Array[] | { badByte: number } {
  const out: Uint8Array[] = [];
  for (const item of Array.isArray(list) ? list : []) {
    const text = String(item);
    const bad = text.search(/[^A-Za-z0-9+/=]/);
    if (bad >= 0 || text.length % 4 !== 0) return { badByte: bad >= 0 ? bad : text.length };
    out.push(Uint8Array.fromBase64(text));
  }
  return out;
}

function goTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, "Z");
}

function errorJson(status: number, message: string): Response {
  return new Response(goJson({ error: message }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

/** Starts the fake on loopback (a random port unless one is given). */
export function startFakeOllama(options: FakeOllamaOptions = {}): FakeOllama {
  const state: Required<Omit<FakeOllamaOptions, "port" | "hostname">> = {
    version: options.version ?? "0.12.6",
    models: options.models ?? DEFAULT_MODELS,
    tokenDelayMs: options.tokenDelayMs ?? 0,
    slowMs: options.slowMs ?? 1500,
    fault: options.fault ?? "none",
    hugeWords: options.hugeWords ?? 20_000,
    reply: options.reply ?? defaultReply,
    reasoning: options.reasoning ??
      "The user wants an image prompt. I should think about light & mood <carefully>.",
    stamp: options.stamp ?? false,
    stampTokens: options.stampTokens ?? 40,
    stampSharedClock: options.stampSharedClock ?? false,
    failWhen: options.failWhen ?? (() => false),
    formatReplies: options.formatReplies ?? "follow",
  };
  const requests: RecordedRequest[] = [];
  const counts = new StreamCounts();
  const shutdown = new AbortController();

  function findModel(name: unknown): FakeModel | undefined {
    if (typeof name !== "string") return undefined;
    const full = name.includes(":") ? name : `${name}:latest`;
    return state.models.find((m) => m.name === full || m.name === name);
  }

  async function readBody(req: Request): Promise<
    { ok: true; body: Record<string, unknown> } | {
      ok: false;
      res: Response;
    }
  > {
    const text = await req.text();
    if (!text) return { ok: false, res: errorJson(400, "missing request body") };
    try {
      const body = JSON.parse(text);
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        return {
          ok: false,
          res: errorJson(400, "json: cannot unmarshal array into Go value of type api.ChatRequest"),
        };
      }
      return { ok: true, body };
    } catch {
      const ch = text.trim()[0] ?? "";
      const message = text.trim().length === 0 || /^[{\[]/.test(text.trim())
        ? "unexpected EOF"
        : `invalid character '${ch}' looking for beginning of value`;
      return { ok: false, res: errorJson(400, message) };
    }
  }

  function modelList() {
    return state.models.map((m, i) => ({
      name: m.name,
      model: m.name,
      modified_at: "2025-10-26T17:21:21.196249-07:00",
      size: 2_019_393_189 + i,
      digest: m.digest ?? `${(i + 1).toString(16).padStart(2, "0")}${"a8".repeat(31)}`,
      details: {
        parent_model: "",
        format: "gguf",
        family: m.name.split(/[:.\d]/)[0],
        families: [m.name.split(/[:.\d]/)[0]],
        parameter_size: "3.2B",
        quantization_level: "Q4_K_M",
      },
      capabilities: m.capabilities,
    }));
  }

  function generation(
    req: Request,
    body: Record<string, unknown>,
    kind: "chat" | "generate",
  ): Response | Promise<Response> {
    // Images are decoded with the body (Go's []byte), so bad base64 fails before anything else.
    const messageList = kind === "chat" && Array.isArray(body.messages)
      ? body.messages as Record<string, unknown>[]
      : [];
    const imageLists = kind === "chat" ? messageList.map((m) => m?.images) : [body.images];
    const decoded = imageLists.map(decodeImages);
    const badBase64 = decoded.find((d) => !Array.isArray(d)) as { badByte: number } | undefined;
    if (badBase64) return errorJson(400, `illegal base64 data at input byte ${badBase64.badByte}`);
    const model = findModel(body.model);
    if (kind === "chat" && (typeof body.model !== "string" || body.model === "")) {
      return errorJson(400, "model is required");
    }
    if (!model) return errorJson(404, `model '${String(body.model ?? "")}' not found`);
    const think = body.think;
    if (think !== undefined && think !== false && !model.capabilities.includes("thinking")) {
      return errorJson(400, `"${String(body.model)}" does not support thinking`);
    }
    if (
      think !== undefined && typeof think !== "boolean" &&
      !["low", "medium", "high", "max"].includes(String(think))
    ) {
      return errorJson(
        400,
        `invalid think value: "${
          String(think)
        }" (must be "high", "medium", "low", "max", true, or false)`,
      );
    }
    const format = body.format;
    const wantsFormat = format !== undefined && format !== null && format !== "";
    if (wantsFormat && format !== "json" && (typeof format !== "object" || Array.isArray(format))) {
      return errorJson(
        500,
        `invalid format: ${goJson(format)}; expected "json" or a valid JSON Schema object`,
      );
    }
    if (wantsFormat && state.formatReplies === "refuse") {
      // What Ollama said before 0.5 took schemas: `format` was a string field.
      return errorJson(
        400,
        "json: cannot unmarshal object into Go struct field ChatRequest.format of type string",
      );
    }
    const sentImages = (decoded as Uint8Array[][]).flat();
    if (sentImages.length && !model.capabilities.includes("vision")) {
      // The runner fails before any output, so it is a plain 500 even when streaming.
      return errorJson(
        500,
        "Failed to create new sequence: failed to process inputs: this model is missing data required for image input",
      );
    }
    const seen = sentImages.map(seeImage);
    if (seen.some((s) => s === null)) {
      return errorJson(
        500,
        "Failed to create new sequence: failed to process inputs: image: unknown format",
      );
    }
    const options = (body.options ?? {}) as Record<string, unknown>;
    if (options.temperature !== undefined && typeof options.temperature !== "number") {
      return errorJson(500, `option "temperature" must be of type float32`);
    }
    const messages = kind === "chat"
      ? messageList.map((m, i) => {
        const images = decoded[i] as Uint8Array[];
        const message = m as { role: string; content: string };
        return images.length ? { ...message, seen: images.map((b) => seeImage(b)!) } : message;
      })
      : [
        ...(typeof body.system === "string" ? [{ role: "system", content: body.system }] : []),
        {
          role: "user",
          content: String(body.prompt ?? ""),
          ...(sentImages.length ? { seen: seen as SeenImage[] } : {}),
        },
      ];
    const stream = body.stream !== false;
    const fault = state.fault;
    const empty = kind === "chat"
      ? !Array.isArray(body.messages) || body.messages.length === 0
      : typeof body.prompt !== "string" || body.prompt === "";
    if (empty) {
      // An empty request loads the model, or unloads it with keep_alive 0: one object, never a stream.
      const reason = body.keep_alive === 0 || body.keep_alive === "0" ? "unload" : "load";
      const base: Record<string, unknown> = { model: model.name, created_at: goTime(Date.now()) };
      if (kind === "chat") base.message = { role: "assistant", content: "" };
      else base.response = "";
      return new Response(goJson({ ...base, done: true, done_reason: reason }), {
        headers: { "content-type": "application/json; charset=utf-8" },
      });
    }
    if (fault === "load-fail") {
      return errorJson(500, "llama runner process has terminated: exit status 2");
    }
    if (fault === "busy") {
      return errorJson(503, "server busy, please try again. maximum pending requests exceeded");
    }
    if (state.failWhen(messages)) return errorJson(500, "model runner crashed on this request");

    const seed = typeof options.seed === "number" && options.seed >= 0 ? options.seed : undefined;
    let text = state.reply(messages, seed);
    // Reasoning before an orphan </think> stays outside the JSON, as the model writes it first.
    const close = text.lastIndexOf("</think>");
    const before = close < 0 ? "" : text.slice(0, close + 8);
    if (close >= 0) text = text.slice(close + 8);
    if (wantsFormat && state.formatReplies === "follow") {
      text = jsonReply(format === "json" ? undefined : format, text);
    } else if (wantsFormat && state.formatReplies === "invalid") {
      text = `{"positive": "${text.split(/\s+/).slice(0, 6).join(" ")}, and then it rambles`;
    }
    text = before + text;
    if (fault === "huge") {
      text = Array.from({ length: state.hugeWords }, (_, i) => `w${i}`).join(" ");
    }
    const thinks = model.capabilities.includes("thinking") && think !== false;
    let reasoning = thinks ? state.reasoning : "";
    if (model.inlineThink) {
      text = `<think>\n${state.reasoning}\n</think>\n\n${text}`;
      reasoning = "";
    }
    const started = Date.now();

    const chunkOf = (content: string, thinking: string, done: boolean, extra = {}) => {
      const base: Record<string, unknown> = { model: model.name, created_at: goTime(Date.now()) };
      if (kind === "chat") {
        const message: Record<string, unknown> = { role: "assistant", content };
        if (thinking) message.thinking = thinking;
        base.message = message;
      } else {
        base.response = content;
        if (thinking) base.thinking = thinking;
      }
      base.done = done;
      return { ...base, ...extra };
    };
    const finalStats = (evalCount: number) => {
      const stats: Record<string, unknown> = {
        done_reason: "stop",
        total_duration: (Date.now() - started) * 1e6 + 1234,
        load_duration: 5_338_219,
        prompt_eval_count: 26,
        prompt_eval_duration: 130_079_000,
        eval_count: evalCount,
        eval_duration: 4_232_710_000,
      };
      if (kind === "generate") stats.context = [1, 2, 3];
      return stats;
    };

    if (!stream) {
      const delay = fault === "slow-first-byte" ? state.slowMs : 0;
      return sleep(delay, req.signal).then(() =>
        new Response(goJson(chunkOf(text, reasoning, true, finalStats(words(text).length))), {
          headers: { "content-type": "application/json; charset=utf-8" },
        })
      );
    }

    const encoder = new TextEncoder();
    const ac = new AbortController();
    const finish = counts.open();
    const pieces = words(text);
    const thinkPieces = words(reasoning);
    const body$ = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (obj: unknown) => controller.enqueue(encoder.encode(goJson(obj) + "\n"));
        const hangForever = () =>
          new Promise<void>((resolve) => {
            ac.signal.addEventListener("abort", () => resolve(), { once: true });
            shutdown.signal.addEventListener("abort", () => resolve(), { once: true });
          });
        try {
          for (const t of thinkPieces) {
            if (ac.signal.aborted) return;
            send(chunkOf("", t, false));
            await sleep(state.tokenDelayMs, ac.signal);
          }
          const lastOnDone = fault === "final-text" ? 3 : 0;
          const body = pieces.slice(0, pieces.length - lastOnDone);
          if (state.stamp) {
            // Asked for a schema, the stamps are the string value of one JSON object, as a
            // model held to the schema writes it; the wrapper costs no visible token.
            const json = wantsFormat && state.formatReplies === "follow";
            if (json) send(chunkOf('{"positive": "', "", false));
            for (let i = 0; i < state.stampTokens; i++) {
              if (ac.signal.aborted) return;
              const now = performance.timeOrigin + performance.now();
              send(chunkOf(`${now.toFixed(3)} `, "", false));
              const tick = state.tokenDelayMs;
              await sleep(
                state.stampSharedClock && tick > 0
                  ? Math.ceil((now + 1) / tick) * tick - now
                  : tick,
                ac.signal,
              );
            }
            if (json) send(chunkOf('"}', "", false));
            send(chunkOf("", "", true, finalStats(state.stampTokens)));
            controller.close();
            finish(false);
            return;
          }
          for (let i = 0; i < body.length; i++) {
            if (ac.signal.aborted) return;
            if (fault === "empty-chunks" && i % 2 === 0) send(chunkOf("", "", false));
            send(chunkOf(body[i]!, "", false));
            if (i === 2 && fault === "malformed") {
              controller.enqueue(encoder.encode("{not json at all\n"));
            }
            if (i === 2 && fault === "mid-error") {
              send({
                error: "an error was encountered while running the model: CUDA out of memory",
              });
              controller.close();
              finish(false);
              return;
            }
            if (i === 2 && fault === "hang-mid") {
              await hangForever();
              if (!ac.signal.aborted) controller.close();
              return;
            }
            if (i === 3 && fault === "truncate") {
              controller.close();
              finish(false);
              return;
            }
            await sleep(state.tokenDelayMs, ac.signal);
          }
          if (ac.signal.aborted) return;
          send(
            chunkOf(
              pieces.slice(pieces.length - lastOnDone).join(""),
              "",
              true,
              finalStats(pieces.length),
            ),
          );
          controller.close();
          finish(false);
        } catch {
          finish(true);
        }
      },
      cancel() {
        ac.abort();
        finish(true);
      },
    });

    const headers = { "content-type": "application/x-ndjson" };
    if (fault === "hang") {
      return counts.hold(req.signal, () => {
        finish(true);
        return new Response("", { status: 500 });
      });
    }
    if (fault === "slow-first-byte") {
      return sleep(state.slowMs, req.signal).then(() => {
        if (req.signal.aborted) {
          finish(true);
          return new Response("", { status: 499 });
        }
        return new Response(body$, { headers });
      });
    }
    req.signal.addEventListener("abort", () => {
      ac.abort();
      finish(true);
    }, { once: true });
    return new Response(body$, { headers });
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname;
    const method = req.method;
    const clone = method === "POST" ? await req.clone().text() : "";
    let recorded: unknown = clone;
    try {
      recorded = clone ? JSON.parse(clone) : undefined;
    } catch {
      // Recorded as raw text.
    }
    requests.push({
      method,
      path,
      body: recorded,
      headers: Object.fromEntries(req.headers),
      at: Date.now(),
    });

    const routes: Record<string, string[]> = {
      "/": ["GET", "HEAD"],
      "/api/version": ["GET", "HEAD"],
      "/api/tags": ["GET", "HEAD"],
      "/api/ps": ["GET"],
      "/api/show": ["POST"],
      "/api/chat": ["POST"],
      "/api/generate": ["POST"],
    };
    const allowed = routes[path];
    if (!allowed) {
      return new Response("404 page not found", {
        status: 404,
        headers: { "content-type": "text/plain" },
      });
    }
    if (!allowed.includes(method)) {
      return new Response("405 method not allowed", {
        status: 405,
        headers: { "content-type": "text/plain" },
      });
    }
    const json = (v: unknown) =>
      new Response(goJson(v), { headers: { "content-type": "application/json; charset=utf-8" } });

    switch (path) {
      case "/":
        return new Response("Ollama is running", {
          headers: { "content-type": "text/plain; charset=utf-8" },
        });
      case "/api/version":
        return json({ version: state.version });
      case "/api/tags":
        return json({ models: modelList() });
      case "/api/ps":
        return json({ models: [] });
      case "/api/show": {
        const parsed = await readBody(req);
        if (!parsed.ok) return parsed.res;
        const name = parsed.body.model ?? parsed.body.name;
        if (typeof name !== "string" || !name) return errorJson(400, "model is required");
        const model = findModel(name);
        if (!model) {
          return errorJson(
            404,
            `model '${name.includes(":") ? name : `${name}:latest`}' not found`,
          );
        }
        return json({
          modelfile: `FROM ${model.name}`,
          parameters: 'stop "<|im_end|>"',
          template: "{{ .Prompt }}",
          details: modelList().find((m) => m.name === model.name)?.details,
          model_info: { "general.architecture": "llama", "llama.context_length": 8192 },
          capabilities: model.capabilities,
          modified_at: "2025-10-26T17:21:21.196249-07:00",
        });
      }
      case "/api/chat":
      case "/api/generate": {
        const parsed = await readBody(req);
        if (!parsed.ok) return parsed.res;
        return await generation(req, parsed.body, path === "/api/chat" ? "chat" : "generate");
      }
    }
    return new Response("404 page not found", { status: 404 });
  }

  const server = Deno.serve({
    port: options.port ?? 0,
    hostname: options.hostname ?? "127.0.0.1",
    onListen: () => {},
    signal: shutdown.signal,
  }, handle);
  const port = server.addr.port;

  return counts.on<FakeOllama>({
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    set(update) {
      Object.assign(
        state,
        Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined)),
      );
    },
    chatRequests() {
      return requests.filter((r) => r.path === "/api/chat").map((r) =>
        r.body as Record<string, unknown>
      );
    },
    async close() {
      counts.releaseAll();
      shutdown.abort();
      await server.finished;
    },
  });
}

if (import.meta.main) {
  const port = Number(Deno.env.get("FAKE_OLLAMA_PORT") ?? 11434);
  const delay = Number(Deno.env.get("FAKE_OLLAMA_TOKEN_DELAY_MS") ?? 40);
  const stamp = Deno.env.get("FAKE_OLLAMA_STAMP") === "1";
  const fake = startFakeOllama({
    port,
    tokenDelayMs: delay,
    stamp,
    stampTokens: Number(Deno.env.get("FAKE_OLLAMA_STAMP_TOKENS") ?? 40),
    stampSharedClock: Deno.env.get("FAKE_OLLAMA_STAMP_SHARED_CLOCK") === "1",
  });
  // deno-lint-ignore no-console
  console.log(
    `Fake Ollama listening on ${fake.url} with models ${
      DEFAULT_MODELS.map((m) => m.name).join(", ")
    } (${delay} ms per token). Ctrl+C stops it.`,
  );
}
