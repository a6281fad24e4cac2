import { Hono } from "hono";
import type { Services } from "../../lib/app/services.ts";
import { renderFragment, renderPage } from "../../views/render.ts";
import {
  HistoryItem,
  HistoryList,
  type HistoryListProps,
  HistoryPage,
} from "../../views/history_page.tsx";
import { AppError } from "../../lib/app/errors.ts";
import { parseHistoryQuery } from "../api/history.ts";
import {
  errorStatus,
  formEntries,
  isHtmx,
  ollamaStatus,
  toErrorView,
} from "../http/page_context.ts";
import { renderHome } from "./home.tsx";
import { formFromHistory } from "../http/form_state.ts";
import { replayEntry } from "../../lib/history/replay.ts";

const PAGE_SIZE = 20;

function safeBack(raw: string | undefined): string {
  return raw && /^\/ui\/history(\?[^\s]*)?$/.test(raw) ? raw : "/ui/history";
}

/** The history page, its live-search fragment, and the favorite and delete forms. */
export function uiHistoryRoutes(services: Services): Hono {
  return new Hono()
    .get("/ui/history", async (c) => {
      const q = c.req.query();
      const query = {
        q: q.q?.trim() ?? "",
        favorite: q.favorite === "true",
        offset: 0,
        limit: PAGE_SIZE,
      };
      let props: HistoryListProps;
      try {
        const parsed = parseHistoryQuery({
          q: q.q,
          favorite: q.favorite,
          offset: q.offset,
          limit: String(PAGE_SIZE),
        });
        query.offset = parsed.offset;
        if (!services.history) {
          throw new AppError(
            503,
            "History unavailable",
            `History is unavailable: ${services.historyError}`,
          );
        }
        const { total, total_capped, history } = services.history.list({
          ...parsed,
          limit: PAGE_SIZE,
        });
        props = { entries: history, total, totalCapped: total_capped, query };
      } catch (err) {
        const { message } = toErrorView(err);
        props = { entries: [], total: 0, totalCapped: false, query, unavailable: message };
      }
      if (isHtmx(c)) return c.html(renderFragment(<HistoryList {...props} />));
      return c.html(renderPage(<HistoryPage {...props} ollama={await ollamaStatus(services)} />));
    })
    .post("/ui/history/:id/favorite", async (c) => {
      const id = Number(c.req.param("id"));
      const back = safeBack(new Map(await formEntries(c)).get("back"));
      const entry = services.history?.get(id);
      if (entry) services.history!.setFavorite(id, !entry.favorite);
      if (!isHtmx(c)) return c.redirect(back, 303);
      const updated = services.history?.get(id);
      return c.html(updated ? renderFragment(<HistoryItem entry={updated} back={back} />) : "");
    })
    .post("/ui/history/:id/replay", async (c) => {
      const entry = services.history?.get(Number(c.req.param("id")));
      if (!entry) return c.redirect("/ui/history", 303);
      try {
        const replayed = await replayEntry(services, entry, c);
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
      if (Number.isSafeInteger(id)) services.history?.delete(id);
      return isHtmx(c) ? c.html("") : c.redirect(back, 303);
    });
}
