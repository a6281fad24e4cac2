import { AppError } from "../app/errors.ts";
import type { BackendKind } from "./types.ts";

/**
 * The errors every LLM client throws, worded for the backend: Ollama is named (with its commands)
 * only when the backend is Ollama; an OpenAI-compatible server, or one not identified yet, is
 * "the LLM server". Statuses are the same for both: 503 unreachable, 504 no progress, 404 unknown
 * model, 502 anything else the server got wrong.
 */

/** How a message names the server. */
function serverName(kind: BackendKind | null): string {
  return kind === "ollama" ? "Ollama" : "the LLM server";
}

function seconds(value: number): number {
  return value >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
}

/** The LLM server could not be reached at all (refused, DNS, reset before a reply). */
export function llmUnreachable(url: string, kind: BackendKind | null, cause?: unknown): AppError {
  const how = kind === "ollama"
    ? `start it with "ollama serve"`
    : kind === "openai"
    ? "start it (in LM Studio, start the local server; for llama.cpp, run llama-server)"
    : `start it ("ollama serve", LM Studio's local server, llama-server, vLLM…)`;
  const err = new AppError(
    503,
    "Connection Error",
    `Cannot connect to ${serverName(kind)} at ${url}: ${how}, or set LLM_URL to where it runs.`,
    "connection_error",
  );
  err.cause = cause;
  return err;
}

/** The LLM server took the request but made no useful progress for longer than the timeout. */
export function llmTimeout(url: string, kind: BackendKind | null, waited: number): AppError {
  const who = kind === "ollama" ? "Ollama" : `The LLM server at ${url}`;
  const n = seconds(waited);
  return new AppError(
    504,
    "Timeout Error",
    `${who} sent nothing useful for ${n} second${n === 1 ? "" : "s"}: the model may still be ` +
      `loading; try again, use a smaller model, or raise LLM_TIMEOUT.`,
    "timeout_error",
  );
}

/** The generation went on longer than the total time limit, however steadily it progressed. */
export function llmTotalTimeout(url: string, kind: BackendKind | null, limit: number): AppError {
  const who = kind === "ollama" ? "Ollama" : `The LLM server at ${url}`;
  const n = seconds(limit);
  return new AppError(
    504,
    "Timeout Error",
    `${who} was still writing after ${n} second${n === 1 ? "" : "s"}, the most one generation ` +
      `may take, so it was stopped: ask for a shorter reply, use a faster model, or raise ` +
      `LLM_TOTAL_TIMEOUT.`,
    "timeout_error",
  );
}

/** The model named in the request is not one the LLM server has. */
export function llmModelNotFound(url: string, kind: BackendKind | null, model: string): AppError {
  return new AppError(
    404,
    "Model Not Found",
    kind === "ollama"
      ? `The model "${model}" is not installed in Ollama: run "ollama pull ${model}", or pick ` +
        `an installed model.`
      : `The model "${model}" is not available on the LLM server at ${url}: load or download ` +
        `it there, or pick one of the models it lists.`,
    "model_not_found",
  );
}

/** The LLM server answered with an error or with something that breaks the protocol. */
export function llmApiError(url: string, kind: BackendKind | null, detail: string): AppError {
  const who = kind === "ollama" ? "Ollama" : `The LLM server at ${url}`;
  const logs = kind === "ollama" ? "the Ollama logs" : "its logs";
  return new AppError(
    502,
    "API Error",
    `${who} reported a problem: ${detail}. Check ${logs}, then try again.`,
    "api_error",
  );
}

// The Ollama client's names for the same errors.

/** Ollama could not be reached at all. */
export function ollamaUnreachable(baseUrl: string, cause?: unknown): AppError {
  return llmUnreachable(baseUrl, "ollama", cause);
}

/** The model is not installed in Ollama. */
export function ollamaModelNotFound(model: string): AppError {
  return llmModelNotFound("", "ollama", model);
}

/** Ollama answered with an error or with something that breaks the protocol. */
export function ollamaApiError(detail: string): AppError {
  return llmApiError("", "ollama", detail);
}
