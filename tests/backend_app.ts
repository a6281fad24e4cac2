/**
 * One app over either fake LLM server, so a test can run the same flow against Ollama's native
 * API and an OpenAI-compatible server and expect the same product behaviour.
 */
import { type AppAt, closedPortUrl, startAppAt } from "./helpers.ts";
import { type FakeOllamaOptions, startFakeOllama } from "./fakes/fake_ollama.ts";
import {
  type FakeOpenAiModel,
  type FakeOpenAiOptions,
  startFakeOpenAi,
} from "./fakes/fake_openai.ts";
import type { BackendSetting } from "../lib/llm/types.ts";

/** Which fake answers, and what `LLM_BACKEND` says. */
export interface BackendCase {
  name: string;
  server: "ollama" | "openai";
  setting: BackendSetting;
}

/** The configurations every flow is run under. */
export const BACKEND_CASES: BackendCase[] = [
  { name: "Ollama, LLM_BACKEND=auto", server: "ollama", setting: "auto" },
  { name: "OpenAI-compatible, LLM_BACKEND=auto", server: "openai", setting: "auto" },
  { name: "OpenAI-compatible, LLM_BACKEND=openai", server: "openai", setting: "openai" },
];

/** A misbehaviour both fakes can show, each in its own protocol's way. */
export type CommonFault = "none" | "hang" | "hang-mid" | "crash" | "mid-error" | "truncate";

const OLLAMA_FAULTS = {
  none: "none",
  hang: "hang",
  "hang-mid": "hang-mid",
  crash: "load-fail",
  "mid-error": "mid-error",
  truncate: "truncate",
} as const;

const OPENAI_FAULTS = {
  none: "none",
  hang: "stall-headers",
  "hang-mid": "stall-mid",
  crash: "crash",
  "mid-error": "error-data",
  truncate: "error-eof",
} as const;

/** What a test needs of either fake. */
export interface AnyFake {
  url: string;
  requests: { path: string; body: unknown; headers: Record<string, string> }[];
  readonly openStreams: number;
  readonly cancelledStreams: number;
  readonly peakStreams: number;
  chatRequests(): Record<string, unknown>[];
  fault(fault: CommonFault): Promise<void>;
  close(): Promise<void>;
}

/** Settings for either fake. */
export interface AnyFakeOptions {
  tokenDelayMs?: number;
  fault?: CommonFault;
  /** Only the OpenAI fake checks keys (a gateway or vLLM with `--api-key`). */
  apiKey?: string;
  /** The OpenAI fake's models, when a test needs names only such servers use. */
  openAiModels?: FakeOpenAiModel[];
}

/** Starts the fake of the given kind. */
export function startAnyFake(server: BackendCase["server"], options: AnyFakeOptions = {}): AnyFake {
  const fault = options.fault ?? "none";
  if (server === "ollama") {
    const settings: FakeOllamaOptions = { tokenDelayMs: options.tokenDelayMs };
    const fake = startFakeOllama({ ...settings, fault: OLLAMA_FAULTS[fault] });
    return {
      get url() {
        return fake.url;
      },
      requests: fake.requests,
      get openStreams() {
        return fake.openStreams;
      },
      get cancelledStreams() {
        return fake.cancelledStreams;
      },
      get peakStreams() {
        return fake.peakStreams;
      },
      chatRequests: () => fake.chatRequests(),
      fault: (f) => Promise.resolve(fake.set({ fault: OLLAMA_FAULTS[f] })),
      close: () => fake.close(),
    };
  }
  const settings: FakeOpenAiOptions = {
    tokenDelayMs: options.tokenDelayMs,
    apiKey: options.apiKey,
    models: options.openAiModels,
  };
  const fake = startFakeOpenAi({ ...settings, fault: OPENAI_FAULTS[fault] });
  return {
    url: fake.url,
    requests: fake.requests,
    get openStreams() {
      return fake.openStreams;
    },
    get cancelledStreams() {
      return fake.cancelledStreams;
    },
    get peakStreams() {
      return fake.peakStreams;
    },
    chatRequests: () => fake.chatRequests(),
    fault: (f) => fake.set({ fault: OPENAI_FAULTS[f] }),
    close: () => fake.close(),
  };
}

/** The seed and temperature a chat request carried, from either wire. */
export function sentSampling(
  body: Record<string, unknown>,
): { seed?: unknown; temperature?: unknown } {
  const holder = (body.options ?? body) as Record<string, unknown>;
  const out: { seed?: unknown; temperature?: unknown } = {};
  if (holder.seed !== undefined) out.seed = holder.seed;
  if (holder.temperature !== undefined) out.temperature = holder.temperature;
  return out;
}

/** An app and the fake it talks to. */
export interface BackendApp extends AppAt {
  fake: AnyFake;
  case: BackendCase;
}

/** Options for `startBackendApp`. */
export interface BackendAppOptions extends AnyFakeOptions {
  env?: Record<string, string>;
  /** Point the app at a closed port instead of the fake. */
  down?: boolean;
}

/** Starts the case's fake and an app configured for it (in-memory stores). */
export async function startBackendApp(
  backend: BackendCase,
  options: BackendAppOptions = {},
): Promise<BackendApp> {
  const fake = startAnyFake(backend.server, options);
  const app = await startAppAt(options.down ? closedPortUrl() : fake.url, {
    env: { LLM_BACKEND: backend.setting, ...options.env },
  });
  return {
    ...app,
    fake,
    case: backend,
    async close() {
      await app.close();
      await fake.close();
    },
  };
}
