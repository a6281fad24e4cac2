import type { Context } from "hono";
import { createHash } from "node:crypto";

/** A rendered page, already UTF-8, and its entity tag. */
export interface CachedPage {
  bytes: Uint8Array;
  etag: string;
}

const encoder = new TextEncoder();

const ids = new WeakMap<object, number>();
let nextId = 1;

/**
 * A number for an object's identity: the catalog and each target and persona are replaced (never
 * edited) when they change, so their identity stands for their content in a cache key. (The
 * target list is not: a reload refills the same array.)
 */
export function identityOf(value: object): number {
  let id = ids.get(value);
  if (id === undefined) ids.set(value, id = nextId++);
  return id;
}

/**
 * Rendered pages by everything that goes into them. A page is a pure function of its props, so
 * keying on all of them (the model list and the status included) can never serve a stale page:
 * a changed model list is a different key. Least recently used pages go first.
 */
export class PageCache {
  readonly #pages = new Map<string, CachedPage>();
  readonly #max: number;

  constructor(max = 64) {
    this.#max = max;
  }

  /** The page for `key`, rendering it on a miss. */
  get(key: string, render: () => string): CachedPage {
    let page = this.#pages.get(key);
    if (page) {
      this.#pages.delete(key);
    } else {
      // Encoded once: a page sent as a string is encoded again for every request.
      const bytes = encoder.encode(render());
      page = { bytes, etag: `"${createHash("sha1").update(bytes).digest("base64url")}"` };
      if (this.#pages.size >= this.#max) this.#pages.delete(this.#pages.keys().next().value!);
    }
    this.#pages.set(key, page);
    return page;
  }

  /** How many pages are kept. */
  get size(): number {
    return this.#pages.size;
  }
}

/**
 * Sends a page with its ETag; a browser that has this very page gets 304 and no body. The page
 * changes with the model list and status, so browsers must ask each time (`no-cache`).
 */
export function sendPage(c: Context, page: CachedPage): Response {
  const headers = { ETag: page.etag, "Cache-Control": "no-cache" };
  const known = c.req.header("if-none-match");
  if (known && known.split(/\s*,\s*/).some((t) => t === page.etag || t === `W/${page.etag}`)) {
    return c.body(null, 304, headers);
  }
  return c.body(page.bytes as Uint8Array<ArrayBuffer>, 200, {
    ...headers,
    "Content-Type": "text/html; charset=UTF-8",
  });
}
