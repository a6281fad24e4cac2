import { own, setOwn } from "../../lib/app/own.ts";
import { Hono } from "hono";
import { z } from "zod";
import type { Services } from "../../lib/app/services.ts";
import { type Catalog, LEGACY_CATEGORIES } from "../../lib/presets/catalog.ts";
import { findArtist, findCategory, findType, resolvePresets } from "../../lib/prompt/assembly.ts";
import { AppError, badInput, notFound } from "../../lib/app/errors.ts";
import { CUSTOM_KINDS, type CustomPresetInput } from "../../lib/presets/custom_store.ts";
import { packView, universalOptionsView } from "../../lib/presets/original_views.ts";
import { canonicalSelections } from "../../lib/prompt/selections.ts";
import { readJson } from "../http/request_body.ts";
import { SelectionsSchema } from "../http/schemas.ts";

const POPULARITY_ORDER: Record<string, number> = { high: 0, medium: 1, low: 2 };

function byPopularity<T extends { popularity: string }>(items: T[]): T[] {
  return [...items].sort((a, b) =>
    (POPULARITY_ORDER[a.popularity] ?? 3) - (POPULARITY_ORDER[b.popularity] ?? 3)
  );
}

/** The legacy `/presets` shape: `{category: {Name: text}}` with `"None": ""` first. */
export function legacyView(catalog: Catalog) {
  const out: Record<string, Record<string, string>> = {};
  for (const cat of LEGACY_CATEGORIES) {
    out[cat] = { None: "" };
    for (const [name, p] of Object.entries(catalog.legacy[cat])) setOwn(out[cat], name, p.text);
  }
  return out;
}

const CustomSchema = z.object({
  kind: z.enum(CUSTOM_KINDS),
  name: z.string().trim().min(1).max(80),
  text: z.string().trim().max(2000).optional(),
  negative: z.string().trim().max(2000).nullish(),
  description: z.string().trim().max(500).nullish(),
  selections: SelectionsSchema.nullish(),
});

function parseId(raw: string): number {
  const id = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(id)) {
    throw notFound("Not found", `"${raw}" is not a preset id; ids are whole numbers.`);
  }
  return id;
}

/** Every preset route: legacy, hierarchical levels 1–5, packs, universal options and custom presets. */
export function presetRoutes(services: Pick<Services, "presets" | "config" | "custom">): Hono {
  const catalog = () => services.presets.get(services.config.enableNsfwPresets);
  const customStore = () => services.custom.use();
  const validateCustom = (
    input: z.infer<typeof CustomSchema>,
    exceptId?: number,
  ): CustomPresetInput => {
    const store = customStore();
    if (input.kind === "packs") {
      // Stored in our keys whichever the client sent, so the pack applies like a built-in one.
      const selections = canonicalSelections(
        input.selections ?? {},
        Object.keys(catalog().universal),
      );
      if (!selections.category) {
        throw badInput("selections: a custom pack needs selections with at least a category");
      }
      resolvePresets(catalog(), { selections });
      input = { ...input, selections };
    } else if (!input.text) {
      throw badInput("text: required; it is the prompt text this preset adds");
    } else {
      // Every preset list, adult ones included: a custom preset never takes a built-in's name.
      const builtin = own(services.presets.get(true).legacy[input.kind], input.name);
      if (input.name === "None" || (builtin && !builtin.custom)) {
        throw new AppError(
          409,
          "Conflict",
          `name: "${input.name}" is a built-in ${input.kind} preset (or "None", which means ` +
            `no preset), and yours would hide it; pick another name, such as "${input.name} ` +
            `(mine)"`,
          "conflict",
        );
      }
    }
    if (store.nameTaken(input.kind, input.name, exceptId)) {
      throw new AppError(
        409,
        "Conflict",
        `name: you already have a ${input.kind} preset named "${input.name}"; pick another name`,
        "conflict",
      );
    }
    return input as CustomPresetInput;
  };

  return new Hono()
    .get("/presets", (c) => c.json(legacyView(catalog())))
    .get("/api/categories", (c) =>
      c.json({
        version: "2.0",
        categories: byPopularity(catalog().categories).map((cat) => ({
          id: cat.id,
          name: cat.name,
          icon: cat.icon,
          description: cat.description,
          popularity: cat.popularity,
          best_for: cat.best_for,
          type_count: cat.types.length,
        })),
      }))
    .get("/api/categories/:cat/types", (c) => {
      const cat = findCategory(catalog(), c.req.param("cat"));
      return c.json({
        category_id: cat.id,
        category_name: cat.name,
        types: byPopularity(cat.types).map((t) => ({
          id: t.id,
          name: t.name,
          description: t.description,
          icon: t.icon,
          popularity: t.popularity,
          artist_count: t.artists.length,
        })),
      });
    })
    .get("/api/categories/:cat/types/:type/artists", (c) => {
      const { cat, type } = findType(catalog(), c.req.param("cat"), c.req.param("type"));
      return c.json({
        category_id: cat.id,
        type_id: type.id,
        type_name: type.name,
        artists: byPopularity(type.artists).map((a) => ({
          id: a.id,
          name: a.name,
          description: a.description,
          signature: a.signature,
          best_for: a.best_for,
          popularity: a.popularity,
          has_technical: Object.keys(a.technical).length > 0,
          has_specifics: Object.keys(a.specifics).length > 0,
        })),
      });
    })
    .get("/api/artists/:cat/:type/:artist/:level{technical|specifics}", (c) => {
      const { cat, type, artist } = findArtist(
        catalog(),
        c.req.param("cat"),
        c.req.param("type"),
        c.req.param("artist"),
      );
      const technical = c.req.param("level") === "technical";
      return c.json({
        category_id: cat.id,
        type_id: type.id,
        artist_id: artist.id,
        artist_name: artist.name,
        [technical ? "technical_options" : "scene_specifics"]: technical
          ? artist.technical
          : artist.specifics,
      });
    })
    .get("/api/preset-packs", (c) => c.json({ packs: catalog().packs.map(packView) }))
    .get(
      "/api/universal-options",
      (c) => c.json({ universal_options: universalOptionsView(catalog()) }),
    )
    .get("/api/presets/custom", (c) => c.json({ presets: customStore().list() }))
    .post("/api/presets/custom", async (c) => {
      const input = validateCustom(await readJson(c, CustomSchema));
      return c.json(customStore().create(input), 201);
    })
    .get("/api/presets/custom/:id", (c) => {
      const preset = customStore().get(parseId(c.req.param("id")));
      if (!preset) throw notFound("Not found", `No custom preset with id ${c.req.param("id")}.`);
      return c.json(preset);
    })
    .put("/api/presets/custom/:id", async (c) => {
      const id = parseId(c.req.param("id"));
      if (!customStore().get(id)) throw notFound("Not found", `No custom preset with id ${id}.`);
      const input = validateCustom(await readJson(c, CustomSchema), id);
      return c.json(customStore().update(id, input));
    })
    .delete("/api/presets/custom/:id", (c) => {
      const id = parseId(c.req.param("id"));
      if (!customStore().delete(id)) throw notFound("Not found", `No custom preset with id ${id}.`);
      return c.json({ id, status: "deleted" });
    });
}
