import { equal } from "node:assert/strict";
import { closestName, didYouMean } from "./suggest.ts";

const STYLES = ["Watercolor", "Cinematic", "Anime", "Oil Painting", "Cyberpunk"];

Deno.test("a British spelling or a different case finds the preset's own name", () => {
  equal(closestName("Watercolour", STYLES), "Watercolor");
  equal(closestName("oil painting", STYLES), "Oil Painting");
  equal(closestName("oil-painting", STYLES), "Oil Painting");
});

Deno.test("a typo of a letter or two finds the name; something else finds nothing", () => {
  equal(closestName("Cinematc", STYLES), "Cinematic");
  equal(closestName("Cyberpnuk", STYLES), "Cyberpunk");
  equal(closestName("Baroque", STYLES), undefined);
  equal(closestName("", STYLES), undefined);
  equal(closestName("x".repeat(5000), STYLES), undefined);
});

Deno.test("the suggestion reads as a sentence, or is empty", () => {
  equal(didYouMean("Watercolour", STYLES), ' Did you mean "Watercolor"?');
  equal(didYouMean("Nope", STYLES), "");
});
