import { AppError } from "../app/errors.ts";
import { llmTimeout } from "./errors.ts";
import { OllamaClient } from "./ollama_client.ts";
import { OpenAiClient } from "./openai_client.ts";
import { probeBackend } from "./probe.ts";
import type {
  BackendKind,
  BackendSetting,
  ChatEvent,
  ChatMessage,
  GenerationOptions,
  InstalledModel,
  LlmBackend,
  LlmClient,
} from "./types.ts";

/** Where the LLM server is, which protocol to speak, and how. */
export interface BackendClientOptions {
  setting: BackendSetting;
  baseUrl: string;
  timeoutMs: number;
  /** The longest one generation may take in all; none when unset. */
  totalTimeoutMs?: number;
  /** Sent as a bearer token to either kind of server; never shown. */
  apiKey?: string;
  fetch?: typeof fetch;
}

/** The longest one probe request may take: real servers answer both in milliseconds. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * The LLM client the app holds. With `ollama` or `openai` it is that protocol's client. With
 * `auto` it asks the server which protocol it speaks (`probeBackend`) the first time it is needed
 * (start-up asks at once, without waiting), again after a probe failed, and again after the server
 * could not be reached (it may have been replaced by another kind). Every error that leaves it has
 * the API key blanked out, whatever the server echoed.
 */
export class BackendClient implements LlmBackend {
  readonly setting: BackendSetting;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly #totalMs: number | undefined;
  readonly #key: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #clients = new Map<BackendKind, LlmClient>();
  #kind: BackendKind | null;
  #probe: Promise<BackendKind> | null = null;

  constructor(options: BackendClientOptions) {
    this.setting = options.setting;
    this.baseUrl = options.baseUrl;
    this.timeoutMs = options.timeoutMs;
    this.#totalMs = options.totalTimeoutMs;
    this.#key = options.apiKey?.trim() || undefined;
    this.#fetch = options.fetch ?? fetch;
    this.#kind = options.setting === "auto" ? null : options.setting;
  }

  /** The protocol in use, or null while `auto` has not found out yet. */
  get kind(): BackendKind | null {
    return this.#kind;
  }

  /**
   * Finds out which protocol the server speaks (asking it, for `auto`); one probe at a time,
   * however many callers ask. Throws the 503/504/502 a failed probe gives.
   */
  detect(signal?: AbortSignal): Promise<BackendKind> {
    if (this.#kind) return Promise.resolve(this.#kind);
    this.#probe ??= probeBackend(this.baseUrl, {
      fetch: this.#fetch,
      apiKey: this.#key,
      timeoutMs: Math.min(this.timeoutMs, PROBE_TIMEOUT_MS),
    }).then((kind) => {
      this.#kind = kind;
      return kind;
    }).finally(() => this.#probe = null);
    return waitFor(this.#probe, signal);
  }

  /** The server's version (`openai-compatible` for that dialect); throws when it does not answer. */
  async version(signal?: AbortSignal, timeoutMs = 2000): Promise<string> {
    return await this.#call(signal, timeoutMs, (c) => c.version(signal, timeoutMs));
  }

  /** The models the server offers. */
  async tags(signal?: AbortSignal): Promise<InstalledModel[]> {
    return await this.#call(signal, this.timeoutMs, (c) => c.tags(signal));
  }

  /** What a model can do, as far as the server says. */
  async capabilities(model: string, signal?: AbortSignal): Promise<string[]> {
    return await this.#call(signal, this.timeoutMs, (c) => c.capabilities(model, signal));
  }

  /** The model's digest (Ollama only), or null. */
  async digest(model: string): Promise<string | null> {
    return await this.#call(undefined, 2000, (c) => c.digest(model));
  }

  /** Frees the model's memory, where the server can. */
  async unload(model: string): Promise<void> {
    return await this.#call(undefined, this.timeoutMs, (c) => c.unload(model));
  }

  /** Streams a chat reply from whichever protocol the server speaks. */
  async *chat(
    model: string,
    messages: ChatMessage[],
    options?: GenerationOptions,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatEvent> {
    try {
      const client = await this.#client(signal, this.timeoutMs);
      // `yield*` hands a stop (`return()`) straight to the client's stream, which closes the
      // upstream request.
      yield* client.chat(model, messages, options, signal);
    } catch (err) {
      throw this.#failed(err);
    }
  }

  async #call<T>(
    signal: AbortSignal | undefined,
    waitMs: number,
    run: (client: LlmClient) => Promise<T>,
  ): Promise<T> {
    try {
      return await run(await this.#client(signal, waitMs));
    } catch (err) {
      throw this.#failed(err);
    }
  }

  async #client(signal: AbortSignal | undefined, waitMs: number): Promise<LlmClient> {
    const kind = this.#kind ?? await withTimeout(this.detect(signal), waitMs, this.baseUrl);
    let client = this.#clients.get(kind);
    if (!client) {
      client = kind === "ollama"
        ? new OllamaClient({
          baseUrl: this.baseUrl,
          timeoutMs: this.timeoutMs,
          totalTimeoutMs: this.#totalMs,
          fetch: this.#key ? withBearer(this.#fetch, this.#key) : this.#fetch,
        })
        : new OpenAiClient({
          baseUrl: this.baseUrl,
          timeoutMs: this.timeoutMs,
          totalTimeoutMs: this.#totalMs,
          apiKey: this.#key,
          fetch: this.#fetch,
        });
      this.#clients.set(kind, client);
    }
    return client;
  }

  /** The error as it may be shown; an unreachable server is probed again next time (auto). */
  #failed(err: unknown): unknown {
    if (!(err instanceof AppError)) return err;
    if (this.#key && err.message.includes(this.#key)) {
      err.message = err.message.split(this.#key).join("[API key]");
    }
    if (this.setting === "auto" && err.type === "connection_error") this.#kind = null;
    return err;
  }
}

/** A fetch that adds `Authorization: Bearer <key>` to every request (Ollama behind a proxy). */
function withBearer(base: typeof fetch, key: string): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set("authorization", `Bearer ${key}`);
    return base(input, { ...init, headers });
  };
}

/** The promise, or the caller's abort reason as soon as its signal aborts. */
function waitFor<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** The promise, or the 504 once `ms` pass (the probe itself goes on for the next caller). */
async function withTimeout<T>(promise: Promise<T>, ms: number, url: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(llmTimeout(url, null, ms / 1000)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
