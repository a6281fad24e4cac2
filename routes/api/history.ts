import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { generationDeps, planContext, type Services } from "../../lib/app/services.ts";
import { badInput, notFound } from "../../lib/app/errors.ts";
import { EXPORT_FORMATS, exportStream, importEntries } from "../../lib/history/transfer.ts";
import { replayEntry } from "../../lib/history/replay.ts";
import { parseJsonBody, parseRequestWith, refuseNul } from "../http/request_body.ts";
import { parseHistoryQuery } from "../http/history_query.ts";
import { GenerateSchema } from "../http/schemas.ts";
import { requesterOf } from "../http/requester.ts";

type Deps = Pick<
  Services,
  | "llm"
  | "history"
  | "slots"
  | "targets"
  | "presets"
  | "config"
  | "wildcards"
  | "secret"
  | "now"
  | "comfy"
>;

/** Largest import accepted, in bytes. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

function parseId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) {
    throw notFound("Not found", `"${raw}" is not a history id; ids are whole numbers.`);
  }
  return Number(raw);
}

const FavoriteSchema = z.object({ favorite: z.boolean().optional() });

/** `/history`: list and search, delete, favorites, clear, export and import. */
export function historyRoutes(services: Deps): Hono {
  const store = () => services.history.use();
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
      refuseNul(body);
      return c.json(importEntries(history, body));
    })
    .get("/:id", (c) => {
      const entry = store().get(parseId(c.req.param("id")));
      if (!entry) {
        throw notFound("Not found", `History item with ID ${c.req.param("id")} not found`);
      }
      // Images ComfyUI made from the entry, with where to fetch each through us.
      const images = (services.comfy.peek()?.imagesOf(entry.id) ?? []).map((img, i) => ({
        ...img,
        url: `/api/comfyui/history/${entry.id}/images/${i}`,
      }));
      return c.json({ ...entry, images });
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
      const replayed = await replayEntry(
        {
          ...generationDeps(services),
          slots: services.slots,
          planContext: planContext(services),
          parseRequest: parseRequestWith(GenerateSchema, "This entry cannot be replayed: "),
        },
        entry,
        { requester: requesterOf(c, services.secret), signal: c.req.raw.signal },
      );
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
