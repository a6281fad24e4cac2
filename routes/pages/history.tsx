import { Hono } from "hono";
import { generationDeps, planContext, type Services } from "../../lib/app/services.ts";
import { renderFragment, renderPage } from "../../views/render.ts";
import {
  HistoryCount,
  HistoryItem,
  HistoryList,
  type HistoryListProps,
  HistoryPage,
} from "../../views/history_page.tsx";
import type { ComfyImage } from "../../lib/comfy/client.ts";
import { replayEntry } from "../../lib/history/replay.ts";
import { parseHistoryQuery } from "../http/history_query.ts";
import { errorStatus, formEntries, isHtmx, pageChrome, toErrorView } from "../http/page_context.ts";
import { type HomeDeps, renderHome } from "../http/render_home.tsx";
import { formFromHistory } from "../http/form_state.ts";
import { parseRequestWith } from "../http/request_body.ts";
import { GenerateSchema } from "../http/schemas.ts";
import { requesterOf } from "../http/requester.ts";

type Deps = HomeDeps & Pick<Services, "llm" | "history" | "slots" | "wildcards" | "comfy">;

const PAGE_SIZE = 20;

function safeBack(raw: string | undefined): string {
  return raw && /^\/ui\/history(\?[^\s]*)?$/.test(raw) ? raw : "/ui/history";
}

/** The history page, its live-search fragment, and the favorite, replay and delete forms. */
export function historyPageRoutes(services: Deps): Hono {
  return new Hono()
    .get("/ui/history", async (c) => {
      const q = c.req.query();
      const query = {
        q: q.q?.trim() ?? "",
        favorite: q.favorite === "true",
        mode: q.mode ?? "",
        offset: 0,
        limit: PAGE_SIZE,
      };
      let props: HistoryListProps;
      try {
        const parsed = parseHistoryQuery({
          q: q.q,
          favorite: q.favorite,
          mode: q.mode,
          offset: q.offset,
          limit: String(PAGE_SIZE),
        });
        query.offset = parsed.offset;
        const { total, total_capped, history } = services.history.use().list({
          ...parsed,
          limit: PAGE_SIZE,
        });
        const comfy = services.comfy.peek();
        const images: Record<number, ComfyImage[]> = {};
        for (const e of history) {
          const found = comfy?.imagesOf(e.id) ?? [];
          if (found.length) images[e.id] = found;
        }
        props = { entries: history, images, total, totalCapped: total_capped, query };
      } catch (err) {
        const { message } = toErrorView(err);
        props = { entries: [], total: 0, totalCapped: false, query, unavailable: message };
      }
      if (isHtmx(c)) return c.html(renderFragment(<HistoryList {...props} />));
      return c.html(renderPage(<HistoryPage {...props} {...await pageChrome(services, c)} />));
    })
    .post("/ui/history/:id/favorite", async (c) => {
      const id = Number(c.req.param("id"));
      const back = safeBack(new Map(await formEntries(c)).get("back"));
      const history = services.history.peek();
      const entry = history?.get(id);
      if (entry) history!.setFavorite(id, !entry.favorite);
      if (!isHtmx(c)) return c.redirect(back, 303);
      const updated = history?.get(id);
      const images = updated ? services.comfy.peek()?.imagesOf(id) : undefined;
      return c.html(
        updated ? renderFragment(<HistoryItem entry={updated} back={back} images={images} />) : "",
      );
    })
    .post("/ui/history/:id/replay", async (c) => {
      const entry = services.history.peek()?.get(Number(c.req.param("id")));
      if (!entry) return c.redirect("/ui/history", 303);
      try {
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
        if (replayed.history_id !== null) return c.redirect(`/?result=${replayed.history_id}`, 303);
        return c.redirect(`/?reuse=${entry.id}`, 303);
      } catch (err) {
        // The form comes back filled with the entry, and says why the replay failed.
        return await renderHome(
          services,
          c,
          formFromHistory(entry),
          { error: toErrorView(err) },
          errorStatus(err),
        );
      }
    })
    .post("/ui/history/:id/delete", async (c) => {
      const id = Number(c.req.param("id"));
      const back = safeBack(new Map(await formEntries(c)).get("back"));
      const history = services.history.peek();
      if (Number.isSafeInteger(id)) history?.delete(id);
      if (!isHtmx(c)) return c.redirect(back, 303);
      // The entry goes; the count beside the list is swapped out of band so it stays true.
      try {
        const params = Object.fromEntries(new URL(back, "http://x").searchParams);
        const parsed = parseHistoryQuery({ ...params, limit: "1" });
        const { total, total_capped } = history!.list({ ...parsed, limit: 1 });
        return c.html(
          renderFragment(
            <HistoryCount total={total} totalCapped={total_capped} q={parsed.q ?? ""} oob />,
          ),
        );
      } catch {
        return c.html("");
      }
    });
}
