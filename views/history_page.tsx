import { markedParts } from "../lib/history/search.ts";
import { Layout, type Theme } from "./layout.tsx";
import type { HistoryEntry } from "../lib/history/store.ts";
import type { ComfyImage } from "../lib/comfy/client.ts";
import { bothPrompts } from "./result_panel.tsx";
import { SourceThumbnail } from "./source_thumbnail.tsx";

/** How each generation mode is named on the page; `api` rows come from ComfyUI and other clients. */
const MODE_LABELS: Record<string, string> = {
  oneshot: "One-shot",
  chat: "Chat",
  "persona-chat": "Persona chat",
  batch: "Batch",
  api: "API (ComfyUI)",
};

/** The query the history page was asked for. */
export interface HistoryQueryView {
  q: string;
  favorite: boolean;
  /** Only entries of this generation mode; "" for all. */
  mode: string;
  offset: number;
  limit: number;
}

/** Props of the history list fragment. */
export interface HistoryListProps {
  entries: HistoryEntry[];
  /** Images ComfyUI made from an entry, by entry id. */
  images?: Record<number, ComfyImage[]>;
  total: number;
  totalCapped: boolean;
  query: HistoryQueryView;
  unavailable?: string;
}

function Snippet({ text }: { text: string }) {
  // The store marks hits with [[ ]]; rendering them as <mark> keeps everything else escaped.
  const parts = markedParts(text);
  return (
    <p class="snippet">
      {parts.map((p) => (typeof p === "string" ? p : <mark>{p.mark}</mark>))}
    </p>
  );
}

function pageLink(query: HistoryQueryView, offset: number): string {
  const params = new URLSearchParams();
  if (query.q) params.set("q", query.q);
  if (query.favorite) params.set("favorite", "true");
  if (query.mode) params.set("mode", query.mode);
  if (offset) params.set("offset", String(offset));
  const s = params.toString();
  return `/ui/history${s ? `?${s}` : ""}`;
}

/** The count line; a delete swaps it out of band so it stays true. */
export function HistoryCount(
  { total, totalCapped, q, oob }: { total: number; totalCapped: boolean; q: string; oob?: boolean },
) {
  return (
    <p id="history-count" class="count" role="status" hx-swap-oob={oob ? "true" : undefined}>
      {total === 0
        ? q ? `Nothing matches “${q}”.` : "Nothing saved yet: every prompt you make lands here."
        : `${total}${totalCapped ? "+" : ""} ${total === 1 ? "entry" : "entries"}${
          q ? ` for “${q}”` : ""
        }`}
    </p>
  );
}

/**
 * One history entry with its actions; swapped alone when favorited or deleted. Times are written
 * in UTC and app.js shows them in the browser's own time zone.
 */
export function HistoryItem(
  { entry, back, images = [] }: { entry: HistoryEntry; back: string; images?: ComfyImage[] },
) {
  const when = entry.timestamp.replace("T", " ").slice(0, 16);
  return (
    <article class="entry" id={`entry-${entry.id}`}>
      <header>
        <span class="badge">{entry.model}</span>
        <span class="badge" title={entry.mode}>{MODE_LABELS[entry.mode] ?? entry.mode}</span>
        {entry.engine === "composer" && <span class="badge warn">composer</span>}
        <time datetime={entry.timestamp} data-local>{when} UTC</time>
      </header>
      <SourceThumbnail entry={entry} />
      <p class="idea">{entry.user_input}</p>
      {entry.snippet && <Snippet text={entry.snippet} />}
      <details>
        <summary>Prompt</summary>
        <textarea id={`p-${entry.id}`} class="prompt-text" readOnly rows={4}>
          {entry.positive || entry.generated_output}
        </textarea>
        {entry.negative && (
          <>
            <p class="hint">Negative prompt</p>
            <textarea id={`n-${entry.id}`} class="prompt-text" readOnly rows={2}>
              {entry.negative}
            </textarea>
          </>
        )}
      </details>
      <textarea id={`b-${entry.id}`} hidden>
        {bothPrompts(entry.positive || entry.generated_output, entry.negative)}
      </textarea>
      {images.length > 0 && (
        <div class="thumbs">
          {images.map((img, i) => (
            <a href={`/api/comfyui/history/${entry.id}/images/${i}`} key={img.filename}>
              <img
                src={`/api/comfyui/history/${entry.id}/images/${i}`}
                alt={`Image ${i + 1} made in ComfyUI from this prompt`}
                loading="lazy"
              />
            </a>
          ))}
        </div>
      )}
      <div class="entry-actions">
        <a class="button secondary" href={`/?reuse=${entry.id}`}>Reuse</a>
        {!["chat", "persona-chat", "image", "image-read"].includes(entry.mode) && (
          <form method="post" action={`/ui/history/${entry.id}/replay`}>
            <button
              type="submit"
              class="secondary"
              title="Run it again with the same inputs, model, seed and temperature"
            >
              Replay
            </button>
          </form>
        )}
        <button
          type="button"
          class="copy secondary"
          data-copy={`#b-${entry.id}`}
          title={entry.negative ? "Copies the prompt and the negative prompt" : "Copies the prompt"}
        >
          Copy
        </button>
        {(entry.positive || entry.generated_output) && (
          <a class="button secondary" href={`/ui/comfy/send?history_id=${entry.id}`}>
            Send to ComfyUI
          </a>
        )}
        <form
          method="post"
          action={`/ui/history/${entry.id}/favorite`}
          hx-post={`/ui/history/${entry.id}/favorite`}
          hx-target={`#entry-${entry.id}`}
          hx-swap="outerHTML"
        >
          <input type="hidden" name="back" value={back} />
          <button
            type="submit"
            class={`secondary fav ${entry.favorite ? "on" : ""}`}
            aria-pressed={entry.favorite ? "true" : "false"}
          >
            {entry.favorite ? "★ Favorite" : "☆ Favorite"}
          </button>
        </form>
        <form
          method="post"
          action={`/ui/history/${entry.id}/delete`}
          hx-post={`/ui/history/${entry.id}/delete`}
          hx-target={`#entry-${entry.id}`}
          hx-swap="outerHTML"
          hx-confirm="Delete this entry for good?"
        >
          <input type="hidden" name="back" value={back} />
          <button type="submit" class="secondary danger">Delete</button>
        </form>
      </div>
    </article>
  );
}

/** The list with its count and pagination; the fragment live search swaps. */
export function HistoryList(
  { entries, images = {}, total, totalCapped, query, unavailable }: HistoryListProps,
) {
  const back = pageLink(query, query.offset);
  return (
    <div id="history-list" class="history-list">
      {unavailable && <p class="error" role="alert">{unavailable}</p>}
      <HistoryCount total={total} totalCapped={totalCapped} q={query.q} />
      {entries.map((e) => <HistoryItem key={e.id} entry={e} back={back} images={images[e.id]} />)}
      {(query.offset > 0 || query.offset + entries.length < total) && (
        <nav class="pager" aria-label="Pages">
          {query.offset > 0 && (
            <a
              href={pageLink(query, Math.max(0, query.offset - query.limit))}
              hx-get={pageLink(query, Math.max(0, query.offset - query.limit))}
              hx-target="#history-list"
              hx-swap="outerHTML"
              hx-push-url="true"
            >
              ← Newer
            </a>
          )}
          <span>
            {query.offset + 1}–{query.offset + entries.length}
          </span>
          {query.offset + entries.length < total && (
            <a
              href={pageLink(query, query.offset + query.limit)}
              hx-get={pageLink(query, query.offset + query.limit)}
              hx-target="#history-list"
              hx-swap="outerHTML"
              hx-push-url="true"
            >
              Older →
            </a>
          )}
        </nav>
      )}
    </div>
  );
}

/** The history page: live search, favorites filter, export links and the list. */
export function HistoryPage(
  props: HistoryListProps & {
    ollama: { reachable: boolean; url: string };
    theme?: Theme;
    path?: string;
    logout?: boolean;
  },
) {
  const { query } = props;
  return (
    <Layout
      title="History — Promptsmith"
      current="history"
      ollama={props.ollama}
      theme={props.theme}
      path={props.path}
      logout={props.logout}
    >
      <section class="panel history">
        <div class="history-head">
          <h1>History</h1>
          <div class="exports">
            Export: <a href="/history/export?format=json" download>JSON</a> ·{" "}
            <a href="/history/export?format=csv" download>CSV</a> ·{" "}
            <a href="/history/export?format=txt" download>TXT</a>
          </div>
        </div>
        <form
          class="search"
          method="get"
          action="/ui/history"
          role="search"
          hx-get="/ui/history"
          hx-target="#history-list"
          hx-swap="outerHTML"
          hx-trigger="input changed delay:150ms from:#q, change from:#favorite, change from:#mode, submit"
          hx-sync="this:replace"
          hx-replace-url="true"
        >
          <label for="q" class="visually-hidden">Search history</label>
          <input
            id="q"
            type="search"
            name="q"
            value={query.q}
            placeholder="Search ideas and prompts…"
            autocomplete="off"
          />
          <label class="check">
            <input
              id="favorite"
              type="checkbox"
              name="favorite"
              value="true"
              checked={query.favorite}
            />{" "}
            Favorites only
          </label>
          <label for="mode" class="visually-hidden">Mode</label>
          <select id="mode" name="mode">
            <option value="" selected={!query.mode}>All modes</option>
            {Object.entries(MODE_LABELS).map(([id, label]) => (
              <option key={id} value={id} selected={query.mode === id}>{label}</option>
            ))}
          </select>
          <button type="submit" class="secondary">Search</button>
        </form>
        <HistoryList {...props} />
      </section>
    </Layout>
  );
}
