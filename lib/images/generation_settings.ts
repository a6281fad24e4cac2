/** The generation settings an image records, in the same shape whatever wrote them. */
export interface GenerationSettings {
  seed?: number;
  steps?: number;
  sampler?: string;
  scheduler?: string;
  cfg?: number;
  /** Flux guidance (FluxGuidance node), which plays the part of CFG there. */
  guidance?: number;
  model?: string;
  modelHash?: string;
  width?: number;
  height?: number;
  denoise?: number;
  clipSkip?: number;
  /** Everything else the writer recorded, as text (A1111's "Lora hashes", "Version"…). */
  other: Record<string, string>;
}

const SETTING_LABELS: [keyof GenerationSettings, string][] = [
  ["seed", "Seed"],
  ["steps", "Steps"],
  ["sampler", "Sampler"],
  ["scheduler", "Scheduler"],
  ["cfg", "CFG"],
  ["guidance", "Guidance"],
  ["model", "Model"],
  ["denoise", "Denoise"],
  ["clipSkip", "Clip skip"],
];

/** The settings a reading shows, as [label, value] in the order people read them, size last. */
export function settingRows(settings: GenerationSettings): [string, string][] {
  const rows: [string, string][] = SETTING_LABELS.filter(([key]) => settings[key] !== undefined)
    .map(([key, label]) => [label, String(settings[key])]);
  if (settings.width !== undefined && settings.height !== undefined) {
    rows.push(["Size", `${settings.width}×${settings.height}`]);
  }
  return rows;
}

/** A finite number from a number or numeric text, else undefined. */
export function toNumber(value: unknown): number | undefined {
  const n = typeof value === "number"
    ? value
    : typeof value === "string" && value.trim() !== ""
    ? Number(value)
    : NaN;
  return Number.isFinite(n) ? n : undefined;
}
