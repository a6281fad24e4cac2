import { own } from "../lib/app/own.ts";
import type { Catalog } from "../lib/presets/catalog.ts";
import type { OptionGroup } from "../lib/presets/schema.ts";
import type { FormState } from "../routes/http/form_state.ts";

/** Props of the hierarchical picker. */
export interface PresetPickerProps {
  catalog: Catalog;
  form: FormState;
}

function GroupSelect(
  { prefix, id, group, value }: { prefix: string; id: string; group: OptionGroup; value?: string },
) {
  const fieldId = `${prefix}-${id}`;
  return (
    <div class="field">
      <label for={fieldId}>{group.name}</label>
      <select id={fieldId} name={`${prefix}.${id}`}>
        <option value="">Any</option>
        {group.options.map((o) => (
          <option value={o.id} selected={o.id === value} title={o.text}>{o.name}</option>
        ))}
      </select>
    </div>
  );
}

/**
 * The cascading Category → Type → Artist → technical and scene picker. htmx re-renders the whole
 * fieldset on every change; without JavaScript the "Show options" button does the same by post.
 */
export function PresetPicker({ catalog, form }: PresetPickerProps) {
  const category = catalog.categories.find((c) => c.id === form.category);
  const type = category?.types.find((t) => t.id === form.type);
  const artist = type?.artists.find((a) => a.id === form.h_artist);
  return (
    <fieldset
      id="picker"
      class="picker"
      hx-get="/ui/picker"
      hx-trigger="change"
      hx-target="this"
      hx-swap="outerHTML"
      hx-include="this"
      hx-sync="this:replace"
    >
      <legend>Style explorer</legend>
      <p class="hint">
        Category, then type, then artist; each artist brings their own technique and scene choices.
      </p>
      <div class="grid3">
        <div class="field">
          <label for="category">Category</label>
          <select id="category" name="category">
            <option value="">None</option>
            {catalog.categories.map((c) => (
              <option value={c.id} selected={c.id === form.category}>{c.icon} {c.name}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="type">Type</label>
          <select id="type" name="type" disabled={!category}>
            <option value="">{category ? "Any type" : "Choose a category first"}</option>
            {category?.types.map((t) => (
              <option value={t.id} selected={t.id === form.type}>{t.icon} {t.name}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="h_artist">Artist</label>
          <select id="h_artist" name="h_artist" disabled={!type}>
            <option value="">{type ? "Any artist" : "Choose a type first"}</option>
            {type?.artists.map((a) => (
              <option value={a.id} selected={a.id === form.h_artist}>
                {a.popularity === "high" ? "🔥 " : ""}
                {a.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {type && !artist && <p class="hint">{type.description}</p>}
      {artist && (
        <div class="artist-card">
          <p>
            <strong>{artist.name}</strong> — {artist.description}
          </p>
          <p class="hint">Signature: {artist.signature}</p>
        </div>
      )}
      {artist && (
        <div class="grid3">
          {Object.entries(artist.technical).map(([id, group]) => (
            <GroupSelect prefix="tech" id={id} group={group} value={own(form.technical, id)} />
          ))}
          {Object.entries(artist.specifics).map(([id, group]) => (
            <GroupSelect prefix="spec" id={id} group={group} value={own(form.specifics, id)} />
          ))}
        </div>
      )}
      <noscript>
        <button
          type="submit"
          formaction="/ui/form"
          formmethod="post"
          formnovalidate
          class="secondary"
        >
          Show options for this choice
        </button>
      </noscript>
    </fieldset>
  );
}
