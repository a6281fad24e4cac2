import type { PresetStore } from "../presets/store.ts";
import type { PersonaBook } from "../chat/personas.ts";
import { reloadSystemPrompts, type Target } from "../prompt/targets.ts";
import { log } from "./logger.ts";

/** What a reload touches. */
export interface ReloadDeps {
  presets: PresetStore;
  personas: PersonaBook;
  targets: Target[];
  /** Whether adult presets are on, so the summary counts only what users can see. */
  nsfw: boolean;
}

/** What was reloaded: the prompts as the original app named them, the personas, preset counts. */
export interface ReloadSummary {
  reloaded: string[];
  personas: string[];
  presets: { legacy: number; categories: number; packs: number };
}

/**
 * Reads the system prompts (with `targets.json`), the personas and the presets again, without a
 * restart. Each part is swapped in only once it has been read and checked; the first broken file
 * throws with its name, and that part and the ones after it keep their last good version.
 */
export function reloadPrompts(deps: ReloadDeps): ReloadSummary {
  const reloaded = reloadSystemPrompts(deps.targets);
  deps.personas.reload();
  deps.presets.reload();
  const catalog = deps.presets.get(deps.nsfw);
  const summary = {
    reloaded,
    personas: Object.keys(deps.personas.list(deps.nsfw)),
    presets: {
      legacy: Object.values(catalog.legacy).reduce((n, cat) => n + Object.keys(cat).length, 0),
      categories: catalog.categories.length,
      packs: catalog.packs.length,
    },
  };
  log("admin").info("Reloaded {prompts} system prompts, {personas} personas and the presets", {
    prompts: reloaded.length,
    personas: summary.personas.length,
  });
  return summary;
}
