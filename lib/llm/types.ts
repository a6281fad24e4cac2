/** One chat message, as both backends take it. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
  /** Raw base64 images (no `data:` prefix) for vision models. */
  images?: string[];
}

/** Sampling and memory options passed through to the LLM server. */
export interface GenerationOptions {
  temperature?: number;
  seed?: number;
  keepAlive?: string | number;
  /** Ask a thinking-capable model to reason separately (true) or not at all (false). */
  think?: boolean;
  /** A JSON schema the reply must fit, or `"json"` for any JSON object. */
  format?: Record<string, unknown> | "json";
  /** The most tokens the model may write (reasoning included, on most servers). */
  maxTokens?: number;
}

/** Counters the server reports at the end of a reply; durations in milliseconds. */
export interface GenerationStats {
  eval_count?: number;
  prompt_eval_count?: number;
  total_duration_ms?: number;
  load_duration_ms?: number;
  eval_duration_ms?: number;
  done_reason?: string;
}

/** An event of a streamed chat: visible text, reasoning, or the end with stats. */
export type ChatEvent =
  | { type: "content"; text: string }
  | { type: "thinking"; text: string }
  | { type: "done"; stats: GenerationStats };

/** A model the server offers, as Ollama's `/api/tags` (or `/v1/models`) lists it. */
export interface InstalledModel {
  name: string;
  size?: number;
  digest?: string;
  modified_at?: string;
  details?: Record<string, unknown>;
}

/** The protocol an LLM server speaks: Ollama's native API, or the OpenAI-compatible one. */
export type BackendKind = "ollama" | "openai";

/** What `LLM_BACKEND` may say: one protocol, or find out by asking the server. */
export type BackendSetting = BackendKind | "auto";

/** What the app needs from an LLM server, whichever protocol it speaks. */
export interface LlmClient {
  /** Where the server is, for messages and the status pill. */
  readonly baseUrl: string;
  /** How long the server may make no progress before a 504. */
  readonly timeoutMs: number;
  /** The server's version; throws the 503/504 errors when it does not answer. */
  version(signal?: AbortSignal, timeoutMs?: number): Promise<string>;
  /** The installed models. */
  tags(signal?: AbortSignal): Promise<InstalledModel[]>;
  /** What a model can do (`thinking`, `vision`, …); `[]` when the server cannot say. */
  capabilities(model: string, signal?: AbortSignal): Promise<string[]>;
  /** The model's digest, for reproducibility records, or null. */
  digest(model: string): Promise<string | null>;
  /** Frees the model's memory now, where the server supports it. */
  unload(model: string): Promise<void>;
  /** Streams a chat reply. */
  chat(
    model: string,
    messages: ChatMessage[],
    options?: GenerationOptions,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatEvent>;
}

/** The client the app holds: an `LlmClient` that also says which protocol it speaks. */
export interface LlmBackend extends LlmClient {
  /** What `LLM_BACKEND` says. */
  readonly setting: BackendSetting;
  /** The protocol in use, or null while `auto` has not found out yet. */
  readonly kind: BackendKind | null;
  /** Finds out the protocol (asking the server, for `auto`); throws when the probe fails. */
  detect(signal?: AbortSignal): Promise<BackendKind>;
}
