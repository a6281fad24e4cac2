import { join } from "node:path";
import {
  buildCatalog,
  BUILTIN_PRESETS,
  type Catalog,
  checkPack,
  LEGACY_CATEGORIES,
  type Pack,
  type PresetFiles,
  readPresetFolder,
  withoutNsfw,
} from "./catalog.ts";
import type { CustomPresetStore } from "./custom_store.ts";
import { slugify } from "./schema.ts";
import { setOwn } from "../app/own.ts";
import { log } from "../app/logger.ts";

/** Where presets come from and how often files are checked for edits. */
export interface PresetStoreOptions {
  builtinDir?: URL | string;
  /** `DATA_DIR/presets`, merged on top of the built-in data. */
  userDir?: string;
  custom?: CustomPresetStore;
  /** Minimum milliseconds between two looks at the files' modification times. */
  checkIntervalMs?: number;
  /**
   * The built-in folder cannot change, so only the user folder is watched. Default: inside a
   * compiled binary, whose built-in presets are baked in.
   */
  builtinFixed?: boolean;
  now?: () => number;
}

function folderSignature(dir: URL | string | undefined): string {
  if (!dir) return "";
  const parts: string[] = [];
  const visit = (d: URL | string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(d)];
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = d instanceof URL
        ? new URL(e.isDirectory ? `${e.name}/` : e.name, d)
        : join(d, e.name);
      if (e.isDirectory) visit(path);
      else if (e.name.endsWith(".json")) {
        try {
          const st = Deno.statSync(path);
          parts.push(`${e.name}:${st.mtime?.getTime()}:${st.size}`);
        } catch {
          // Vanished between listing and stat: the next check sees it.
        }
      }
    }
  };
  visit(dir);
  return parts.join("|");
}

/**
 * Holds the current preset catalog. File edits (built-in or user folder) and custom-preset
 * writes are picked up without a restart; a broken edit keeps the last good catalog and logs why.
 */
export class PresetStore {
  #options: PresetStoreOptions;
  #catalog: Catalog;
  #safe: Catalog;
  #signature = "";
  #customVersion = -1;
  #lastCheck = 0;
  /** The problem with the newest edit, when it could not be used. */
  lastError: string | null = null;

  constructor(options: PresetStoreOptions = {}) {
    this.#options = options;
    this.#signature = this.#currentSignature();
    try {
      this.#catalog = this.#load();
    } catch (err) {
      if (!options.userDir) throw err;
      // A broken user file must not stop the app: start with the built-in presets and say why.
      this.lastError = err instanceof Error ? err.message : String(err);
      log("presets").error("Ignoring your preset files until fixed: {error}", {
        error: this.lastError,
      });
      this.#catalog = this.#withCustom(
        buildCatalog(readPresetFolder(options.builtinDir ?? BUILTIN_PRESETS, "presets/")),
      );
    }
    this.#safe = withoutNsfw(this.#catalog);
    this.#customVersion = options.custom?.version ?? 0;
    this.#lastCheck = this.#now();
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  #currentSignature(): string {
    const fixed = this.#options.builtinFixed ?? Deno.build.standalone;
    return (fixed ? "" : folderSignature(this.#options.builtinDir ?? BUILTIN_PRESETS)) + "#" +
      folderSignature(this.#options.userDir);
  }

  #load(): Catalog {
    const builtin = readPresetFolder(this.#options.builtinDir ?? BUILTIN_PRESETS, "presets/");
    let user: PresetFiles | undefined;
    if (this.#options.userDir) user = readPresetFolder(this.#options.userDir, "DATA_DIR/presets/");
    const catalog = buildCatalog(builtin, user);
    return this.#withCustom(catalog);
  }

  #withCustom(catalog: Catalog): Catalog {
    const custom = this.#options.custom?.list() ?? [];
    if (!custom.length) return catalog;
    const legacy = { ...catalog.legacy };
    for (const cat of LEGACY_CATEGORIES) legacy[cat] = { ...legacy[cat] };
    const packs = [...catalog.packs];
    for (const p of custom) {
      if (p.kind === "packs") {
        const pack = {
          id: `custom_${slugify(p.name) || p.id}`,
          name: p.name,
          icon: "⭐",
          description: p.description ?? "Your own pack",
          selections: p.selections as Pack["selections"],
          custom: true,
        };
        // A custom pack whose ids vanished from the data is hidden rather than left broken.
        if (!checkPack(catalog, pack)) packs.push(pack);
        continue;
      }
      // A built-in (or DATA_DIR file) preset of the same name wins: rows saved before names
      // were checked must not quietly replace it.
      if (Object.hasOwn(legacy[p.kind], p.name)) continue;
      setOwn(legacy[p.kind], p.name, {
        text: p.text,
        negative: p.negative ?? undefined,
        custom: true,
      });
    }
    return { ...catalog, legacy, packs };
  }

  /** Rebuilds now if files or custom presets changed; returns whether the catalog changed. */
  refresh(force = false): boolean {
    const signature = this.#currentSignature();
    const customVersion = this.#options.custom?.version ?? 0;
    if (!force && signature === this.#signature && customVersion === this.#customVersion) {
      return false;
    }
    this.#signature = signature;
    this.#customVersion = customVersion;
    try {
      this.#catalog = this.#load();
      this.#safe = withoutNsfw(this.#catalog);
      this.lastError = null;
      log("presets").info("Presets reloaded");
      return true;
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      log("presets").error("Preset edit ignored, keeping the last good presets: {error}", {
        error: this.lastError,
      });
      return false;
    }
  }

  /**
   * Re-reads every preset file now, whatever the timestamps say. A broken file throws its
   * problem (naming the file) and the last good catalog stays in use.
   */
  reload(): void {
    if (!this.refresh(true)) throw new Error(this.lastError ?? "The presets could not be read");
    this.#lastCheck = this.#now();
  }

  /** The current catalog; adult entries are removed unless `nsfw` is true. */
  get(nsfw: boolean): Catalog {
    const interval = this.#options.checkIntervalMs ?? 1000;
    const customChanged = (this.#options.custom?.version ?? 0) !== this.#customVersion;
    if (customChanged || this.#now() - this.#lastCheck >= interval) {
      this.#lastCheck = this.#now();
      this.refresh();
    }
    return nsfw ? this.#catalog : this.#safe;
  }
}
