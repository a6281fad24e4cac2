import type { BackendKind } from "./types.ts";

/** How the page, `/healthz` and the log name the server: by its protocol, once that is known. */
export function backendName(kind: BackendKind | null): string {
  if (kind === "ollama") return "Ollama";
  if (kind === "openai") return "OpenAI-compatible server";
  return "LLM server";
}
