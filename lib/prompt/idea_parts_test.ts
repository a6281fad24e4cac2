import { deepEqual, equal } from "node:assert/strict";
import { booruSubjectTags, ideaParts, looksEnglish } from "./idea_parts.ts";

function split(idea: string) {
  const p = ideaParts(idea);
  return [p.subject, p.action, p.setting];
}

Deno.test("ideaParts() finds subject, action and setting in English ideas", () => {
  deepEqual(split("an old witch feeding crows"), ["old witch", "feeding crows", ""]);
  deepEqual(split("a dragon sleeping on a hoard of gold"), [
    "dragon",
    "sleeping",
    "on a hoard of gold",
  ]);
  deepEqual(split("a cyberpunk warrior in a neon city"), [
    "cyberpunk warrior",
    "",
    "in a neon city",
  ]);
  deepEqual(split("waiting at a bus stop"), ["", "waiting", "at a bus stop"]);
  deepEqual(split("a knight who guards a bridge"), ["knight", "guards a bridge", ""]);
  deepEqual(split("a building in the morning"), ["building", "", "in the morning"]);
  deepEqual(ideaParts("a girl, red umbrella, rainy street").extra, [
    "red umbrella",
    "rainy street",
  ]);
});

Deno.test("ideaParts() tells whether an idea names a setting or an action", () => {
  equal(ideaParts("a dragon").hasSetting, false);
  equal(ideaParts("a dragon").hasAction, false);
  equal(ideaParts("waiting at a bus stop").hasSetting, true);
  equal(ideaParts("un zorro en la nieve").hasSetting, true);
  equal(ideaParts("雪地里的红狐狸").hasSetting, true);
});

Deno.test("looksEnglish() tells English ideas from Spanish, German, Japanese and Chinese ones", () => {
  equal(looksEnglish("a red fox in the snow"), true);
  equal(looksEnglish("fox"), true);
  equal(looksEnglish("un zorro rojo en la nieve"), false);
  equal(looksEnglish("ein roter Fuchs im Schnee"), false);
  equal(looksEnglish("雪の中の赤い狐"), false);
  equal(looksEnglish("雪地里的红狐狸"), false);
});

Deno.test("booruSubjectTags() counts people and marks animals", () => {
  deepEqual(booruSubjectTags("old witch"), ["1girl", "solo"]);
  deepEqual(booruSubjectTags("knight in armour"), []);
  deepEqual(booruSubjectTags("wizard"), ["1boy", "solo"]);
  deepEqual(booruSubjectTags("red fox"), ["no humans", "animal focus"]);
});
