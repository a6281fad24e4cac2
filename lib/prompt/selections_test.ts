import { deepEqual, equal, match, throws } from "node:assert/strict";
import { canonicalSelections, universalKeysHint } from "./selections.ts";
import { AppError } from "../app/errors.ts";

const GROUPS = ["mood", "time_of_day", "lighting", "weather", "color_palette", "camera_effects"];

function badRequest(fn: () => unknown, pattern: RegExp): void {
  throws(fn, (err: unknown) => {
    equal((err as AppError).status, 400);
    match((err as AppError).message, pattern);
    return true;
  });
}

Deno.test("the original's level keys become ours", () => {
  deepEqual(
    canonicalSelections({
      level1: "photography",
      level2: "portrait",
      level3: "irving_penn",
      level4: { lens: "85mm_portrait" },
      level5: { expression: "pensive" },
    }, GROUPS),
    {
      category: "photography",
      type: "portrait",
      artist: "irving_penn",
      technical: { lens: "85mm_portrait" },
      specifics: { expression: "pensive" },
    },
  );
});

Deno.test("empty level ids, as the original page sends them, mean nothing chosen", () => {
  deepEqual(canonicalSelections({ level1: "anime", level2: "", level3: "" }, GROUPS), {
    category: "anime",
  });
  deepEqual(canonicalSelections({ level2: "", type: "shonen" }, GROUPS), { type: "shonen" });
});

Deno.test("both names for one level may be sent when they agree, never when they differ", () => {
  deepEqual(
    canonicalSelections({ level1: "anime", category: "anime", level4: { a: "x" } }, GROUPS),
    { category: "anime", technical: { a: "x" } },
  );
  deepEqual(
    canonicalSelections({ technical: { a: "x" }, level4: { a: "x", b: "y" } }, GROUPS),
    { technical: { a: "x", b: "y" } },
  );
  badRequest(
    () => canonicalSelections({ level1: "anime", category: "fantasy" }, GROUPS),
    /selections\.level1 and selections\.category .*"anime".*"fantasy"/,
  );
  badRequest(
    () => canonicalSelections({ technical: { a: "x" }, level4: { a: "z" } }, GROUPS),
    /selections\.level4\.a and selections\.technical\.a/,
  );
});

Deno.test("the original's universal group names become ours", () => {
  deepEqual(
    canonicalSelections({
      universal: { weather_atmosphere: "foggy", color_palettes: "pastel", mood: ["calm"] },
    }, GROUPS),
    { universal: { weather: "foggy", color_palette: "pastel", mood: ["calm"] } },
  );
  deepEqual(
    canonicalSelections({ universal: { weather: "foggy", weather_atmosphere: "foggy" } }, GROUPS),
    { universal: { weather: "foggy" } },
  );
  badRequest(
    () =>
      canonicalSelections({ universal: { weather: "sunny", weather_atmosphere: "foggy" } }, GROUPS),
    /weather_atmosphere and selections\.universal\.weather differ/,
  );
});

Deno.test("an unknown universal group is a 400 listing both names of every group", () => {
  for (const key of ["weather_atmos", "constructor", "__proto__", "toString"]) {
    badRequest(
      () => canonicalSelections({ universal: JSON.parse(`{"${key}": "x"}`) }, GROUPS),
      new RegExp(
        `selections\\.universal\\.${key}: unknown option group; use one of .*` +
          "weather \\(or weather_atmosphere\\).*color_palette \\(or color_palettes\\)",
      ),
    );
  }
  equal(
    universalKeysHint(["mood", "weather"]),
    "mood, weather (or weather_atmosphere)",
  );
});
