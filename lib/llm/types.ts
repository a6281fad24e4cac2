/** One chat message, as both backends take it. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
  /** Raw base64 images (no `data:` prefix) for vision models. */
  images?: string[];
}

/** Sampling and memory options we pass through to Ollama. */
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

/** Counters Ollama reports on the final chunk; durations converted to milliseconds. */
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

/** An installed model as `/api/tags` lists it. */
export interface InstalledModel {
  name: string;
  size?: number;
  digest?: string;
  modified_at?: string;
  details?: Record<string, unknown>;
}

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
