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

/** A finite number from a number or numeric text, else undefined. */
export function toNumber(value: unknown): number | undefined {
  const n = typeof value === "number"
    ? value
    : typeof value === "string" && value.trim() !== ""
    ? Number(value)
    : NaN;
  return Number.isFinite(n) ? n : undefined;
}
