import { badInput } from "../app/errors.ts";
import { oneOf, trimEndWhere } from "../app/text_scan.ts";

/** KV key of the ComfyUI address set from the page. */
const ADDRESS_KEY = ["settings", "comfyui_url"];

/**
 * Checks an address typed on the page and returns it without a trailing slash: http or https,
 * a host, no user name or password, no query or fragment.
 */
export function parseComfyAddress(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw badInput(
      `url: "${raw.slice(0, 100)}" is not an address; use a form like http://127.0.0.1:8188`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw badInput("url: the ComfyUI address must start with http:// or https://");
  }
  if (url.username || url.password || url.search || url.hash) {
    throw badInput(
      "url: give only the address, e.g. http://127.0.0.1:8188, without a login or query",
    );
  }
  return `${url.protocol}//${url.host}${trimEndWhere(url.pathname, oneOf("/"))}`;
}

/**
 * Where ComfyUI runs: the address saved from the page (kept in KV, so it survives restarts) or,
 * until one is saved, `COMFYUI_URL`.
 */
export class ComfyAddress {
  readonly #kv: Deno.Kv;
  readonly fromEnv: string;

  constructor(kv: Deno.Kv, fromEnv: string) {
    this.#kv = kv;
    this.fromEnv = fromEnv;
  }

  /** The address saved from the page, or null. */
  async saved(): Promise<string | null> {
    const value = (await this.#kv.get<string>(ADDRESS_KEY)).value;
    return typeof value === "string" ? value : null;
  }

  /** Saves an address (checked first) and returns it; null goes back to `COMFYUI_URL`. */
  async save(raw: string | null): Promise<string> {
    if (raw === null) {
      await this.#kv.delete(ADDRESS_KEY);
      return this.fromEnv;
    }
    const url = parseComfyAddress(raw);
    await this.#kv.set(ADDRESS_KEY, url);
    return url;
  }
}
