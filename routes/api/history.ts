import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import type { Services } from "../../lib/app/services.ts";
import { AppError, badInput, notFound } from "../../lib/app/errors.ts";
import { type HistoryStore, historyUnavailable } from "../../lib/history/store.ts";
import { EXPORT_FORMATS, exportStream, importEntries } from "../../lib/history/transfer.ts";
import { parseJsonBody } from "../http/request_body.ts";
import { replayEntry } from "../../lib/history/replay.ts";

/** Largest import accepted, in bytes. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

const MODES = ["oneshot", "chat", "persona-chat", "batch"];

/** Parses the `/history` query; every problem is a 400 that names the parameter. */
export function parseHistoryQuery(q: Record<string, string | undefined>) {
  const int = (
    name: string,
    raw: string | undefined,
    min: number,
    max: number,
    fallback: number,
  ) => {
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      throw new AppError(
        400,
        `Invalid ${name}`,
        `${name} must be a whole number from ${min} to ${max}`,
        "invalid_input",
      );
    }
    return n;
  };
  const limit = int("limit", q.limit, 1, 200, 50);
  const offset = int("offset", q.offset, 0, 100_000_000, 0);
  let favorite: boolean | undefined;
  if (q.favorite !== undefined && q.favorite !== "") {
    if (!["true", "false", "1", "0"].includes(q.favorite)) {
      throw badInput("favorite must be true or false");
    }
    favorite = q.favorite === "true" || q.favorite === "1";
  }
  if (q.mode && !MODES.includes(q.mode)) throw badInput(`mode must be one of ${MODES.join(", ")}`);
  if (q.q !== undefined && q.q.length > 500) {
    throw badInput("q is too long: at most 500 characters");
  }
  return {
    limit,
    offset,
    favorite,
    mode: q.mode || undefined,
    model: q.model || undefined,
    q: q.q?.trim() || undefined,
  };
}

function parseId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) {
    throw notFound("Not found", `"${raw}" is not a history id; ids are whole numbers.`);
  }
  return Number(raw);
}

const FavoriteSchema = z.object({ favorite: z.boolean().optional() });

/** `/history`: list and search, delete, favorites, clear, export and import. */
export function historyRoutes(services: Services): Hono {
  const store = (): HistoryStore => {
    if (!services.history) throw historyUnavailable(services.historyError ?? "not open");
    return services.history;
  };
  return new Hono()
    .get("/", (c) => {
      const query = parseHistoryQuery(c.req.query());
      const { total, total_capped, history } = store().list(query);
      return c.json({
        count: history.length,
        total,
        total_capped,
        offset: query.offset,
        limit: query.limit,
        history,
      });
    })
    .delete("/", (c) => {
      if (c.req.query("confirm") !== "delete-all") {
        throw badInput(
          "confirm: to delete every history entry, call DELETE /history?confirm=delete-all",
        );
      }
      return c.json({ status: "cleared", deleted: store().clear() });
    })
    .get("/export", (c) => {
      const format = c.req.query("format") ?? "json";
      if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
        throw badInput(`format must be one of ${EXPORT_FORMATS.join(", ")}`);
      }
      const history = store();
      const { body, contentType } = exportStream(
        history,
        format as typeof EXPORT_FORMATS[number],
        services.now(),
      );
      const stamp = services.now().toISOString().slice(0, 10);
      return new Response(body, {
        headers: {
          "content-type": contentType,
          "content-disposition": `attachment; filename="promptsmith-history-${stamp}.${format}"`,
          "cache-control": "no-store",
        },
      });
    })
    .post("/import", bodyLimit({ maxSize: MAX_IMPORT_BYTES }), async (c) => {
      const history = store();
      const text = await c.req.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw badInput("body: not valid JSON; send a file made by GET /history/export?format=json");
      }
      return c.json(importEntries(history, body));
    })
    .get("/:id", (c) => {
      const entry = store().get(parseId(c.req.param("id")));
      if (!entry) {
        throw notFound("Not found", `History item with ID ${c.req.param("id")} not found`);
      }
      return c.json(entry);
    })
    .delete("/:id", (c) => {
      const id = parseId(c.req.param("id"));
      if (!store().delete(id)) throw notFound("Not found", `History item with ID ${id} not found`);
      return c.json({ id, status: "deleted" });
    })
    .post("/:id/replay", async (c) => {
      const entry = store().get(parseId(c.req.param("id")));
      if (!entry) {
        throw notFound("Not found", `History item with ID ${c.req.param("id")} not found`);
      }
      const replayed = await replayEntry(services, entry, c);
      return c.json(replayed);
    })
    .put("/:id/favorite", async (c) => {
      const id = parseId(c.req.param("id"));
      const text = await c.req.text();
      const favorite = text.trim() ? parseJsonBody(text, FavoriteSchema).favorite ?? true : true;
      if (!store().setFavorite(id, favorite)) {
        throw notFound("Not found", `History item with ID ${id} not found`);
      }
      return c.json({ id, favorite });
    });
}
