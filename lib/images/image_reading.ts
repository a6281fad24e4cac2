import type { GenerationSettings } from "./generation_settings.ts";
import type { PromptFound } from "./prompt_metadata.ts";

/** What an image's metadata said, as history keeps it: bounded, without the graphs. */
export interface ImageReading {
  source: "a1111" | "comfyui" | "none";
  positive: string;
  negative: string;
  settings: GenerationSettings;
  warnings: string[];
  /** Why there is no prompt, when there is none. */
  message?: string;
}

/** The longest prompt text kept from a reading. */
export const MAX_READ_TEXT = 20_000;
const MAX_WARNINGS = 20;
const MAX_WARNING = 500;
const MAX_OTHER_SETTINGS = 50;
const MAX_SETTING = 500;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function boundedSettings(settings: GenerationSettings): GenerationSettings {
  const out: GenerationSettings = { ...settings, other: {} };
  for (const key of ["sampler", "scheduler", "model", "modelHash"] as const) {
    if (typeof out[key] === "string") out[key] = cut(out[key], MAX_SETTING);
  }
  for (const [k, v] of Object.entries(settings.other).slice(0, MAX_OTHER_SETTINGS)) {
    out.other[cut(k, 100)] = cut(v, MAX_SETTING);
  }
  return out;
}

/** A metadata reading cut down to what history and pages keep (no graphs, bounded text). */
export function toReading(found: PromptFound): ImageReading {
  const warnings = found.warnings.slice(0, MAX_WARNINGS).map((w) => cut(w, MAX_WARNING));
  if (found.source === "none") {
    return {
      source: "none",
      positive: "",
      negative: "",
      settings: { other: {} },
      warnings,
      message: found.message,
    };
  }
  return {
    source: found.source,
    positive: cut(found.positive, MAX_READ_TEXT),
    negative: cut(found.negative, MAX_READ_TEXT),
    settings: boundedSettings(found.settings),
    warnings,
  };
}
