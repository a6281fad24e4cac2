import { join } from "node:path";

const APP_FOLDER = "promptsmith";

/** The per-user folder for history, sessions, logs and user presets, following each OS's convention. */
export function defaultDataDir(
  os: typeof Deno.build.os,
  env: Record<string, string | undefined>,
  home = env.HOME ?? env.USERPROFILE ?? ".",
): string {
  if (os === "windows") {
    return join(env.APPDATA ?? join(home, "AppData", "Roaming"), APP_FOLDER);
  }
  if (os === "darwin") return join(home, "Library", "Application Support", APP_FOLDER);
  return join(env.XDG_DATA_HOME ?? join(home, ".local", "share"), APP_FOLDER);
}
