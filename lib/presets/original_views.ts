import type { Catalog, Pack } from "./catalog.ts";
import type { PresetOption } from "./schema.ts";
import { LEVEL_KEYS, originalUniversalKey } from "./original_keys.ts";

/** Groups whose option list the original app called `core` rather than `options`. */
const CORE_GROUPS = new Set(["mood", "lighting"]);

function withDescription(option: PresetOption): PresetOption {
  return { ...option, description: option.description ?? option.text };
}

/**
 * `/api/universal-options`: every group in our shape (`name`, `options`), with the original app's
 * fields beside them (`core` for mood and lighting, `by_category` for mood, a `description` on
 * every option) and each group also under the original's key where it differed
 * (`weather_atmosphere`, `color_palettes`, marked `alias_of`), so a client written for either finds
 * what it reads.
 */
export function universalOptionsView(catalog: Catalog): Record<string, unknown> {
  const visible = new Set(catalog.categories.map((c) => c.id));
  const out: Record<string, unknown> = {};
  for (const [key, group] of Object.entries(catalog.universal)) {
    const options = group.options.map(withDescription);
    const view: Record<string, unknown> = { ...group, options };
    if (CORE_GROUPS.has(key)) view.core = options;
    if (key === "mood" || group.by_category) {
      // Only categories this user can see: adult ones stay hidden unless enabled.
      view.by_category = Object.fromEntries(
        Object.entries(group.by_category ?? {}).filter(([id]) => visible.has(id)),
      );
    }
    out[key] = view;
    const original = originalUniversalKey(key);
    // `alias_of` lets a client that walks every group skip the repeat.
    if (original) out[original] = { ...view, alias_of: key };
  }
  return out;
}

/** A pack as `/api/preset-packs` lists it: our selection keys and the original's `level1`…`level5`. */
export function packView(pack: Pack): Pack & { selections: Record<string, unknown> } {
  const s = pack.selections;
  const levels = Object.fromEntries(
    Object.entries(LEVEL_KEYS).map(([level, ours]) => [level, s[ours] ?? {}]),
  );
  return { ...pack, selections: { ...s, ...levels } };
}
