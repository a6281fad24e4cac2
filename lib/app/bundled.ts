/** Reads a file shipped with the app (presets, prompts, static), relative to the app folder, never the working folder. */
export function readBundledText(relative: string): string {
  return Deno.readTextFileSync(bundledUrl(relative));
}

/** The URL of a file shipped with the app; works from source and inside a `deno compile` binary. */
export function bundledUrl(relative: string): URL {
  return new URL(`../../${relative}`, import.meta.url);
}
