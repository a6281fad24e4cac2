import { parseEnv } from "node:util";
import { join } from "node:path";
import { defaultDataDir } from "./data_dir.ts";
import { isLoopback } from "./auth.ts";

/** Log levels accepted by `LOG_LEVEL`, lowest first. */
export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"] as const;
/** One of the accepted log levels. */
export type LogLevel = typeof LOG_LEVELS[number];

/** The application's settings, resolved from flags, the environment and `.env` files. */
export interface Config {
  ollamaUrl: string;
  ollamaModel: string;
  ollamaTimeoutMs: number;
  ollamaStartupCheck: boolean;
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

function parseUrl(name: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(`${name}="${raw}" is not a URL: use a form like http://localhost:11434`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`${name}="${raw}" must start with http:// or https://`);
  }
  return url;
}

/** Turns any accepted Ollama URL (including the legacy `…/api/generate` form) into a base URL without a trailing slash. */
export function normalizeOllamaUrl(raw: string): string {
  const url = parseUrl("OLLAMA_URL", raw);
  let path = url.pathname.replace(/\/+$/, "");
  path = path.replace(/\/api(\/(generate|chat))?$/, "");
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

  const timeoutRaw = get("OLLAMA_TIMEOUT") ?? "120";
  const timeout = Number(timeoutRaw);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 3600) {
    throw new ConfigError(
      `OLLAMA_TIMEOUT="${timeoutRaw}" is not a timeout: use a number of seconds from 1 to 3600`,
    );
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

  const comfyRaw = get("COMFYUI_URL") ?? "http://127.0.0.1:8188";
  parseUrl("COMFYUI_URL", comfyRaw);

  const dataDir = get("DATA_DIR") ??
    defaultDataDir(sources.os ?? Deno.build.os, merged, sources.home);

  return {
    ollamaUrl: normalizeOllamaUrl(get("OLLAMA_URL") ?? "http://localhost:11434"),
    ollamaModel: (get("OLLAMA_MODEL") ?? "qwen3:latest").trim(),
    ollamaTimeoutMs: Math.round(timeout * 1000),
    ollamaStartupCheck: parseBool("OLLAMA_STARTUP_CHECK", get("OLLAMA_STARTUP_CHECK"), true),
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
