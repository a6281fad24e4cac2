import { AppError } from "../app/errors.ts";
import { llmApiError, llmTimeout, llmUnreachable } from "./errors.ts";
import type { BackendKind } from "./types.ts";
import { readCapped } from "./line_reader.ts";

/** How to ask: the fetch to use, the bearer key, and how long each question may take. */
export interface ProbeOptions {
  fetch?: typeof fetch;
  apiKey?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Largest answer read while probing; both answers are a few hundred bytes on real servers. */
const MAX_PROBE_BYTES = 256 * 1024;

/**
 * Asks the server at `url` which protocol it speaks: Ollama answers `GET /api/version` with its
 * version (asked first, since Ollama also serves `/v1`), an OpenAI-compatible server answers
 * `GET /v1/models` (a 401/403 counts: it is there and wants a key, which the client then says; so
 * does a JSON 503, which llama.cpp sends while it loads). Throws the 503 when nothing listens, the
 * 504 when it does not answer in time, and a 502 when it speaks neither.
 */
export async function probeBackend(url: string, options: ProbeOptions): Promise<BackendKind> {
  const version = await ask(url, "/api/version", options);
  if (version.status === 200 && typeof jsonField(version.body, "version") === "string") {
    return "ollama";
  }
  const models = await ask(url, "/v1/models", options);
  const parsed = parseObject(models.body);
  if (models.status === 200 && parsed && (Array.isArray(parsed.data) || parsed.data === null)) {
    return "openai";
  }
  if (models.status === 401 || models.status === 403) return "openai";
  if (models.status === 503 && parsed && "error" in parsed) return "openai";
  throw llmApiError(
    url,
    null,
    `it answers, but neither as Ollama (GET /api/version: ${said(version)}) nor as an ` +
      `OpenAI-compatible server (GET /v1/models: ${said(models)}); check LLM_URL, or set ` +
      `LLM_BACKEND to ollama or openai`,
  );
}

interface Answer {
  status: number;
  body: string;
}

function said(answer: Answer): string {
  return answer.status === 200 ? "an answer that does not fit" : `HTTP ${answer.status}`;
}

async function ask(url: string, path: string, options: ProbeOptions): Promise<Answer> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  let res: Response;
  try {
    res = await (options.fetch ?? fetch)(url + path, { headers, signal });
    // An answer past the limit is not one of the two small answers we look for.
    return { status: res.status, body: await readCapped(res, MAX_PROBE_BYTES) ?? "" };
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (options.signal?.aborted) throw options.signal.reason ?? err;
    if (timeout.aborted) throw llmTimeout(url, null, options.timeoutMs / 1000);
    throw llmUnreachable(url, null, err);
  }
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

function jsonField(text: string, name: string): unknown {
  return parseObject(text)?.[name];
}
