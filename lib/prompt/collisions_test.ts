import { deepEqual, equal, match, ok } from "node:assert/strict";
import { resolveCollisions } from "./collisions.ts";
import type { PresetLine } from "./assembly.ts";
import { resolvePresets } from "./assembly.ts";
import { buildCatalog, BUILTIN_PRESETS, readPresetFolder } from "../presets/catalog.ts";

const catalog = buildCatalog(readPresetFolder(BUILTIN_PRESETS, "presets/"));
const light = (text: string, extra: Partial<PresetLine> = {}): PresetLine => ({
  label: "Lighting",
  text,
  slot: "lighting",
  ...extra,
});

Deno.test("resolveCollisions() keeps the user's own lighting over the pack's, and says why", () => {
  const mine = light("candlelight", { level: "legacy" });
  const pack = light("volumetric light rays through haze", { level: "universal", fromPack: true });
  const { lines, dropped } = resolveCollisions([pack, mine]);
  deepEqual(lines, [mine]);
  equal(dropped.length, 1);
  equal(dropped[0]!.text, "volumetric light rays through haze");
  deepEqual(dropped[0]!.kept, { label: "Lighting", text: "candlelight" });
  match(dropped[0]!.reason, /your own choice wins over the pack's/);
});

Deno.test("resolveCollisions() prefers an artist's own option, then the more detailed text", () => {
  const artist = light("painterly single source", { level: "option" });
  const general = light("controlled three-point studio lighting with a hair light", {
    level: "universal",
  });
  deepEqual(resolveCollisions([general, artist]).lines, [artist]);
  const short = light("moonlight", { level: "legacy" });
  const long = light("cold silver moonlight on wet stone", { level: "universal" });
  deepEqual(resolveCollisions([short, long]).lines, [long]);
});

Deno.test("resolveCollisions() leaves slots that take several choices alone", () => {
  const lines: PresetLine[] = [
    { label: "Mood", text: "dramatic", slot: "mood" },
    { label: "Mood", text: "epic", slot: "mood" },
    { label: "Style", text: "watercolour", slot: "style" },
    light("golden hour"),
  ];
  deepEqual(resolveCollisions(lines), { lines, dropped: [] });
});

Deno.test("resolvePresets() drops the pack's lighting for a chosen one, and a pack's tone clashes with a chosen palette", () => {
  const r = resolvePresets(catalog, {
    lighting: "Candlelight",
    selections: { pack: "epic_fantasy_battle" },
  });
  const lights = r.lines.filter((l) => l.slot === "lighting").map((l) => l.text);
  deepEqual(lights, ["candlelight, warm flickering pools of light, deep surrounding darkness"]);
  equal(r.dropped!.length, 1);
  match(r.dropped![0]!.text, /volumetric/);
  const noir = resolvePresets(catalog, {
    selections: { pack: "leibovitz_portrait", universal: { lighting: "neon" } },
  });
  const kept = noir.lines.filter((l) => l.slot === "lighting");
  equal(kept.length, 1);
  match(kept[0]!.text, /neon/);
  ok(noir.dropped!.some((d) => /Lighting setup/.test(d.label)));
});
