import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { type Config, ConfigError } from "./config.ts";
import { BackendClient } from "../llm/backend_client.ts";
import type { LlmBackend } from "../llm/types.ts";
import { openDatabase } from "../history/db.ts";
import { HistoryStore } from "../history/store.ts";
import { StoreHandle } from "../history/store_handle.ts";
import { CustomPresetStore } from "../presets/custom_store.ts";
import { PresetStore } from "../presets/store.ts";
import { loadTargets, type Target } from "../prompt/targets.ts";
import { log } from "./logger.ts";
import { AppError } from "./errors.ts";
import { loadWildcards } from "../prompt/wildcards.ts";
import { PersonaBook } from "../chat/personas.ts";
import { ConversationStore } from "../chat/conversations.ts";
import { TurnQueue } from "../chat/turn_queue.ts";
import { ModelList } from "../llm/model_list.ts";
import { RunRegistry } from "./runs.ts";
import { GenerationSlots } from "./slots.ts";
import { HeapTrimmer } from "./heap_trim.ts";
import type { GenerationDeps } from "../generate/generation.ts";
import type { PlanContext } from "../prompt/plans.ts";
import { BatchRegistry, type BatchResult } from "../batch/batch.ts";
import { ComfyService } from "../comfy/jobs.ts";
import { ComfyClient } from "../comfy/client.ts";
import { sessionSecret } from "./secret.ts";
import { ImageWorkers } from "../images/image_workers.ts";
import { PairCache } from "../compat/pairs.ts";
import { PageStateStore } from "./page_state.ts";
import { ComfyAddress } from "../comfy/address.ts";
import { StructuredPolicy } from "../generate/structured.ts";

/**
 * The app's parts, made once at start-up (or with fakes and `:memory:` stores in tests). Route
 * factories declare the few members they use (`Pick<Services, …>`), never the whole.
 */
export interface Services {
  config: Config;
  /** The LLM server's client, for whichever protocol it speaks. */
  llm: LlmBackend;
  /** The database-backed stores; each `use()` gives the store or the one 503 that says why. */
  history: StoreHandle<HistoryStore>;
  custom: StoreHandle<CustomPresetStore>;
  comfy: StoreHandle<ComfyService>;
  presets: PresetStore;
  targets: Target[];
  now: () => Date;
  personas: PersonaBook;
  conversations: ConversationStore;
  /** Chat turns of one conversation run one after another. */
  turns: TurnQueue;
  models: ModelList;
  /** Page runs (streamed over SSE to the page), kept a few minutes for reconnects. */
  runs: RunRegistry;
  /** The one generation-slot policy, and what shutdown aborts. */
  slots: GenerationSlots;
  /** Batches of the last hour, for progress, cancel and export. */
  batches: BatchRegistry<BatchResult>;
  /** Wildcard lists: built-in ones plus `DATA_DIR/wildcards/*.txt`, read on use. */
  wildcards: () => Record<string, string[]>;
  /** Signs session cookies. */
  secret: Uint8Array;
  /** Decodes, scales and reads uploaded images in workers. */
  images: ImageWorkers;
  /** Served models' replies waiting for their other half (positive or negative prompt). */
  pairs: PairCache;
  /** What the pages remember per browser session: choices, drafts, the last result. */
  pageState: PageStateStore;
  /** The ComfyUI address saved from the page, else `COMFYUI_URL`. */
  comfyAddress: ComfyAddress;
  /** Whether one-shot generation asks for JSON replies, and which models' servers refused. */
  structured: StructuredPolicy;
  /** Closes the stores; only `closeServices` calls it. */
  close(): void;
}

/** Options for `openServices`, mostly for tests. */
export interface OpenOptions {
  fetch?: typeof fetch;
  /** "memory" keeps the database and KV in memory. */
  storage?: "disk" | "memory";
  now?: () => Date;
  builtinPresets?: URL | string;
  /** Opens the KV store (tests record where it is asked to open). */
  openKv?: (path: string) => Promise<Deno.Kv>;
}

/** Opens the database, KV store, presets and LLM client described by the config. */
export async function openServices(config: Config, options: OpenOptions = {}): Promise<Services> {
  const memory = options.storage === "memory";
  if (!memory) Deno.mkdirSync(config.dataDir, { recursive: true });
  const now = options.now ?? (() => new Date());
  let db: DatabaseSync | null = null;
  let problem: string | null = null;
  try {
    db = openDatabase(memory ? ":memory:" : join(config.dataDir, "history.db"));
  } catch (err) {
    problem = err instanceof Error ? err.message : String(err);
    log("history").error("History is unavailable: {error}", { error: problem });
  }
  const custom = db ? new CustomPresetStore(db, { now }) : null;
  const presets = new PresetStore({
    builtinDir: options.builtinPresets,
    userDir: memory ? undefined : join(config.dataDir, "presets"),
    custom: custom ?? undefined,
  });
  const kv = await openSessionStore(config, memory, options.openKv);
  const llm = new BackendClient({
    setting: config.llmBackend,
    baseUrl: config.llmUrl,
    timeoutMs: config.llmTimeoutMs,
    totalTimeoutMs: config.llmTotalTimeoutMs,
    apiKey: config.llmApiKey,
    fetch: options.fetch,
  });
  const comfyAddress = new ComfyAddress(kv, config.comfyuiUrl);
  const comfyUrl = await comfyAddress.saved() ?? config.comfyuiUrl;
  const images = new ImageWorkers();
  const heap = new HeapTrimmer();
  const comfy = db
    ? new ComfyService(db, new ComfyClient(comfyUrl, { fetch: options.fetch }), { now })
    : null;
  return {
    config,
    structured: new StructuredPolicy(config.structuredOutput),
    llm,
    history: new StoreHandle(db ? new HistoryStore(db, { now }) : null, problem),
    custom: new StoreHandle(custom, problem),
    comfy: new StoreHandle(comfy, problem),
    presets,
    targets: loadTargets(),
    now,
    personas: new PersonaBook(),
    conversations: new ConversationStore(kv, { now: () => now().getTime() }),
    turns: new TurnQueue(),
    models: new ModelList(llm),
    runs: new RunRegistry(),
    slots: new GenerationSlots({
      perKey: config.maxGenerationsPerClient,
      onBusy: () => heap.busy(),
      onQuiet: () => heap.quiet(),
    }),
    batches: new BatchRegistry(),
    secret: await sessionSecret(kv),
    images,
    pairs: new PairCache({ now: () => now().getTime() }),
    pageState: new PageStateStore(kv, { now: () => now().getTime() }),
    comfyAddress,
    wildcards: cachedFor(
      1000,
      () => loadWildcards(memory ? undefined : join(config.dataDir, "wildcards")),
    ),
    close() {
      images.close();
      heap.close();
      try {
        kv.close();
      } catch {
        // Already closed.
      }
      if (db?.isOpen) db.close();
    },
  };
}

/**
 * Where sessions, conversations and the cookie secret live: a self-hosted `denokv` when `KV_URL`
 * is set (several instances then share them), otherwise a file in the data folder (or memory).
 */
export function kvLocation(config: Pick<Config, "kvUrl" | "dataDir">, memory: boolean): string {
  if (config.kvUrl) return config.kvUrl;
  return memory ? ":memory:" : join(config.dataDir, "sessions.kv");
}

/** Opens the session store; a remote one that cannot be opened stops the start with one line. */
async function openSessionStore(
  config: Config,
  memory: boolean,
  open: (path: string) => Promise<Deno.Kv> = Deno.openKv,
): Promise<Deno.Kv> {
  const where = kvLocation(config, memory);
  if (!config.kvUrl) return await open(where);
  // Deno reads the token from the environment only; a token from a .env file is put there.
  if (config.kvAccessToken && Deno.env.get("DENO_KV_ACCESS_TOKEN") !== config.kvAccessToken) {
    Deno.env.set("DENO_KV_ACCESS_TOKEN", config.kvAccessToken);
  }
  try {
    return await open(where);
  } catch (err) {
    let why = err instanceof Error ? err.message : String(err);
    if (config.kvAccessToken) why = why.split(config.kvAccessToken).join("[access token]");
    throw new ConfigError(
      `Cannot open the session store at KV_URL=${where}: ${why}. Check that denokv runs there ` +
        `and that DENO_KV_ACCESS_TOKEN is the token it was started with.`,
    );
  }
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

/** Ends every generation in progress, telling its client why. */
export function endInflight(services: Pick<Services, "slots" | "runs" | "batches">): void {
  const reason = shutdownError();
  services.slots.abortAll(reason);
  services.runs.stopAll(reason);
  services.batches.cancelAll();
}

/** Closes the stores; generations in progress are ended first. */
export function closeServices(services: Services): void {
  endInflight(services);
  services.close();
}

/** What a generation needs from the services: the LLM, history, and the model digest lookup. */
export function generationDeps(
  services: Pick<Services, "llm" | "history"> & Partial<Pick<Services, "structured">>,
): GenerationDeps {
  return {
    llm: services.llm,
    ...(services.structured ? { structured: services.structured } : {}),
    history: services.history.peek(),
    digestOf: (model) => services.llm.digest(model),
  };
}

/** What plans are built from: targets, the current presets, the default LLM and wildcards. */
export function planContext(
  services: Pick<Services, "targets" | "presets" | "config" | "wildcards">,
): PlanContext {
  return {
    targets: services.targets,
    catalog: services.presets.get(services.config.enableNsfwPresets),
    defaultModel: services.config.ollamaModel,
    wildcards: services.wildcards(),
  };
}
