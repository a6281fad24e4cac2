import { parseEnv } from "node:util";
import { join } from "node:path";
import { defaultDataDir } from "./data_dir.ts";
import { isLoopback } from "./auth.ts";
import type { BackendSetting } from "../llm/types.ts";
import { STRUCTURED_SETTINGS, type StructuredSetting } from "../generate/structured.ts";

/** Log levels accepted by `LOG_LEVEL`, lowest first. */
export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"] as const;
/** One of the accepted log levels. */
export type LogLevel = typeof LOG_LEVELS[number];

/** The application's settings, resolved from flags, the environment and `.env` files. */
export interface Config {
  /** Which protocol the LLM server speaks, or `auto` to ask it. */
  llmBackend: BackendSetting;
  /** The LLM server's base URL: no trailing slash, no `/api` or `/v1` part, no credentials. */
  llmUrl: string;
  /** Sent as a bearer token to the LLM server; never logged or shown. */
  llmApiKey: string | undefined;
  /** The LLM used when a request names none (the API's `ollama_model`). */
  ollamaModel: string;
  /** How long the LLM server may make no progress before a 504. */
  llmTimeoutMs: number;
  /** The longest one generation may take in all, however steadily the LLM server writes. */
  llmTotalTimeoutMs: number;
  /** Ask the LLM server at start (and log what answers), without waiting for it. */
  llmStartupCheck: boolean;
  /** A self-hosted `denokv` for sessions, shared by every instance; unset: a file in `dataDir`. */
  kvUrl: string | undefined;
  /** The access token `denokv` was started with (`DENO_KV_ACCESS_TOKEN`); never shown. */
  kvAccessToken: string | undefined;
  host: string;
  port: number;
  /** True when the port came from the user rather than the default, so start-up must not move it. */
  portExplicit: boolean;
  dataDir: string;
  logLevel: LogLevel;
  enableHierarchicalPresets: boolean;
  enableNsfwPresets: boolean;
  openBrowser: boolean;
  authToken: string | undefined;
  /** When set, `/admin/reload-prompts` takes this key (and only it), as in the original app. */
  adminApiKey: string | undefined;
  comfyuiUrl: string;
  /** Extra Host names accepted besides loopback names and IP addresses. */
  allowedHosts: string[];
  /** How many generations one client may run at once (429 past it). */
  maxGenerationsPerClient: number;
  /** How long a request body may go without a byte before the request ends with a 408. */
  bodyTimeoutMs: number;
  /** Ask the LLM for JSON replies in one-shot generation: always, never, or until refused. */
  structuredOutput: StructuredSetting;
}

/** A configuration value that cannot be used; start-up prints its message and exits with 2. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Where configuration comes from; everything is passed in so tests never touch the real environment. */
export interface ConfigSources {
  /** Process environment (wins over `.env` files). */
  env: Record<string, string | undefined>;
  /** Contents of `.env` files, lowest priority first. */
  envFiles?: string[];
  /** Values from command-line flags (win over everything). */
  flags?: { port?: number; host?: string; open?: boolean };
  /** Operating system, for the per-user data folder. */
  os?: typeof Deno.build.os;
  /** Home and app-data folders, for the per-user data folder. */
  home?: string;
}

const TRUE_WORDS = new Set(["1", "true", "yes", "on"]);
const FALSE_WORDS = new Set(["0", "false", "no", "off"]);

function parseBool(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw.trim() === "") return fallback;
  const v = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(v)) return true;
  if (FALSE_WORDS.has(v)) return false;
  throw new ConfigError(`${name}="${raw}" is not a yes/no value: use true or false`);
}

function parsePort(name: string, raw: string): number {
  const n = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || n < 1 || n > 65535) {
    throw new ConfigError(
      `${name}="${raw}" is not a port number: use a whole number from 1 to 65535`,
    );
  }
  return n;
}

function parseUrl(name: string, raw: string, example = "http://localhost:11434"): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(`${name}="${raw}" is not a URL: use a form like ${example}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`${name}="${raw}" must start with http:// or https://`);
  }
  return url;
}

/** What `LLM_BACKEND` accepts. */
export const LLM_BACKENDS: readonly BackendSetting[] = ["auto", "ollama", "openai"];

/**
 * Turns any accepted LLM server address into a base URL without a trailing slash: the legacy
 * Ollama forms (`…/api/generate`, `…/api/chat`, `…/api`) and the OpenAI forms (`…/v1`,
 * `…/v1/chat/completions`) that servers print and users paste are cut back to the base.
 */
export function normalizeLlmUrl(raw: string, name = "LLM_URL"): string {
  const url = parseUrl(name, raw);
  if (url.username || url.password) {
    throw new ConfigError(
      `${name} must not hold a user name or password (they would show wherever the address ` +
        `does): put the key in LLM_API_KEY instead`,
    );
  }
  let path = url.pathname.replace(/\/+$/, "");
  path = path.replace(/\/api(\/(generate|chat))?$/, "");
  path = path.replace(/\/v1(\/chat\/completions)?$/, "");
  return `${url.protocol}//${url.host}${path}`;
}

/** Reads `.env` text into a map; malformed lines are ignored as dotenv tools do. */
export function parseEnvText(text: string): Record<string, string> {
  return parseEnv(text) as Record<string, string>;
}

/** Resolves the configuration, or throws `ConfigError` with one clear line. */
export function loadConfig(sources: ConfigSources): Config {
  const merged: Record<string, string | undefined> = {};
  for (const text of sources.envFiles ?? []) Object.assign(merged, parseEnvText(text));
  for (const [k, v] of Object.entries(sources.env)) if (v !== undefined) merged[k] = v;
  const get = (name: string) => {
    const v = merged[name];
    return v === undefined || v.trim() === "" ? undefined : v;
  };

  // Each LLM_* name wins over the OLLAMA_* name it replaces, which is still honoured.
  const either = (name: string, legacy: string) =>
    get(name) !== undefined ? { name, value: get(name) } : { name: legacy, value: get(legacy) };

  const backendRaw = (get("LLM_BACKEND") ?? "auto").trim().toLowerCase();
  if (!(LLM_BACKENDS as readonly string[]).includes(backendRaw)) {
    throw new ConfigError(
      `LLM_BACKEND="${get("LLM_BACKEND")}" is not a backend: use ollama, openai or auto`,
    );
  }
  const urlSetting = either("LLM_URL", "OLLAMA_URL");
  const llmUrl = normalizeLlmUrl(urlSetting.value ?? "http://localhost:11434", urlSetting.name);

  const timeoutSetting = either("LLM_TIMEOUT", "OLLAMA_TIMEOUT");
  const timeoutRaw = timeoutSetting.value ?? "120";
  const timeout = Number(timeoutRaw);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 3600) {
    throw new ConfigError(
      `${timeoutSetting.name}="${timeoutRaw}" is not a timeout: use a number of seconds from 1 ` +
        `to 3600`,
    );
  }
  const totalRaw = get("LLM_TOTAL_TIMEOUT") ?? "1800";
  const total = Number(totalRaw);
  if (
    !/^\s*[0-9.]+\s*$/.test(totalRaw) || !Number.isFinite(total) || total <= 0 || total > 86_400
  ) {
    throw new ConfigError(
      `LLM_TOTAL_TIMEOUT="${totalRaw}" is not a time limit: use a number of seconds from 1 to ` +
        `86400 (a day)`,
    );
  }
  const checkSetting = either("LLM_STARTUP_CHECK", "OLLAMA_STARTUP_CHECK");

  const kvUrl = get("KV_URL")?.trim();
  const kvAccessToken = get("DENO_KV_ACCESS_TOKEN")?.trim();
  if (kvUrl !== undefined) {
    parseUrl("KV_URL", kvUrl, "http://kv-host:4512");
    if (!kvAccessToken) {
      throw new ConfigError(
        "KV_URL needs DENO_KV_ACCESS_TOKEN: set it to the access token denokv was started with " +
          "(its --access-token)",
      );
    }
  }

  const portRaw = get("PORT") ?? get("FLASK_PORT");
  const portName = get("PORT") ? "PORT" : "FLASK_PORT";
  let port = portRaw === undefined ? 5000 : parsePort(portName, portRaw);
  let portExplicit = portRaw !== undefined;
  if (sources.flags?.port !== undefined) {
    port = sources.flags.port;
    portExplicit = true;
  }

  const levelRaw = (get("LOG_LEVEL") ?? "INFO").toUpperCase().replace(/^WARN$/, "WARNING");
  if (!(LOG_LEVELS as readonly string[]).includes(levelRaw)) {
    throw new ConfigError(
      `LOG_LEVEL="${get("LOG_LEVEL")}" is not a log level: use one of ${LOG_LEVELS.join(", ")}`,
    );
  }

  const host = sources.flags?.host ?? get("HOST") ?? "127.0.0.1";
  if (!/^[A-Za-z0-9.:\-\[\]]+$/.test(host)) {
    throw new ConfigError(`HOST="${host}" is not a host name or address: use e.g. 127.0.0.1`);
  }

  const authToken = get("AUTH_TOKEN")?.trim();
  if (authToken !== undefined && authToken.length < 16) {
    throw new ConfigError("AUTH_TOKEN is too short: use at least 16 random characters");
  }
  if (!isLoopback(host) && !authToken) {
    throw new ConfigError(
      `HOST="${host}" lets other machines in, so AUTH_TOKEN must be set: add AUTH_TOKEN=<16+ random characters>`,
    );
  }
  const maxRaw = get("MAX_GENERATIONS_PER_CLIENT") ?? "8";
  const maxGenerations = Number(maxRaw);
  if (!/^\d+$/.test(maxRaw.trim()) || maxGenerations < 1 || maxGenerations > 10_000) {
    throw new ConfigError(
      `MAX_GENERATIONS_PER_CLIENT="${maxRaw}" must be a whole number from 1 to 10000`,
    );
  }

  const bodyRaw = get("BODY_TIMEOUT") ?? "30";
  const bodyTimeout = Number(bodyRaw);
  if (!Number.isFinite(bodyTimeout) || bodyTimeout < 0.1 || bodyTimeout > 3600) {
    throw new ConfigError(
      `BODY_TIMEOUT="${bodyRaw}" is not a timeout: use a number of seconds from 0.1 to 3600`,
    );
  }

  const structuredRaw = (get("STRUCTURED_OUTPUT") ?? "auto").trim().toLowerCase() || "auto";
  if (!(STRUCTURED_SETTINGS as readonly string[]).includes(structuredRaw)) {
    throw new ConfigError(
      `STRUCTURED_OUTPUT="${get("STRUCTURED_OUTPUT")}" is not a setting: use auto, on or off`,
    );
  }

  const comfyRaw = get("COMFYUI_URL") ?? "http://127.0.0.1:8188";
  parseUrl("COMFYUI_URL", comfyRaw);

  const dataDir = get("DATA_DIR") ??
    defaultDataDir(sources.os ?? Deno.build.os, merged, sources.home);

  return {
    llmBackend: backendRaw as BackendSetting,
    llmUrl,
    llmApiKey: get("LLM_API_KEY")?.trim(),
    ollamaModel: (either("LLM_MODEL", "OLLAMA_MODEL").value ?? "qwen3:latest").trim(),
    llmTimeoutMs: Math.round(timeout * 1000),
    llmTotalTimeoutMs: Math.round(total * 1000),
    llmStartupCheck: parseBool(checkSetting.name, checkSetting.value, true),
    kvUrl: kvUrl?.replace(/\/+$/, ""),
    kvAccessToken: kvUrl === undefined ? undefined : kvAccessToken,
    host,
    port,
    portExplicit,
    dataDir,
    logLevel: levelRaw as LogLevel,
    enableHierarchicalPresets: parseBool(
      "ENABLE_HIERARCHICAL_PRESETS",
      get("ENABLE_HIERARCHICAL_PRESETS"),
      true,
    ),
    enableNsfwPresets: parseBool("ENABLE_NSFW_PRESETS", get("ENABLE_NSFW_PRESETS"), false),
    openBrowser: sources.flags?.open ?? parseBool("OPEN_BROWSER", get("OPEN_BROWSER"), true),
    authToken,
    adminApiKey: get("ADMIN_API_KEY")?.trim(),
    comfyuiUrl: comfyRaw.trim().replace(/\/+$/, ""),
    allowedHosts: (get("ALLOWED_HOSTS") ?? "").split(",").map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    maxGenerationsPerClient: maxGenerations,
    bodyTimeoutMs: Math.round(bodyTimeout * 1000),
    structuredOutput: structuredRaw as StructuredSetting,
  };
}

/** Reads the `.env` files a user may keep: the data folder's first, then the working folder's, which wins. */
export function readEnvFiles(dataDir: string, cwd = Deno.cwd()): string[] {
  const texts: string[] = [];
  for (const path of [join(dataDir, ".env"), join(cwd, ".env")]) {
    try {
      texts.push(Deno.readTextFileSync(path));
    } catch {
      // A missing .env is the normal case.
    }
  }
  return texts;
}
