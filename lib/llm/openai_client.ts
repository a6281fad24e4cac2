import { AppError } from "../app/errors.ts";
import type { ChatEvent, InstalledModel } from "./types.ts";
import type { ChatMessage, GenerationOptions, LlmClient } from "./types.ts";
import { llmApiError, llmModelNotFound, llmUnreachable } from "./errors.ts";
import {
  capabilitiesOf,
  ChatChunkDecoder,
  chatRequestBody,
  errorInfo,
  installedModel,
  isModelMissing,
  modelEntries,
  OpenAiWireError,
  type OptionalField,
  parseChunk,
  refusedField,
  wholeReplyEvents,
  type WireErrorInfo,
} from "./openai_wire.ts";
import { SseReader, SseTooLongError } from "./sse_reader.ts";
import { readCapped, releaseReply } from "./line_reader.ts";
import { hasVisibleText, ProgressWatchdog, watchdogError } from "./watchdog.ts";
import { MAX_REPLY_CHARS, ReplyBudget, ReplyTooLongError, withoutNul } from "./reply_limit.ts";

/** What `version()` reports: the OpenAI dialect has no version route. */
export const OPENAI_COMPATIBLE = "openai-compatible";

/** Where the server is, how long it may make no progress, and how to talk to it. */
export interface OpenAiClientOptions {
  /** The server's address, with or without the `/v1` that every path starts with. */
  baseUrl: string;
  timeoutMs: number;
  /** The longest one generation may take in all, however busy; none when unset. */
  totalTimeoutMs?: number;
  /** The most text one reply may hold (content and reasoning). */
  maxReplyChars?: number;
  /** Sent as `Authorization: Bearer …`; never shown in an error. */
  apiKey?: string;
  fetch?: typeof fetch;
  /** Stream replies (default) or ask for each reply whole. */
  stream?: boolean;
  /** Ask for the usage chunk at the end of a stream (default on). */
  streamUsage?: boolean;
  /** How long the `/v1/models` listing behind `capabilities()` is trusted, in milliseconds. */
  capabilityTtlMs?: number;
  now?: () => number;
}

/** Largest model list or whole reply we read. */
const MAX_JSON_BYTES = 8 * 1024 * 1024;
/** Largest error body we read. */
const MAX_ERROR_BYTES = 64 * 1024;

type Entry = Record<string, unknown>;

/**
 * Client for OpenAI-compatible servers (LM Studio, llama.cpp's llama-server, KoboldCpp, Jan,
 * LocalAI, vLLM, LiteLLM, Ollama's `/v1`) with the surface of `OllamaClient`: `/v1/models` for
 * the listing and probe, `/v1/chat/completions` streamed as server-sent events for chat.
 */
export class OpenAiClient implements LlmClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly totalTimeoutMs: number | undefined;
  readonly #maxReply: number;
  readonly #api: string;
  /** The address as errors show it: no user name or password. */
  readonly #shown: string;
  readonly #key: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #stream: boolean;
  readonly #usage: boolean;
  readonly #ttl: number;
  readonly #now: () => number;
  #models: { at: number; entries: Entry[] } | null = null;
  /** Optional request fields the server refused once, left out from then on. */
  #refused = new Set<OptionalField>();

  constructor(options: OpenAiClientOptions) {
    this.baseUrl = trimSlashes(options.baseUrl);
    const root = this.baseUrl.endsWith("/v1") ? this.baseUrl.slice(0, -3) : this.baseUrl;
    this.#api = `${root}/v1`;
    this.#shown = shownUrl(this.baseUrl);
    this.timeoutMs = options.timeoutMs;
    this.totalTimeoutMs = options.totalTimeoutMs;
    this.#maxReply = options.maxReplyChars ?? MAX_REPLY_CHARS;
    this.#key = options.apiKey?.trim() || undefined;
    this.#fetch = options.fetch ?? fetch;
    this.#stream = options.stream ?? true;
    this.#usage = options.streamUsage ?? true;
    this.#ttl = options.capabilityTtlMs ?? 5 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Probes `GET /v1/models`; throws the 503/504 errors when the server is not there. */
  async version(signal?: AbortSignal, timeoutMs = 2000): Promise<string> {
    await this.#listModels(signal, timeoutMs);
    return OPENAI_COMPATIBLE;
  }

  /** `GET /v1/models`: the models the server offers. */
  async tags(signal?: AbortSignal): Promise<InstalledModel[]> {
    return (await this.#listModels(signal, 10_000)).map(installedModel);
  }

  /** Nothing to do: the dialect has no way to unload a model. */
  async unload(_model: string): Promise<void> {}

  /** Always null: the dialect names no model digests. */
  async digest(_model: string): Promise<string | null> {
    return await Promise.resolve(null);
  }

  /**
   * What the server's model listing says the model can do (`["vision"]` when it says the model
   * reads images), cached; `[]` when it says nothing or does not list the model.
   */
  async capabilities(model: string, signal?: AbortSignal): Promise<string[]> {
    let entries = this.#models && this.#now() - this.#models.at < this.#ttl
      ? this.#models.entries
      : null;
    if (!entries) {
      try {
        entries = await this.#listModels(signal, this.timeoutMs);
      } catch (err) {
        // Only "not there" is worth reporting here; the chat call reports everything else.
        if (err instanceof AppError && err.type === "api_error") return [];
        throw err;
      }
    }
    const entry = entries.find((e) => e.id === model);
    return entry ? capabilitiesOf(entry) : [];
  }

  /**
   * Streams `/v1/chat/completions`. More than the timeout without useful progress (connecting
   * included; keep-alive comments, empty deltas and whitespace do not count) is a 504; aborting
   * `signal` cancels the upstream request at once.
   */
  async *chat(
    model: string,
    messages: ChatMessage[],
    options: GenerationOptions = {},
    signal?: AbortSignal,
  ): AsyncGenerator<ChatEvent> {
    const started = performance.now();
    const watchdog = new ProgressWatchdog(this.timeoutMs, signal, this.totalTimeoutMs);
    const budget = new ReplyBudget(this.#maxReply);
    let answered = false;
    let finished = false;
    let res: Response | undefined;
    let reader: SseReader | undefined;
    try {
      res = await this.#openChat(model, messages, options, watchdog);
      answered = true;
      watchdog.progress();
      const type = res.headers.get("content-type") ?? "";
      if (!type.includes("text/event-stream")) {
        // Asked for whole, or a server that does not stream: one JSON reply.
        const body = parseJson(await readAtMost(res, MAX_JSON_BYTES), "the reply");
        const events = wholeReplyEvents(body, Math.round(performance.now() - started));
        for (const event of events) if (event.type !== "done") budget.add(event.text);
        finished = true;
        for (const event of events) yield clean(event);
        return;
      }
      if (!res.body) throw new OpenAiWireError("the reply had no body");
      reader = new SseReader(res.body);
      const decoder = new ChatChunkDecoder();
      while (true) {
        const batch = await reader.read();
        if (batch === null) break;
        for (const event of batch) {
          if (event.event === "error") {
            throw new OpenAiWireError(
              errorInfo(event.data).message || "the stream reported an error",
            );
          }
          if (event.data.trim() === "[DONE]") {
            for (const rest of decoder.end()) yield clean(rest);
            finished = true;
            yield { type: "done", stats: decoder.stats(Math.round(performance.now() - started)) };
            return;
          }
          for (const out of decoder.push(parseChunk(event.data))) {
            if (out.type !== "done") {
              budget.add(out.text);
              if (hasVisibleText(out.text)) watchdog.progress();
            }
            yield clean(out);
          }
        }
      }
      // A reply that said how it finished is whole even when `[DONE]` is missing; one that did
      // not was cut off (Ollama's `/v1` ends a failed stream just like that).
      if (decoder.finishReason === null) {
        throw new OpenAiWireError(
          "the stream ended before the reply finished (no [DONE]); the server's log says why",
        );
      }
      for (const rest of decoder.end()) yield clean(rest);
      finished = true;
      yield { type: "done", stats: decoder.stats(Math.round(performance.now() - started)) };
    } catch (err) {
      throw this.#mapError(err, watchdog, answered);
    } finally {
      await releaseReply(watchdog, reader, res, finished);
    }
  }

  async #openChat(
    model: string,
    messages: ChatMessage[],
    options: GenerationOptions,
    watchdog: ProgressWatchdog,
  ): Promise<Response> {
    while (true) {
      const body = chatRequestBody(model, messages, options, {
        stream: this.#stream,
        usage: this.#usage && !this.#refused.has("stream_options"),
        format: !this.#refused.has("response_format"),
      });
      const res = await this.#send("POST", "/chat/completions", body, { signal: watchdog.signal });
      if (res.ok) return res;
      const info = await this.#errorInfo(res);
      const field = refusedField(res.status, info, body);
      if (!field) throw this.#httpError(res.status, info, model);
      // Some servers take no `response_format` (or not this kind), some no `stream_options`:
      // leave the field out from now on (the reply parser reads text replies anyway, and stats
      // do without token counts). Each field is dropped once, so this asks at most three times.
      this.#refused.add(field);
    }
  }

  async #listModels(signal: AbortSignal | undefined, timeoutMs: number): Promise<Entry[]> {
    const watchdog = new ProgressWatchdog(timeoutMs, signal);
    let answered = false;
    try {
      const res = await this.#send("GET", "/models", undefined, { signal: watchdog.signal });
      answered = true;
      if (!res.ok) throw this.#httpError(res.status, await this.#errorInfo(res), undefined);
      const entries = modelEntries(parseJson(await readAtMost(res, MAX_JSON_BYTES), "/v1/models"));
      this.#models = { at: this.#now(), entries };
      return entries;
    } catch (err) {
      if (err instanceof OpenAiWireError) {
        throw llmApiError(
          this.#shown,
          "openai",
          `${this.#redact(err.message)}; is LLM_URL the address of an OpenAI-compatible server?`,
        );
      }
      throw this.#mapError(err, watchdog, answered);
    } finally {
      watchdog.stop();
    }
  }

  async #send(
    method: string,
    path: string,
    body: unknown,
    init: { signal: AbortSignal },
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json, text/event-stream" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.#key) headers.authorization = `Bearer ${this.#key}`;
    return await this.#fetch(this.#api + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: init.signal,
    });
  }

  async #errorInfo(res: Response): Promise<WireErrorInfo> {
    const body = await readAtMost(res, MAX_ERROR_BYTES).catch(() => "");
    const info = errorInfo(body);
    info.message = this.#redact(info.message);
    return info;
  }

  #httpError(status: number, info: WireErrorInfo, model: string | undefined): AppError {
    const said = info.message ? `HTTP ${status}: ${info.message}` : `HTTP ${status}`;
    if (model !== undefined && isModelMissing(status, info)) {
      return llmModelNotFound(this.#shown, "openai", model);
    }
    if (status === 401 || status === 403) {
      return llmApiError(
        this.#shown,
        "openai",
        this.#key
          ? `it refused the API key (${said}); set LLM_API_KEY to a key it accepts`
          : `it wants an API key (${said}); set LLM_API_KEY`,
      );
    }
    if (status === 404 || status === 405) {
      return llmApiError(
        this.#shown,
        "openai",
        `${said}; is LLM_URL the address of an OpenAI-compatible server (the part before /v1)?`,
      );
    }
    return llmApiError(this.#shown, "openai", said);
  }

  #mapError(err: unknown, watchdog: ProgressWatchdog, answered: boolean): unknown {
    const stopped = watchdogError(err, watchdog, this.#shown, "openai");
    if (stopped !== null) return stopped;
    if (
      err instanceof OpenAiWireError || err instanceof SseTooLongError ||
      err instanceof ReplyTooLongError
    ) {
      return llmApiError(this.#shown, "openai", this.#redact(err.message));
    }
    if (err instanceof TypeError) {
      return answered
        ? llmApiError(this.#shown, "openai", "the connection broke before the reply finished")
        : llmUnreachable(this.#shown, "openai", err);
    }
    return llmApiError(
      this.#shown,
      "openai",
      this.#redact(err instanceof Error ? err.message : String(err)),
    );
  }

  /** The text with the API key blanked out, for anything a server said back to us. */
  #redact(text: string): string {
    return this.#key ? text.split(this.#key).join("[API key]") : text;
  }
}

function trimSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === "/") end--;
  return url.slice(0, end);
}

function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    parsed.search = "";
    return trimSlashes(parsed.href);
  } catch {
    return url;
  }
}

/** The event without NUL characters in its text. */
function clean(event: ChatEvent): ChatEvent {
  // Checked first, so the token path makes no second object for text that has none.
  if (event.type === "done" || !event.text.includes("\0")) return event;
  return { type: event.type, text: withoutNul(event.text) };
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new OpenAiWireError(`${what} was not JSON: ${text.trim().slice(0, 120)}`);
  }
}

/** The body as text, or an error once it grows past `limit` bytes. */
async function readAtMost(res: Response, limit: number): Promise<string> {
  const text = await readCapped(res, limit);
  if (text === null) throw new OpenAiWireError(`the answer was longer than ${limit} bytes`);
  return text;
}
