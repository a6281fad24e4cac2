import type { Catalog, Pack } from "../lib/presets/catalog.ts";
import { LEGACY_CATEGORIES } from "../lib/presets/catalog.ts";
import type { FormState } from "../routes/http/form_state.ts";
import { own } from "../lib/app/own.ts";

/** The form field and label of each quick-preset list. */
export const LEGACY_FIELDS = {
  styles: ["style", "Style"],
  artists: ["artist", "Artist"],
  composition: ["composition", "Composition"],
  lighting: ["lighting", "Lighting"],
} as const;

function sameRecord(a: Record<string, string>, b: Record<string, string> | undefined): boolean {
  const bb = b ?? {};
  const keys = new Set([...Object.keys(a), ...Object.keys(bb)]);
  return [...keys].every((k) => (own(a, k) ?? "") === (own(bb, k) ?? ""));
}

function sameUniversal(
  form: Record<string, string[]>,
  pack: Record<string, string | string[]> | undefined,
): boolean {
  const norm = (v: string | string[] | undefined) =>
    (Array.isArray(v) ? v : v ? [v] : []).filter(Boolean).sort().join("|");
  const keys = new Set([...Object.keys(form), ...Object.keys(pack ?? {})]);
  return [...keys].every((k) => norm(own(form, k)) === norm(pack && own(pack, k)));
}

/**
 * The packs the form's explorer and atmosphere choices match exactly (your own pack saved from a
 * built-in one matches both), your own last.
 */
export function activePacks(catalog: Catalog, form: FormState): Pack[] {
  if (!form.category) return [];
  return catalog.packs.filter((p) => {
    const s = p.selections;
    return s.category === form.category && s.type === form.type && s.artist === form.h_artist &&
      sameRecord(form.technical, s.technical) && sameRecord(form.specifics, s.specifics) &&
      sameUniversal(form.universal, s.universal);
  });
}

/**
 * What the form applies, as "Label: choice" items in the order the page shows them (app.js
 * builds the same list from the form as it changes).
 */
export function appliedSummary(catalog: Catalog, form: FormState): string[] {
  const out: string[] = [];
  const category = catalog.categories.find((c) => c.id === form.category);
  const type = category?.types.find((t) => t.id === form.type);
  const artist = type?.artists.find((a) => a.id === form.h_artist);
  if (category) out.push(`Category: ${category.name}`);
  if (type) out.push(`Type: ${type.name}`);
  if (artist) {
    out.push(`Artist: ${artist.name}`);
    for (const level of ["technical", "specifics"] as const) {
      for (const [id, value] of Object.entries(form[level])) {
        const group = own(artist[level], id);
        const option = group?.options.find((o) => o.id === value);
        if (group && option) out.push(`${group.name}: ${option.name}`);
      }
    }
  }
  for (const cat of LEGACY_CATEGORIES) {
    const [field, label] = LEGACY_FIELDS[cat];
    const value = form[field];
    if (value && value !== "None" && own(catalog.legacy[cat], value)) {
      out.push(`${label}: ${value}`);
    }
  }
  for (const [key, group] of Object.entries(catalog.universal)) {
    for (const id of own(form.universal, key) ?? []) {
      const option = group.options.find((o) => o.id === id);
      if (option) out.push(`${group.name}: ${option.name}`);
    }
  }
  return out;
}
