import { own, setOwn } from "../../lib/app/own.ts";
import type { Selections } from "../../lib/prompt/assembly.ts";
import type { HistoryEntry } from "../../lib/history/store.ts";
import type { Pack } from "../../lib/presets/catalog.ts";

/** Everything the page's form holds, as strings the way a browser sends them. */
export interface FormState {
  mode: "oneshot" | "chat";
  input: string;
  model: string;
  ollama_model: string;
  engine: "ollama" | "composer";
  persona_id: string;
  style: string;
  artist: string;
  composition: string;
  lighting: string;
  category: string;
  type: string;
  h_artist: string;
  technical: Record<string, string>;
  specifics: Record<string, string>;
  universal: Record<string, string[]>;
  temperature: string;
  seed: string;
  think: boolean;
  /** LoRA tags and trigger words to keep verbatim, comma-separated. */
  protect: string;
}

/** The form with nothing chosen. */
export function emptyForm(defaults: { model?: string; ollama_model?: string } = {}): FormState {
  return {
    mode: "oneshot",
    input: "",
    model: defaults.model ?? "flux",
    ollama_model: defaults.ollama_model ?? "",
    engine: "ollama",
    persona_id: "",
    style: "None",
    artist: "None",
    composition: "None",
    lighting: "None",
    category: "",
    type: "",
    h_artist: "",
    technical: {},
    specifics: {},
    universal: {},
    temperature: "",
    seed: "",
    think: false,
    protect: "",
  };
}

/** Reads a submitted form (or a query string) into the form state. */
export function formFromEntries(
  entries: Iterable<[string, string]>,
  defaults: { model?: string; ollama_model?: string } = {},
): FormState {
  const f = emptyForm(defaults);
  for (const [rawKey, rawValue] of entries) {
    const value = rawValue.trim();
    const key = rawKey.trim();
    // The part after the prefix is the browser's word: own properties only (`u.constructor`).
    if (key.startsWith("tech.")) {
      if (value) setOwn(f.technical, key.slice(5), value);
    } else if (key.startsWith("spec.")) {
      if (value) setOwn(f.specifics, key.slice(5), value);
    } else if (key.startsWith("u.")) {
      if (!value) continue;
      const group = key.slice(2);
      const values = own(f.universal, group);
      if (values) values.push(value);
      else setOwn(f.universal, group, [value]);
    } else {
      switch (key) {
        case "mode":
          f.mode = value === "chat" ? "chat" : "oneshot";
          break;
        case "input":
        case "message":
          f.input = rawValue.replace(/\r\n/g, "\n").trim();
          break;
        case "engine":
          f.engine = value === "composer" ? "composer" : "ollama";
          break;
        case "think":
          f.think = value === "on" || value === "true" || value === "1";
          break;
        case "model":
        case "ollama_model":
        case "persona_id":
        case "style":
        case "artist":
        case "composition":
        case "lighting":
        case "category":
        case "type":
        case "h_artist":
        case "temperature":
        case "seed":
        case "protect":
          if (value || key === "persona_id") f[key] = value;
          break;
      }
    }
  }
  // A lower level only makes sense under the level above it.
  if (!f.category) f.type = "";
  if (!f.type) f.h_artist = "";
  if (!f.h_artist) {
    f.technical = {};
    f.specifics = {};
  }
  return f;
}

/** Fills the hierarchical part of the form from a preset pack. */
export function applyPack(f: FormState, pack: Pack): FormState {
  const s = pack.selections;
  const universal: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(s.universal ?? {})) {
    setOwn(universal, k, Array.isArray(v) ? v : [v]);
  }
  return {
    ...f,
    category: s.category,
    type: s.type,
    h_artist: s.artist,
    technical: { ...(s.technical ?? {}) },
    specifics: { ...(s.specifics ?? {}) },
    universal,
  };
}

function numberOrUndefined(raw: string): number | string | undefined {
  if (!raw) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : raw;
}

/** The API request the form stands for (validated afterwards with the API's own schema). */
export function formToRequest(f: FormState): Record<string, unknown> {
  const selections: Selections = {};
  if (f.category) selections.category = f.category;
  if (f.type) selections.type = f.type;
  if (f.h_artist) selections.artist = f.h_artist;
  if (Object.keys(f.technical).length) selections.technical = f.technical;
  if (Object.keys(f.specifics).length) selections.specifics = f.specifics;
  const universal: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(f.universal)) {
    if (!v.length) continue;
    // Which groups take several values is the presets' business: they refuse a list where one is due.
    setOwn(universal, k, v.length === 1 ? v[0]! : v);
  }
  if (Object.keys(universal).length) selections.universal = universal;
  const req: Record<string, unknown> = {
    [f.mode === "chat" ? "message" : "input"]: f.input,
    model: f.model,
    style: f.style,
    artist: f.artist,
    composition: f.composition,
    lighting: f.lighting,
  };
  if (f.ollama_model) req.ollama_model = f.ollama_model;
  if (Object.keys(selections).length) req.selections = selections;
  const temperature = numberOrUndefined(f.temperature);
  if (temperature !== undefined) req.temperature = temperature;
  const seed = numberOrUndefined(f.seed);
  if (seed !== undefined) req.seed = seed;
  if (f.think) req.think = true;
  const protect = f.protect.split(",").map((t) => t.trim()).filter(Boolean);
  if (protect.length) req.protect = protect;
  if (f.mode === "chat" && f.persona_id) req.persona_id = f.persona_id;
  return req;
}

/** The form as it was for a history entry, so "Reuse" brings the same choices back. */
export function formFromHistory(entry: HistoryEntry): FormState {
  const f = emptyForm({ model: entry.model, ollama_model: entry.ollama_model ?? "" });
  const p = entry.presets as Record<string, unknown>;
  f.input = entry.user_input;
  f.mode = entry.mode === "chat" || entry.mode === "persona-chat" ? "chat" : "oneshot";
  f.engine = entry.engine === "composer" ? "composer" : "ollama";
  for (const key of ["style", "artist", "composition", "lighting"] as const) {
    if (typeof p[key] === "string") f[key] = p[key] as string;
  }
  if (typeof p.persona === "string") f.persona_id = p.persona;
  // `resolved` holds our ids whichever keys the request used; older rows only have `hierarchical`.
  const h = (p.resolved ?? p.hierarchical) as Selections | undefined;
  if (h) {
    f.category = h.category ?? "";
    f.type = h.type ?? "";
    f.h_artist = h.artist ?? "";
    f.technical = { ...(h.technical ?? {}) };
    f.specifics = { ...(h.specifics ?? {}) };
    for (const [k, v] of Object.entries(h.universal ?? {})) {
      setOwn(f.universal, k, Array.isArray(v) ? v : [v]);
    }
  }
  if (entry.seed !== null) f.seed = String(entry.seed);
  if (entry.temperature !== null) f.temperature = String(entry.temperature);
  const protect = entry.request?.protect;
  if (Array.isArray(protect)) f.protect = protect.join(", ");
  return f;
}

/** The form as field/value pairs again (the inverse of `formFromEntries`), text included. */
export function formToEntries(f: FormState): [string, string][] {
  const out: [string, string][] = [["mode", f.mode], ["model", f.model]];
  const plain = [
    "ollama_model",
    "persona_id",
    "style",
    "artist",
    "composition",
    "lighting",
    "category",
    "type",
    "h_artist",
    "temperature",
    "seed",
    "protect",
  ] as const;
  for (const key of plain) if (f[key]) out.push([key, f[key]]);
  if (f.engine === "composer") out.push(["engine", "composer"]);
  if (f.think) out.push(["think", "on"]);
  for (const [k, v] of Object.entries(f.technical)) out.push([`tech.${k}`, v]);
  for (const [k, v] of Object.entries(f.specifics)) out.push([`spec.${k}`, v]);
  for (const [k, values] of Object.entries(f.universal)) {
    for (const v of values) out.push([`u.${k}`, v]);
  }
  return out;
}

/** The form without its quick presets (style, artist, composition, lighting). */
export function withoutQuickPresets(f: FormState): FormState {
  return { ...f, style: "None", artist: "None", composition: "None", lighting: "None" };
}

/** The form with every preset cleared (the idea, target and options stay). */
export function withoutPresets(f: FormState): FormState {
  return {
    ...f,
    style: "None",
    artist: "None",
    composition: "None",
    lighting: "None",
    category: "",
    type: "",
    h_artist: "",
    technical: {},
    specifics: {},
    universal: {},
  };
}
