import { Hono } from "hono";
import htmx from "htmx.org/dist/htmx.min.js" with { type: "text" };
import sse from "htmx-ext-sse/dist/sse.min.js" with { type: "text" };
import css from "../../static/app.css" with { type: "text" };
import js from "../../static/app.js" with { type: "text" };
import imageJs from "../../static/image_input.js" with { type: "text" };
import icon from "../../static/icon.svg" with { type: "text" };

const FILES: Record<string, { body: string; type: string }> = {
  "/static/vendor/htmx.min.js": { body: htmx, type: "text/javascript; charset=utf-8" },
  "/static/vendor/sse.min.js": { body: sse, type: "text/javascript; charset=utf-8" },
  "/static/app.css": { body: css, type: "text/css; charset=utf-8" },
  "/static/app.js": { body: js, type: "text/javascript; charset=utf-8" },
  "/static/image_input.js": { body: imageJs, type: "text/javascript; charset=utf-8" },
  "/static/icon.svg": { body: icon, type: "image/svg+xml" },
};

/** Static files, embedded at build time so a compiled binary needs nothing beside it. */
export function staticRoutes(): Hono {
  const app = new Hono();
  for (const [path, file] of Object.entries(FILES)) {
    app.get(path, (c) => {
      // URLs carry ?v=<version>, so a long cache is safe; a bare URL is revalidated.
      const versioned = c.req.query("v") !== undefined;
      return c.body(file.body, 200, {
        "content-type": file.type,
        "cache-control": versioned ? "public, max-age=31536000, immutable" : "no-cache",
      });
    });
  }
  return app;
}
