import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import type { Config } from "./config.ts";
import { OllamaClient } from "../llm/ollama_client.ts";
import { openDatabase } from "../history/db.ts";
import { HistoryStore } from "../history/store.ts";
import { CustomPresetStore } from "../presets/custom_store.ts";
import { PresetStore } from "../presets/store.ts";
import { loadTargets, type Target } from "../prompt/targets.ts";
import { log } from "./logger.ts";
import { AppError } from "./errors.ts";
import { loadWildcards } from "../prompt/wildcards.ts";
import { PersonaBook } from "../chat/personas.ts";
import { ConversationStore } from "../chat/conversations.ts";
import { ModelList } from "../llm/model_list.ts";
import { RunRegistry } from "./runs.ts";
import { ConcurrencyLimiter } from "./slots.ts";
import type { GenerationDeps } from "../generate/generation.ts";
import type { PlanContext } from "../prompt/plans.ts";
import { BatchRegistry, type BatchResult } from "../batch/batch.ts";
import { ComfyService } from "../comfy/jobs.ts";
import { ComfyClient } from "../comfy/client.ts";

/** Everything the routes use, created once at start-up (or with fakes and `:memory:` in tests). */
export interface Services {
  config: Config;
  ollama: OllamaClient;
  db: DatabaseSync | null;
  /** Null when the database could not be opened: history routes answer 503, generation goes on. */
  history: HistoryStore | null;
  historyError: string | null;
  custom: CustomPresetStore | null;
  presets: PresetStore;
  targets: Target[];
  kv: Deno.Kv;
  now: () => Date;
  /** Generations still streaming; shutdown waits for them to end. */
  inflight: Set<AbortController>;
  personas: PersonaBook;
  models: ModelList;
  runs: RunRegistry;
  /** Caps concurrent generations per client. */
  limiter: ConcurrencyLimiter;
  /** Callbacks run when the app shuts down. */
  onShutdown: (() => void)[];
  /** ComfyUI workflows and jobs; null when the database is unavailable. */
  comfy: ComfyService | null;
  /** Batches of the last hour, for progress, cancel and export. */
  batches: BatchRegistry<BatchResult>;
  conversations: ConversationStore;
  /** Wildcard lists: built-in ones plus `DATA_DIR/wildcards/*.txt`, read on use. */
  wildcards: () => Record<string, string[]>;
}

/** Options for `openServices`, mostly for tests. */
export interface OpenOptions {
  fetch?: typeof fetch;
  /** ":memory:" keeps the database and KV in memory. */
  storage?: "disk" | "memory";
  now?: () => Date;
  builtinPresets?: URL | string;
}

/** Opens the database, KV store, presets and Ollama client described by the config. */
export async function openServices(config: Config, options: OpenOptions = {}): Promise<Services> {
  const memory = options.storage === "memory";
  if (!memory) Deno.mkdirSync(config.dataDir, { recursive: true });
  const now = options.now ?? (() => new Date());
  let db: DatabaseSync | null = null;
  let historyError: string | null = null;
  try {
    db = openDatabase(memory ? ":memory:" : join(config.dataDir, "history.db"));
  } catch (err) {
    historyError = err instanceof Error ? err.message : String(err);
    log("history").error("History is unavailable: {error}", { error: historyError });
  }
  const custom = db ? new CustomPresetStore(db, { now }) : null;
  const presets = new PresetStore({
    builtinDir: options.builtinPresets,
    userDir: memory ? undefined : join(config.dataDir, "presets"),
    custom: custom ?? undefined,
  });
  const kv = await Deno.openKv(memory ? ":memory:" : join(config.dataDir, "sessions.kv"));
  const ollama = new OllamaClient({
    baseUrl: config.ollamaUrl,
    timeoutMs: config.ollamaTimeoutMs,
    fetch: options.fetch,
  });
  return {
    config,
    ollama,
    db,
    history: db ? new HistoryStore(db, { now }) : null,
    historyError,
    custom,
    presets,
    targets: loadTargets(),
    kv,
    now,
    inflight: new Set(),
    personas: new PersonaBook(),
    models: new ModelList(ollama),
    runs: new RunRegistry(),
    limiter: new ConcurrencyLimiter(config.maxGenerationsPerClient),
    onShutdown: [],
    batches: new BatchRegistry(),
    comfy: db
      ? new ComfyService(db, new ComfyClient(config.comfyuiUrl, { fetch: options.fetch }), { now })
      : null,
    conversations: new ConversationStore(kv, { now: () => now().getTime() }),
    wildcards: cachedFor(
      1000,
      () => loadWildcards(memory ? undefined : join(config.dataDir, "wildcards")),
    ),
  };
}

/** Wraps a loader so it runs at most once per `ms`; files edited meanwhile show up a moment later. */
function cachedFor<T>(ms: number, load: () => T): () => T {
  let at = -Infinity;
  let value: T;
  return () => {
    const now = performance.now();
    if (now - at >= ms) {
      value = load();
      at = now;
    }
    return value;
  };
}

/** The reason in-flight generations end with when the app shuts down. */
export function shutdownError(): AppError {
  return new AppError(
    503,
    "Shutting down",
    "Promptsmith is shutting down; try again once it is running.",
    "shutdown",
  );
}

/** Ends every in-flight generation, telling its client why. */
export function endInflight(services: Services): void {
  for (const c of services.inflight) c.abort(shutdownError());
  services.runs.stopAll();
  for (const fn of services.onShutdown) fn();
  services.batches.cancelAll();
}

/** Closes the stores; in-flight generations are aborted first. */
export function closeServices(services: Services): void {
  endInflight(services);
  try {
    services.kv.close();
  } catch {
    // Already closed.
  }
  if (services.db?.isOpen) services.db.close();
}

/** What a generation needs from the services: the LLM, history, and the model digest lookup. */
export function generationDeps(services: Services): GenerationDeps {
  return {
    ollama: services.ollama,
    history: services.history,
    digestOf: (model) => services.ollama.digest(model),
  };
}

/** What plans are built from: targets, the current presets, the default LLM and wildcards. */
export function planContext(services: Services): PlanContext {
  return {
    targets: services.targets,
    catalog: services.presets.get(services.config.enableNsfwPresets),
    defaultModel: services.config.ollamaModel,
    wildcards: services.wildcards(),
  };
}
