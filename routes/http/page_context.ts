import type { Context } from "hono";
import type { Services } from "../../lib/app/services.ts";
import type { FormState } from "./form_state.ts";
import type { HomePageProps } from "../../views/home_page.tsx";
import type { ErrorView } from "../../views/error_alert.tsx";
import { AppError } from "../../lib/app/errors.ts";
import { log } from "../../lib/app/logger.ts";
import { fromDatabaseError } from "../../lib/history/store.ts";

/** Whether Ollama answers, for the header's status pill (cached a few seconds). */
export async function ollamaStatus(
  services: Services,
): Promise<{ reachable: boolean; url: string }> {
  const models = await services.models.get(services.config.ollamaModel);
  return { reachable: models.reachable, url: services.config.ollamaUrl };
}

/** Any error as the page shows it; unexpected ones are logged and shown without details. */
export function toErrorView(failure: unknown): ErrorView {
  const err = fromDatabaseError(failure);
  if (err instanceof AppError) return { title: err.title, message: err.message };
  if (err instanceof DOMException && err.name === "AbortError") {
    return { title: "Stopped", message: "You stopped the generation; nothing was saved." };
  }
  log("ui").error("Request failed: {error}", { error: String(err) });
  return {
    title: "Unexpected error",
    message: "Something went wrong; the details are in the log. Try again.",
  };
}

/** The HTTP status a page shows an error with. */
export function errorStatus(failure: unknown): number {
  const err = fromDatabaseError(failure);
  return err instanceof AppError ? err.status : 500;
}

/** Whether a request came from htmx (and so wants a fragment, never JSON or a full page). */
export function isHtmx(c: Context): boolean {
  return c.req.header("HX-Request") === "true" && c.req.header("HX-Boosted") !== "true";
}

/** Reads a form post (or query string) as key/value pairs. */
export async function formEntries(c: Context): Promise<[string, string][]> {
  if (c.req.method === "GET") return [...new URL(c.req.url).searchParams.entries()];
  const text = await c.req.text();
  return [...new URLSearchParams(text).entries()];
}

/** Everything the main page needs besides the result: catalog, targets, models, personas. */
export async function homeProps(
  services: Services,
  form: FormState,
): Promise<Omit<HomePageProps, "result" | "error" | "chat">> {
  const { config } = services;
  const models = await services.models.get(config.ollamaModel);
  if (!form.ollama_model) form.ollama_model = config.ollamaModel;
  return {
    form,
    targets: services.targets,
    catalog: services.presets.get(config.enableNsfwPresets),
    models: { names: models.names, default: config.ollamaModel, notice: models.notice },
    personas: services.personas.list(config.enableNsfwPresets),
    hierarchicalFirst: config.enableHierarchicalPresets,
    ollama: { reachable: models.reachable, url: config.ollamaUrl },
  };
}
