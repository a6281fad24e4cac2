import type { Context } from "hono";
import type { Services } from "../../lib/app/services.ts";
import type { FormState } from "./form_state.ts";
import type { HomePageProps } from "../../views/home_page.tsx";
import type { ErrorView } from "../../views/error_alert.tsx";
import { AppError, badInput } from "../../lib/app/errors.ts";
import { nulMessage } from "../../lib/app/nul.ts";
import { log } from "../../lib/app/logger.ts";
import { fromDatabaseError } from "../../lib/history/store.ts";
import { backendName } from "../../lib/llm/backend_name.ts";
import type { Theme } from "../../views/layout.tsx";
import { themeOf } from "./theme.ts";
import { isMultipart } from "./request_body.ts";

/** Whether the LLM server answers, where it is, and what it is (for the status pill). */
export interface LlmStatus {
  reachable: boolean;
  url: string;
  /** "Ollama", "OpenAI-compatible server", or "LLM server" while that is not known. */
  name: string;
}

/** What the page shell shows on every page: whether the LLM server answers, and the theme. */
export interface Chrome {
  ollama: LlmStatus;
  theme: Theme;
  /** The page's own address, where the theme switch comes back to. */
  path: string;
  /** Whether the shell offers a logout (only when AUTH_TOKEN asks for a login). */
  logout: boolean;
}

/** The status pill's data; read after the listing, which is when `auto` learns the kind. */
export function llmStatus(
  services: Pick<Services, "config" | "llm">,
  reachable: boolean,
): LlmStatus {
  return { reachable, url: services.config.llmUrl, name: backendName(services.llm.kind) };
}

/** The page's path and query, for coming back to it. */
function pathOf(c: Context): string {
  const url = new URL(c.req.url);
  return c.req.method === "GET" ? url.pathname + url.search : url.pathname;
}

/** The page shell's data (the model listing is cached a few seconds, so this is cheap). */
export async function pageChrome(
  services: Pick<Services, "models" | "config" | "llm">,
  c: Context,
): Promise<Chrome> {
  const models = await services.models.get(services.config.ollamaModel);
  return {
    ollama: llmStatus(services, models.reachable),
    theme: themeOf(c),
    path: pathOf(c),
    logout: Boolean(services.config.authToken),
  };
}

/** What the pages with a generation form need: the shell, targets, presets, models, personas. */
export type FormPageDeps = Pick<
  Services,
  "models" | "config" | "targets" | "presets" | "personas" | "llm"
>;

/** The props every form page shares: the shell, targets, catalog, models and personas. */
export async function formPageProps(services: FormPageDeps, c: Context) {
  const { config } = services;
  const models = await services.models.get(config.ollamaModel);
  return {
    ...await pageChrome(services, c),
    targets: services.targets,
    catalog: services.presets.get(config.enableNsfwPresets),
    models: {
      names: models.names,
      default: config.ollamaModel,
      notice: models.notice,
      reachable: models.reachable,
    },
    personas: services.personas.list(config.enableNsfwPresets),
    hierarchicalFirst: config.enableHierarchicalPresets,
  };
}

/** Everything the main page needs besides the result: the form page props and the form. */
export async function homeProps(
  services: FormPageDeps,
  c: Context,
  form: FormState,
): Promise<Omit<HomePageProps, "result" | "error" | "chat">> {
  if (!form.ollama_model) form.ollama_model = services.config.ollamaModel;
  return { ...await formPageProps(services, c), form };
}

/** Whether a failure means the LLM server could not be reached. */
export function isOffline(failure: unknown): boolean {
  return failure instanceof AppError && failure.type === "connection_error";
}

/** Any error as the page shows it; unexpected ones are logged and shown without details. */
export function toErrorView(failure: unknown): ErrorView {
  const err = fromDatabaseError(failure);
  if (err instanceof AppError) {
    return isOffline(err)
      ? { title: "The LLM server is offline", message: err.message, tone: "notice" }
      : { title: err.title, message: err.message };
  }
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

/**
 * Reads a form post (or query string) as key/value pairs; a multipart post (a form with a file
 * input) gives its text fields the same way.
 */
export async function formEntries(c: Context): Promise<[string, string][]> {
  return withoutNul(await readEntries(c));
}

async function readEntries(c: Context): Promise<[string, string][]> {
  if (c.req.method === "GET") return [...new URL(c.req.url).searchParams.entries()];
  if (isMultipart(c)) {
    const data = await c.req.formData();
    const out: [string, string][] = [];
    data.forEach((value, key) => {
      if (typeof value === "string") out.push([key, value]);
    });
    return out;
  }
  const text = await c.req.text();
  return [...new URLSearchParams(text).entries()];
}

/** The entries, or the 400 that names the first field holding a NUL (text cannot keep it). */
function withoutNul(entries: [string, string][]): [string, string][] {
  for (const [key, value] of entries) {
    if (key.includes("\0")) throw badInput(nulMessage({ field: "form", key: true }));
    if (value.includes("\0")) throw badInput(nulMessage({ field: key, key: false }));
  }
  return entries;
}
