import { AppError } from "../app/errors.ts";

/** Ollama could not be reached at all (refused, DNS, reset before a reply). */
export function ollamaUnreachable(baseUrl: string, cause?: unknown): AppError {
  const err = new AppError(
    503,
    "Connection Error",
    `Cannot connect to Ollama at ${baseUrl}: start it with "ollama serve", or set OLLAMA_URL to where it runs.`,
    "connection_error",
  );
  err.cause = cause;
  return err;
}

/** Ollama accepted the request but went silent for longer than the timeout. */
export function ollamaTimeout(seconds: number): AppError {
  const shown = seconds >= 10 ? Math.round(seconds) : Math.round(seconds * 10) / 10;
  return new AppError(
    504,
    "Timeout Error",
    `Ollama sent nothing for ${shown} seconds: the model may still be loading; try again, use a smaller model, or raise OLLAMA_TIMEOUT.`,
    "timeout_error",
  );
}

/** The LLM named in the request is not installed. */
export function ollamaModelNotFound(model: string): AppError {
  return new AppError(
    404,
    "Model Not Found",
    `The model "${model}" is not installed in Ollama: run "ollama pull ${model}", or pick an installed model.`,
    "model_not_found",
  );
}

/** Ollama answered with an error or with something that breaks the protocol. */
export function ollamaApiError(detail: string): AppError {
  return new AppError(
    502,
    "API Error",
    `Ollama reported a problem: ${detail}. Check the Ollama logs, then try again.`,
    "api_error",
  );
}
