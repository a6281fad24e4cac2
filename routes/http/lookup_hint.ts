import type { Lookup } from "../../lib/app/errors.ts";

/** Where an API client finds the valid choices, as a route to call. */
export function apiHint(lookup: Lookup): string {
  switch (lookup.list) {
    case "legacy":
      return `GET /presets lists the ${lookup.category}`;
    case "packs":
      return "GET /api/preset-packs lists them";
    case "categories":
      return "GET /api/categories lists them";
    case "types":
      return `GET /api/categories/${lookup.category}/types lists them`;
    case "artists":
      return `GET /api/categories/${lookup.category}/types/${lookup.type}/artists lists them`;
    case "options":
      return `GET /api/artists/${lookup.category}/${lookup.type}/${lookup.artist}/${lookup.level} lists them`;
    case "personas":
      return "GET /api/personas lists them";
    case "targets":
      return "GET /api/targets lists them";
    case "workflows":
      return "GET /api/comfyui/workflows lists them";
    case "export":
      return "send a file made by GET /history/export?format=json";
  }
}
