import { AppError } from "../app/errors.ts";

/** The LLM server could not be reached at all (refused, DNS, reset before a reply). */
export function llmUnreachable(url: string, cause?: unknown): AppError {
  const err = new AppError(
    503,
    "Connection Error",
    `Cannot connect to the LLM server at ${url}: start it (in LM Studio, start the local server; ` +
      `for llama.cpp, run llama-server), or set LLM_URL to where it runs.`,
    "connection_error",
  );
  err.cause = cause;
  return err;
}

/** The LLM server took the request but made no useful progress for longer than the timeout. */
export function llmTimeout(url: string, seconds: number): AppError {
  const shown = seconds >= 10 ? Math.round(seconds) : Math.round(seconds * 10) / 10;
  return new AppError(
    504,
    "Timeout Error",
    `The LLM server at ${url} sent nothing useful for ${shown} seconds: the model may still be ` +
      `loading; try again, use a smaller model, or raise OLLAMA_TIMEOUT.`,
    "timeout_error",
  );
}

/** The model named in the request is not one the LLM server has. */
export function llmModelNotFound(url: string, model: string): AppError {
  return new AppError(
    404,
    "Model Not Found",
    `The model "${model}" is not available on the LLM server at ${url}: load or download it ` +
      `there, or pick one of the models it lists.`,
    "model_not_found",
  );
}

/** The LLM server answered with an error or with something that breaks the protocol. */
export function llmApiError(url: string, detail: string): AppError {
  return new AppError(
    502,
    "API Error",
    `The LLM server at ${url} reported a problem: ${detail}. Check its logs, then try again.`,
    "api_error",
  );
}
