import type { Lookup } from "../lib/app/errors.ts";

/** Where a command-line user finds the valid choices, as a command to run. */
export function cliHint(lookup: Lookup): string {
  switch (lookup.list) {
    case "legacy":
      return `see: promptsmith presets ${lookup.category}`;
    case "packs":
      return "see: promptsmith presets packs";
    case "categories":
      return "see: promptsmith presets categories";
    case "types":
    case "artists":
    case "options":
      return `see: promptsmith presets ${lookup.category}`;
    case "targets":
      return "see: promptsmith presets targets";
    case "personas":
    case "workflows":
      return "the web app lists them";
    case "export":
      return "use a file the web app's History export made";
  }
}
