import { type GenerationSettings, toNumber } from "./generation_settings.ts";

/** What A1111, Forge and their kin write in a "parameters" text, split into its parts. */
export interface A1111Parameters {
  positive: string;
  negative: string;
  settings: GenerationSettings;
}

const NEGATIVE_LABEL = "Negative prompt:";
/** A settings line has at least this many "Key: value" pairs (A1111's own rule). */
const MIN_SETTINGS_PAIRS = 3;
const KEY_CHAR_REGEXP = /[\p{L}\p{N}_ \-/]/u;
const KEY_START_REGEXP = /[\p{L}\p{N}_]/u;

/** Lines like Dynamic Prompts' `Template: …` that may follow the settings line. */
const MAX_LINES_AFTER = 4;
/** Setting names are short ("Denoising strength", "Hires upscaler"); longer text is prompt. */
const MAX_KEY = 64;

function isKey(key: string): boolean {
  if (key.length < 2 || key.length > MAX_KEY || !KEY_START_REGEXP.test(key[0]!)) return false;
  for (const ch of key) if (!KEY_CHAR_REGEXP.test(ch)) return false;
  return true;
}

/** A whole line read as one `Key: value`, or null. */
function keyValue(line: string): [string, string] | null {
  const colon = line.indexOf(":");
  const key = line.slice(0, colon).trim();
  return colon > 0 && isKey(key) ? [key, line.slice(colon + 1).trim()] : null;
}

/** A quoted value is JSON-escaped by A1111; one that does not parse is kept as written. */
function unquote(raw: string): string {
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    try {
      const value = JSON.parse(raw);
      if (typeof value === "string") return value;
    } catch {
      // kept as written
    }
  }
  return raw;
}

/**
 * Splits `Key: value, Key: "quoted, value", …` into pairs in one pass. Quotes count only when a
 * value starts with one (as in A1111's parser); pieces that are not `Key: value` are skipped.
 */
export function parseSettingsLine(line: string): [string, string][] {
  const pairs: [string, string][] = [];
  const n = line.length;
  let i = 0;
  // Once a quote runs to the end unclosed, every later one does too: stop looking (keeps this linear).
  let closable = true;
  while (i < n) {
    while (i < n && line[i] === " ") i++;
    const keyStart = i;
    while (i < n && line[i] !== ":" && line[i] !== ",") i++;
    if (i >= n || line[i] === ",") {
      i++;
      continue;
    }
    const key = line.slice(keyStart, i).trim();
    i++;
    while (i < n && line[i] === " ") i++;
    let value: string;
    if (line[i] === '"' && closable) {
      let j = i + 1;
      while (j < n && line[j] !== '"') j += line[j] === "\\" ? 2 : 1;
      if (j < n) {
        value = unquote(line.slice(i, j + 1));
        i = j + 1;
        while (i < n && line[i] !== ",") i++;
      } else {
        closable = false;
        const end = line.indexOf(",", i);
        value = line.slice(i, end < 0 ? n : end);
        i = end < 0 ? n : end;
      }
    } else {
      const end = line.indexOf(",", i);
      value = line.slice(i, end < 0 ? n : end).trim();
      i = end < 0 ? n : end;
    }
    i++;
    if (isKey(key)) pairs.push([key, value]);
  }
  return pairs;
}

function settingsFrom(pairs: [string, string][]): GenerationSettings {
  const s: GenerationSettings = { other: {} };
  for (const [key, value] of pairs) {
    switch (key) {
      case "Steps":
        s.steps = toNumber(value);
        break;
      case "Sampler":
        s.sampler = value;
        break;
      case "Schedule type":
        s.scheduler = value;
        break;
      case "CFG scale":
        s.cfg = toNumber(value);
        break;
      case "Distilled CFG Scale":
        s.guidance = toNumber(value);
        break;
      case "Seed":
        s.seed = toNumber(value);
        break;
      case "Size": {
        const [w, h] = value.split("x");
        s.width = toNumber(w);
        s.height = toNumber(h);
        break;
      }
      case "Model hash":
        s.modelHash = value;
        break;
      case "Model":
        s.model = value;
        break;
      case "Denoising strength":
        s.denoise = toNumber(value);
        break;
      case "Clip skip":
        s.clipSkip = toNumber(value);
        break;
      default:
        s.other[key] = value;
    }
  }
  for (const k of Object.keys(s) as (keyof GenerationSettings)[]) {
    if (s[k] === undefined) delete s[k];
  }
  return s;
}

/**
 * Parses A1111/Forge "parameters": prompt lines, then `Negative prompt: …` (which may run over
 * several lines), then the settings line. Lines after the settings line (Dynamic Prompts'
 * `Template: …`) are kept in `settings.other`.
 */
export function parseA1111Parameters(text: string): A1111Parameters {
  const lines = text.trim().replaceAll("\r\n", "\n").split("\n");
  let settingsAt = -1;
  let pairs: [string, string][] = [];
  for (let i = lines.length - 1; i >= 0 && i >= lines.length - 1 - MAX_LINES_AFTER; i--) {
    const found = parseSettingsLine(lines[i]!);
    if (found.length >= MIN_SETTINGS_PAIRS) {
      settingsAt = i;
      pairs = found;
      break;
    }
    // Only "Key: value" lines may follow the settings line; anything else is still prompt.
    if (!keyValue(lines[i]!)) break;
  }
  const promptLines = settingsAt < 0 ? lines : lines.slice(0, settingsAt);
  const after = settingsAt < 0 ? [] : lines.slice(settingsAt + 1);
  const positive: string[] = [];
  const negative: string[] = [];
  for (const raw of promptLines) {
    const line = raw.trim();
    if (negative.length || line.startsWith(NEGATIVE_LABEL)) {
      negative.push(negative.length ? line : line.slice(NEGATIVE_LABEL.length).trim());
    } else positive.push(line);
  }
  for (const line of after) {
    const pair = keyValue(line);
    if (pair) pairs.push(pair);
  }
  return {
    positive: positive.join("\n").trim(),
    negative: negative.join("\n").trim(),
    settings: settingsFrom(pairs),
  };
}
