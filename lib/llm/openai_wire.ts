import { ThinkFilter } from "./think_filter.ts";
import type { ChatEvent, GenerationStats, InstalledModel } from "./types.ts";
import type { ChatMessage, GenerationOptions } from "./types.ts";

/** Something the server sent that breaks the protocol, or an error it reported in the stream. */
export class OpenAiWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OpenAiWireError";
  }
}

/** What an error body says, whichever server wrote it. */
export interface WireErrorInfo {
  message: string;
  type?: string;
  code?: string;
  param?: string;
}

/** How many characters of a server's own words an error quotes. */
const QUOTED = 300;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

function clip(value: string): string {
  const trimmed = value.trim();
  return trimmed.length > QUOTED ? `${trimmed.slice(0, QUOTED)}…` : trimmed;
}

/**
 * Reads an error body: OpenAI's `{"error":{message,type,param,code}}`, LM Studio's
 * `{"error":"…"}`, vLLM's older top-level `{"object":"error","message":…}`, FastAPI's
 * `{"detail":"…"}`, llama.cpp's `{"code","message","type"}`, or plain text.
 */
export function errorInfo(body: string): WireErrorInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { message: clip(body) };
  }
  if (isObject(parsed)) return errorInfoOf(parsed) ?? { message: clip(body) };
  return { message: clip(body) };
}

/** The error an already parsed object carries, or null when it carries none. */
function errorInfoOf(value: Json): WireErrorInfo | null {
  const inner = value.error;
  if (typeof inner === "string") return { message: clip(inner) };
  const holder = isObject(inner) ? inner : value;
  const message = text(holder.message) ?? text(holder.detail);
  if (message === undefined) {
    return inner === undefined || inner === null ? null : { message: clip(JSON.stringify(inner)) };
  }
  const info: WireErrorInfo = { message: clip(message) };
  const type = text(holder.type);
  if (type) info.type = type;
  const code = text(holder.code);
  if (code) info.code = code;
  const param = text(holder.param);
  if (param) info.param = param;
  return info;
}

/** Whether an error answer means "no such model" (OpenAI, Ollama, LM Studio, vLLM, llama.cpp). */
export function isModelMissing(status: number, info: WireErrorInfo): boolean {
  if (info.code === "model_not_found") return status === 404 || status === 400;
  if (status !== 404) return false;
  if (info.type === "not_found_error" || info.type === "NotFoundError") return true;
  if (info.param === "model") return true;
  const lower = info.message.toLowerCase();
  return lower.includes("model") &&
    (lower.includes("not found") || lower.includes("does not exist"));
}

/** Request fields a server may refuse, and we can do without. */
export type OptionalField = "response_format" | "stream_options";

/**
 * The optional field of `body` an error answer refuses (LM Studio refuses `json_object`, older
 * llama.cpp builds `json_schema`, strict servers unknown fields), or null when it refuses none.
 */
export function refusedField(
  status: number,
  info: WireErrorInfo,
  body: Json,
): OptionalField | null {
  if (status !== 400 && status !== 422 && status !== 500) return null;
  for (const field of ["response_format", "stream_options"] as const) {
    if (body[field] === undefined) continue;
    if (info.param?.startsWith(field) || info.message.includes(field)) return field;
  }
  return null;
}

/** The MIME type of a base64 image, from its first bytes; PNG when they say nothing we know. */
function imageMime(base64: string): string {
  if (base64.startsWith("/9j/")) return "image/jpeg";
  if (base64.startsWith("R0lGOD")) return "image/gif";
  if (base64.startsWith("UklGR")) return "image/webp";
  return "image/png";
}

function wireMessage(message: ChatMessage): Json {
  if (!message.images?.length) return { role: message.role, content: message.content };
  const parts: Json[] = message.content ? [{ type: "text", text: message.content }] : [];
  for (const image of message.images) {
    const url = image.startsWith("data:") ? image : `data:${imageMime(image)};base64,${image}`;
    parts.push({ type: "image_url", image_url: { url } });
  }
  return { role: message.role, content: parts };
}

/** What the request asks of the server beyond the messages. */
export interface ChatRequestShape {
  stream: boolean;
  /** Ask for a usage chunk at the end of a stream. */
  usage: boolean;
  /** Send `options.format` as `response_format` (off once a server refused it). */
  format: boolean;
}

/** The `/v1/chat/completions` body for a generation. */
export function chatRequestBody(
  model: string,
  messages: ChatMessage[],
  options: GenerationOptions,
  shape: ChatRequestShape,
): Json {
  const body: Json = { model, messages: messages.map(wireMessage), stream: shape.stream };
  if (shape.stream && shape.usage) body.stream_options = { include_usage: true };
  if (options.temperature !== undefined) body.temperature = options.temperature;
  if (options.seed !== undefined) body.seed = options.seed;
  if (options.maxTokens !== undefined) body.max_tokens = options.maxTokens;
  if (shape.format && options.format === "json") body.response_format = { type: "json_object" };
  else if (shape.format && isObject(options.format)) {
    body.response_format = {
      type: "json_schema",
      json_schema: { name: "reply", schema: options.format },
    };
  }
  return body;
}

function reasoningOf(delta: Json): string {
  // llama.cpp, vLLM and DeepSeek say `reasoning_content`; Ollama says `reasoning`. A server that
  // sends both sends the same text twice, so one is taken.
  const named = delta.reasoning_content;
  if (typeof named === "string" && named) return named;
  return typeof delta.reasoning === "string" ? delta.reasoning : "";
}

/**
 * Turns chat-completion chunks (or one whole reply) into chat events. Reasoning comes from a
 * `reasoning`/`reasoning_content` field or from `<think>` tags in the content, never as content.
 * Usage and llama.cpp's `timings` become the stats of the final event.
 */
export class ChatChunkDecoder {
  readonly #filter = new ThinkFilter();
  #finish: string | null = null;
  #usage: Json | null = null;
  #timings: Json | null = null;

  /** The `finish_reason` the server gave, or null while it has given none. */
  get finishReason(): string | null {
    return this.#finish;
  }

  /** The events one parsed chunk carries. */
  push(chunk: unknown): ChatEvent[] {
    if (!isObject(chunk)) throw new OpenAiWireError("a stream event was not a JSON object");
    const failure = errorInfoOf(chunk);
    if (failure) throw new OpenAiWireError(failure.message || "the stream reported an error");
    if (isObject(chunk.usage)) this.#usage = chunk.usage;
    if (isObject(chunk.timings)) this.#timings = chunk.timings;
    const choices = chunk.choices;
    if (!Array.isArray(choices) || choices.length === 0) return [];
    const choice = choices[0];
    if (!isObject(choice)) return [];
    const out: ChatEvent[] = [];
    const delta = choice.delta ?? choice.message;
    if (isObject(delta)) {
      const reasoning = reasoningOf(delta);
      if (reasoning) out.push({ type: "thinking", text: reasoning });
      if (typeof delta.content === "string" && delta.content) {
        out.push(...this.#filter.push(delta.content));
      }
    }
    if (typeof choice.finish_reason === "string") this.#finish = choice.finish_reason;
    return out;
  }

  /** What the think filter still holds, at the end of the reply. */
  end(): ChatEvent[] {
    return this.#filter.flush();
  }

  /** The stats for the final event. */
  stats(totalMs: number): GenerationStats {
    const stats: GenerationStats = { total_duration_ms: totalMs };
    const usage = this.#usage ?? {};
    const timings = this.#timings ?? {};
    const evalCount = usage.completion_tokens ?? timings.predicted_n;
    if (typeof evalCount === "number") stats.eval_count = evalCount;
    const promptCount = usage.prompt_tokens ?? timings.prompt_n;
    if (typeof promptCount === "number") stats.prompt_eval_count = promptCount;
    if (typeof timings.predicted_ms === "number") {
      stats.eval_duration_ms = Math.round(timings.predicted_ms);
    }
    if (this.#finish) stats.done_reason = this.#finish;
    return stats;
  }
}

/** Parses the data of one stream event. */
export function parseChunk(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new OpenAiWireError(`a stream event was not JSON: ${clip(data).slice(0, 120)}`);
  }
}

/** The chat events of a whole (not streamed) reply, in the order a stream would give them. */
export function wholeReplyEvents(body: unknown, totalMs: number): ChatEvent[] {
  if (!isObject(body)) throw new OpenAiWireError("the reply was not a JSON object");
  const failure = errorInfoOf(body);
  if (failure) throw new OpenAiWireError(failure.message || "the reply reported an error");
  if (!Array.isArray(body.choices) || body.choices.length === 0) {
    throw new OpenAiWireError("the reply had no choices");
  }
  const decoder = new ChatChunkDecoder();
  const events = [...decoder.push(body), ...decoder.end()];
  events.push({ type: "done", stats: decoder.stats(totalMs) });
  return events;
}

/** The entries of a `/v1/models` answer; `data: null` (Ollama with no models) is an empty list. */
export function modelEntries(body: unknown): Json[] {
  if (!isObject(body)) throw new OpenAiWireError("/v1/models did not answer with a JSON object");
  const failure = errorInfoOf(body);
  if (failure) throw new OpenAiWireError(`/v1/models answered "${failure.message}"`);
  if (body.data === null) return [];
  if (!Array.isArray(body.data)) throw new OpenAiWireError("/v1/models gave no model list");
  return body.data.filter((m): m is Json => isObject(m) && typeof m.id === "string");
}

/** A `/v1/models` entry in the shape the app knows from Ollama's `/api/tags`. */
export function installedModel(entry: Json): InstalledModel {
  const model: InstalledModel = { name: entry.id as string };
  if (typeof entry.created === "number" && entry.created > 0) {
    model.modified_at = new Date(entry.created * 1000).toISOString();
  }
  const meta = isObject(entry.meta) ? entry.meta : undefined;
  if (typeof meta?.size === "number") model.size = meta.size;
  const details: Json = {};
  if (typeof entry.owned_by === "string") details.owned_by = entry.owned_by;
  const caps = capabilitiesOf(entry);
  if (caps.length) details.capabilities = caps;
  if (Object.keys(details).length) model.details = details;
  return model;
}

/**
 * What a `/v1/models` entry says the model can do: an Ollama-style `capabilities` list (some
 * gateways), llama.cpp's `architecture.input_modalities`, or LM Studio's `type: "vlm"`.
 */
export function capabilitiesOf(entry: Json): string[] {
  const caps = new Set<string>();
  if (Array.isArray(entry.capabilities)) {
    for (const cap of entry.capabilities) if (typeof cap === "string") caps.add(cap);
  }
  const architecture = isObject(entry.architecture) ? entry.architecture : undefined;
  const inputs = architecture?.input_modalities;
  if (Array.isArray(inputs) && inputs.includes("image")) caps.add("vision");
  if (entry.type === "vlm") caps.add("vision");
  return [...caps];
}
