import type { ChatEvent, ChatMessage, GenerationOptions, InstalledModel } from "../ollama.ts";

/** A chat message; `images` holds raw base64 images (no `data:` prefix) for vision models. */
export interface LlmChatMessage extends ChatMessage {
  images?: string[];
}

/** Options of one generation: Ollama's, plus the shape the reply must have and a token cap. */
export interface LlmGenerationOptions extends GenerationOptions {
  /** A JSON schema the reply must fit, or `"json"` for any JSON object. */
  format?: Record<string, unknown> | "json";
  /** The most tokens the model may write (reasoning included, on most servers). */
  maxTokens?: number;
}

/** What the app needs of an LLM server, whichever protocol it speaks (Ollama's or OpenAI's). */
export interface LlmClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  version(signal?: AbortSignal, timeoutMs?: number): Promise<string>;
  tags(signal?: AbortSignal): Promise<InstalledModel[]>;
  capabilities(model: string, signal?: AbortSignal): Promise<string[]>;
  digest(model: string): Promise<string | null>;
  unload(model: string): Promise<void>;
  chat(
    model: string,
    messages: LlmChatMessage[],
    options?: LlmGenerationOptions,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatEvent>;
}
