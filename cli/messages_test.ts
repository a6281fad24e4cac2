import { equal, match } from "node:assert/strict";
import { forCommandLine } from "./messages.ts";

Deno.test("command-line errors name commands and options, not API routes and fields", () => {
  equal(
    forCommandLine(
      'style: unknown preset "Watercolour". Did you mean "Watercolor"? GET /presets lists the styles you can use (adult presets need ENABLE_NSFW_PRESETS=true)',
    ),
    '--style: unknown preset "Watercolour". Did you mean "Watercolor"? "promptsmith presets styles" lists the styles you can use (adult presets need ENABLE_NSFW_PRESETS=true)',
  );
  match(
    forCommandLine('selections.pack: unknown pack "nope". GET /api/preset-packs lists them'),
    /^--pack: .*"promptsmith presets packs" lists them$/,
  );
  match(
    forCommandLine('model: unknown target "x"; use one of flux, sdxl (GET /api/targets)'),
    /^--target: .*\("promptsmith presets targets" lists them\)$/,
  );
  match(
    forCommandLine(
      'selections.type: unknown type "x" in "anime"; GET /api/categories/anime/types lists them',
    ),
    /"promptsmith presets anime" lists them$/,
  );
});
