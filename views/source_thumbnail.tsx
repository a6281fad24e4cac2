import type { HistoryEntry } from "../lib/history/store.ts";

/** The picture a history entry came from: its thumbnail and what it was, when there is one. */
export function SourceThumbnail({ entry }: { entry: HistoryEntry }) {
  const image = entry.source_image;
  if (!image) return null;
  const how = entry.mode === "image-read" ? "Read from" : "Written from";
  const read = image.reading && image.reading.source !== "none"
    ? ` (it carried ${image.reading.source === "a1111" ? "A1111" : "ComfyUI"} metadata)`
    : "";
  const caption =
    `${how} a ${image.format.toUpperCase()} picture, ${image.width}×${image.height}${read}`;
  return (
    <figure class="source-thumb">
      {image.thumbnail_url && (
        <img
          src={image.thumbnail_url}
          width={image.thumbnail_width ?? undefined}
          height={image.thumbnail_height ?? undefined}
          alt={caption}
          loading="lazy"
        />
      )}
      <figcaption class="hint">{caption}</figcaption>
    </figure>
  );
}
