import denoJson from "../../deno.json" with { type: "json" };

/** The app's version, from `deno.json`. */
export const APP_VERSION: string = denoJson.version;
