import { NdjsonReader } from "./ndjson.ts";
import { readCapped, releaseReply } from "./line_reader.ts";
import { ThinkFilter } from "./think_filter.ts";
import { ollamaApiError, ollamaModelNotFound, ollamaUnreachable } from "./errors.ts";
import { hasVisibleText, ProgressWatchdog, watchdogError } from "./watchdog.ts";
import { MAX_REPLY_CHARS, ReplyBudget, withoutNul } from "./reply_limit.ts";
import { AppError } from "../app/errors.ts";
import type {
  ChatEvent,
  ChatMessage,
  GenerationOptions,
  GenerationStats,
  InstalledModel,
  LlmClient,
} from "./types.ts";

/** What the client needs: where Ollama is, how long it may make no progress, and a fetch to use. */
export interface OllamaClientOptions {
  baseUrl: string;
  timeoutMs: number;
  /** The longest one generation may take in all, however busy; none when unset. */
  totalTimeoutMs?: number;
  /** The most text one reply may hold (content and reasoning). */
  maxReplyChars?: number;
  fetch?: typeof fetch;
  /** How long `/api/show` capabilities are trusted, in milliseconds. */
  capabilityTtlMs?: number;
  now?: () => number;
}

/** Largest listing or model card read from Ollama (a listing of every model is a few KB). */
const MAX_JSON_BYTES = 8 * 1024 * 1024;

/** Client for the Ollama native API: `/api/chat` (streamed), `/api/tags`, `/api/version`, `/api/show`. */
export class OllamaClient implements LlmClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly totalTimeoutMs: number | undefined;
  readonly #maxReply: number;
  #fetch: typeof fetch;
  #caps = new Map<string, { at: number; caps: string[] }>();
  #tags: { at: number; models: InstalledModel[] } | null = null;
  #ttl: number;
  #now: () => number;

  constructor(options: OllamaClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs;
    this.totalTimeoutMs = options.totalTimeoutMs;
    this.#maxReply = options.maxReplyChars ?? MAX_REPLY_CHARS;
    this.#fetch = options.fetch ?? fetch;
    this.#ttl = options.capabilityTtlMs ?? 5 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** `GET /api/version`; throws the 503/504 errors when Ollama is not there. */
  async version(signal?: AbortSignal, timeoutMs = 2000): Promise<string> {
    const body = await this.#json("GET", "/api/version", undefined, signal, timeoutMs);
    const version = (body as { version?: unknown }).version;
    if (typeof version !== "string") throw ollamaApiError("/api/version gave no version");
    return version;
  }

  /** `GET /api/tags`: the installed models. */
  async tags(signal?: AbortSignal): Promise<InstalledModel[]> {
    const body = await this.#json("GET", "/api/tags", undefined, signal, 10_000);
    const models = (body as { models?: unknown }).models;
    if (models === null || models === undefined) return [];
    if (!Array.isArray(models)) throw ollamaApiError("/api/tags gave no model list");
    return models.filter((m): m is InstalledModel =>
      typeof m === "object" && m !== null && typeof (m as InstalledModel).name === "string"
    );
  }

  /** Unloads a model from memory now (`keep_alive: 0`), to free VRAM for image generation. */
  async unload(model: string): Promise<void> {
    await this.#json(
      "POST",
      "/api/generate",
      { model, keep_alive: 0, stream: false },
      undefined,
      10_000,
    );
  }

  /** The digest `/api/tags` lists for a model (cached a minute), or null when unknown. */
  async digest(model: string): Promise<string | null> {
    if (!this.#tags || this.#now() - this.#tags.at > 60_000) {
      this.#tags = { at: this.#now(), models: await this.tags(AbortSignal.timeout(2000)) };
    }
    const full = model.includes(":") ? model : `${model}:latest`;
    return this.#tags.models.find((m) => m.name === model || m.name === full)?.digest ?? null;
  }

  /** The capabilities `/api/show` lists for a model (cached); `[]` when the server is too old to say. */
  async capabilities(model: string, signal?: AbortSignal): Promise<string[]> {
    const hit = this.#caps.get(model);
    if (hit && this.#now() - hit.at < this.#ttl) return hit.caps;
    let caps: string[] = [];
    try {
      const body = await this.#json("POST", "/api/show", { model }, signal, this.timeoutMs);
      const list = (body as { capabilities?: unknown }).capabilities;
      caps = Array.isArray(list) ? list.filter((c) => typeof c === "string") : [];
    } catch (err) {
      // Only a missing model is worth reporting here; the chat call reports everything else.
      if (err instanceof AppError && err.type === "model_not_found") throw err;
      if (err instanceof AppError && err.type !== "api_error") throw err;
    }
    this.#caps.set(model, { at: this.#now(), caps });
    return caps;
  }

  /**
   * Streams `/api/chat`. More than the timeout without useful progress (connecting included;
   * blank lines and empty or whitespace-only chunks do not count), or more than the total limit
   * in all, is a 504; a line or a reply past its size limit is a 502; aborting `signal` cancels
   * the upstream request at once.
   */
  async *chat(
    model: string,
    messages: ChatMessage[],
    options: GenerationOptions = {},
    signal?: AbortSignal,
  ): AsyncGenerator<ChatEvent> {
    const body: Record<string, unknown> = { model, messages, stream: true };
    const opts: Record<string, number> = {};
    if (options.temperature !== undefined) opts.temperature = options.temperature;
    if (options.seed !== undefined) opts.seed = options.seed;
    if (Object.keys(opts).length) body.options = opts;
    if (options.keepAlive !== undefined) body.keep_alive = options.keepAlive;
    if (options.format !== undefined) body.format = options.format;
    const caps = await this.capabilities(model, signal);
    if (caps.includes("thinking")) body.think = options.think ?? false;

    const watchdog = new ProgressWatchdog(this.timeoutMs, signal, this.totalTimeoutMs);
    const budget = new ReplyBudget(this.#maxReply);
    const filter = new ThinkFilter();
    let finished = false;
    let res: Response | undefined;
    let reader: NdjsonReader | undefined;
    try {
      res = await this.#send("POST", "/api/chat", body, watchdog);
      if (!res.ok) throw await this.#httpError(res, model);
      if (!res.body) throw ollamaApiError("empty reply body");
      reader = new NdjsonReader(res.body);
      watchdog.progress();
      while (true) {
        const batch = await reader.read();
        if (batch === null) break;
        for (const line of batch) {
          const chunk = line as Record<string, unknown>;
          if (typeof chunk !== "object" || chunk === null) {
            throw ollamaApiError("a stream line was not a JSON object");
          }
          if (typeof chunk.error === "string") throw ollamaApiError(chunk.error);
          const message = (chunk.message ?? {}) as { content?: unknown; thinking?: unknown };
          if (typeof message.thinking === "string") message.thinking = withoutNul(message.thinking);
          if (typeof message.content === "string") message.content = withoutNul(message.content);
          if (typeof message.thinking === "string" && message.thinking) {
            budget.add(message.thinking);
            if (hasVisibleText(message.thinking)) watchdog.progress();
            yield { type: "thinking", text: message.thinking };
          }
          if (typeof message.content === "string" && message.content) {
            budget.add(message.content);
            if (hasVisibleText(message.content)) watchdog.progress();
            for (const piece of filter.push(message.content)) yield piece;
          }
          if (chunk.done === true) {
            for (const piece of filter.flush()) yield piece;
            finished = true;
            yield { type: "done", stats: statsOf(chunk) };
            return;
          }
        }
      }
      throw ollamaApiError("the stream ended before the model finished (no done message)");
    } catch (err) {
      throw this.#mapError(err, watchdog, res !== undefined);
    } finally {
      await releaseReply(watchdog, reader, res, finished);
    }
  }

  async #json(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<unknown> {
    const watchdog = new ProgressWatchdog(timeoutMs, signal);
    let res: Response | undefined;
    try {
      res = await this.#send(method, path, body, watchdog);
      if (!res.ok) {
        throw await this.#httpError(res, (body as { model?: string } | undefined)?.model);
      }
      const text = await readCapped(res, MAX_JSON_BYTES);
      if (text === null) throw ollamaApiError(`the answer was longer than ${MAX_JSON_BYTES} bytes`);
      return JSON.parse(text);
    } catch (err) {
      throw this.#mapError(err, watchdog, res !== undefined);
    } finally {
      watchdog.stop();
    }
  }

  async #send(
    method: string,
    path: string,
    body: unknown,
    watchdog: ProgressWatchdog,
  ): Promise<Response> {
    return await this.#fetch(this.baseUrl + path, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: watchdog.signal,
    });
  }

  async #httpError(
    res: { status: number; text(): Promise<string> },
    model: string | undefined,
  ): Promise<AppError> {
    const text = await res.text().catch(() => "");
    let message = text.trim();
    try {
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed.error === "string") message = parsed.error;
    } catch {
      // Plain-text bodies (e.g. "404 page not found") are used as they are.
    }
    if (res.status === 404 && /not found/i.test(message) && /model/i.test(message)) {
      return ollamaModelNotFound(model ?? "unknown");
    }
    if (res.status === 404) {
      return ollamaApiError(
        `${this.baseUrl} answered 404 (${
          message || "not found"
        }); is OLLAMA_URL pointing at Ollama?`,
      );
    }
    return ollamaApiError(`HTTP ${res.status}${message ? `: ${message}` : ""}`);
  }

  /**
   * A failure as the app's error. Only a request Ollama never answered means it is not running;
   * a connection that broke afterwards, or a reply we could not read, is a bad reply (502).
   */
  #mapError(err: unknown, watchdog: ProgressWatchdog, answered: boolean): unknown {
    const stopped = watchdogError(err, watchdog, this.baseUrl, "ollama");
    if (stopped !== null) return stopped;
    if (err instanceof TypeError) {
      return answered
        ? ollamaApiError("the connection broke before the reply finished")
        : ollamaUnreachable(this.baseUrl, err);
    }
    return ollamaApiError(err instanceof Error ? err.message : String(err));
  }
}

function nsToMs(v: unknown): number | undefined {
  return typeof v === "number" ? Math.round(v / 1e6) : undefined;
}

function statsOf(chunk: Record<string, unknown>): GenerationStats {
  const stats: GenerationStats = {};
  if (typeof chunk.eval_count === "number") stats.eval_count = chunk.eval_count;
  if (typeof chunk.prompt_eval_count === "number") {
    stats.prompt_eval_count = chunk.prompt_eval_count;
  }
  const total = nsToMs(chunk.total_duration);
  if (total !== undefined) stats.total_duration_ms = total;
  const load = nsToMs(chunk.load_duration);
  if (load !== undefined) stats.load_duration_ms = load;
  const evalMs = nsToMs(chunk.eval_duration);
  if (evalMs !== undefined) stats.eval_duration_ms = evalMs;
  if (typeof chunk.done_reason === "string") stats.done_reason = chunk.done_reason;
  return stats;
}
