import type { Catalog } from "../lib/presets/catalog.ts";
import { LEGACY_CATEGORIES } from "../lib/presets/catalog.ts";
import type { Target } from "../lib/prompt/targets.ts";
import { TargetPicker } from "./target_picker.tsx";
import type { Persona } from "../lib/chat/personas.ts";
import type { FormState } from "../routes/http/form_state.ts";
import { PresetPicker } from "./preset_picker.tsx";

/** What the page knows about the installed Ollama models. */
export interface ModelChoice {
  names: string[];
  default: string;
  /** Why the list is missing or empty, with what to run. */
  notice?: string;
}

/** Props of the main form. */
export interface GenerateFormProps {
  form: FormState;
  targets: Target[];
  catalog: Catalog;
  models: ModelChoice;
  personas: Record<string, Persona>;
  hierarchicalFirst: boolean;
}

const LEGACY_FIELDS = {
  styles: ["style", "Style"],
  artists: ["artist", "Artist"],
  composition: ["composition", "Composition"],
  lighting: ["lighting", "Lighting"],
} as const;

function LegacyPresets({ catalog, form }: { catalog: Catalog; form: FormState }) {
  return (
    <fieldset class="legacy">
      <legend>Quick presets</legend>
      <div class="grid2">
        {LEGACY_CATEGORIES.map((cat) => {
          const [name, label] = LEGACY_FIELDS[cat];
          return (
            <div class="field">
              <label for={`legacy-${name}`}>{label}</label>
              <select id={`legacy-${name}`} name={name}>
                <option value="None">None</option>
                {Object.entries(catalog.legacy[cat]).map(([key, p]) => (
                  <option value={key} selected={form[name] === key} title={p.text}>
                    {p.custom ? `★ ${key}` : key}
                  </option>
                ))}
              </select>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

function UniversalOptions({ catalog, form }: { catalog: Catalog; form: FormState }) {
  return (
    <fieldset class="universal">
      <legend>Atmosphere</legend>
      {Object.entries(catalog.universal).map(([key, group]) => {
        const chosen = form.universal[key] ?? [];
        if (group.multi) {
          return (
            <fieldset class="chips">
              <legend>{group.name}</legend>
              {group.options.map((o) => (
                <label class="chip">
                  <input
                    type="checkbox"
                    name={`u.${key}`}
                    value={o.id}
                    checked={chosen.includes(o.id)}
                  />
                  <span>{o.name}</span>
                </label>
              ))}
            </fieldset>
          );
        }
        if (key === "color_palette") {
          return (
            <fieldset class="chips palettes">
              <legend>{group.name}</legend>
              <label class="chip">
                <input type="radio" name={`u.${key}`} value="" checked={!chosen.length} />
                <span>Any</span>
              </label>
              {group.options.map((o) => (
                <label class="chip" title={o.feel ? `Feels ${o.feel}` : o.text}>
                  <input
                    type="radio"
                    name={`u.${key}`}
                    value={o.id}
                    checked={chosen.includes(o.id)}
                  />
                  <span>
                    <span class="swatches" aria-hidden="true">
                      {(o.colors ?? []).map((c) => <i key={c} style={{ background: c }}></i>)}
                    </span>
                    {o.name}
                  </span>
                </label>
              ))}
            </fieldset>
          );
        }
        return (
          <div class="field inline">
            <label for={`u-${key}`}>{group.name}</label>
            <select id={`u-${key}`} name={`u.${key}`}>
              <option value="">Any</option>
              {group.options.map((o) => (
                <option value={o.id} selected={chosen.includes(o.id)}>{o.name}</option>
              ))}
            </select>
          </div>
        );
      })}
    </fieldset>
  );
}

function Packs({ catalog }: { catalog: Catalog }) {
  if (!catalog.packs.length) return null;
  return (
    <fieldset class="packs">
      <legend>Preset packs</legend>
      <div class="pack-list">
        {catalog.packs.map((p) => (
          <button
            type="submit"
            name="apply_pack"
            value={p.id}
            formaction="/ui/form"
            formmethod="post"
            hx-post="/ui/form"
            hx-select="#presets"
            hx-target="#presets"
            hx-swap="outerHTML"
            class="pack"
            title={p.description}
          >
            <span aria-hidden="true">{p.icon}</span> {p.name}
          </button>
        ))}
      </div>
    </fieldset>
  );
}

/** The preset area: packs, the hierarchical picker, atmosphere and the quick presets. */
export function PresetArea({ catalog, form, hierarchicalFirst }: {
  catalog: Catalog;
  form: FormState;
  hierarchicalFirst: boolean;
}) {
  const hierarchical = [
    <Packs key="packs" catalog={catalog} />,
    <PresetPicker key="picker" catalog={catalog} form={form} />,
  ];
  const legacy = <LegacyPresets catalog={catalog} form={form} />;
  const atmosphereChosen = Object.values(form.universal).some((v) => v.some(Boolean));
  return (
    <div id="presets" class="presets">
      {hierarchicalFirst ? [...hierarchical, legacy] : [legacy, ...hierarchical]}
      <details class="atmosphere" open={atmosphereChosen}>
        <summary>Atmosphere: mood, time, light, weather, palette, camera</summary>
        <UniversalOptions catalog={catalog} form={form} />
      </details>
    </div>
  );
}

/** The main form: idea, target, LLM, presets, options; posts without JavaScript, streams with htmx. */
export function GenerateForm(props: GenerateFormProps) {
  const { form, targets, catalog, models, personas } = props;
  const chat = form.mode === "chat";
  const action = chat ? "/ui/chat" : "/ui/generate";
  const target = chat ? "#chat" : "#result";
  return (
    <form
      id="gen-form"
      class="panel form"
      method="post"
      action={action}
      hx-post={action}
      hx-target={target}
      hx-swap="outerHTML"
      hx-disabled-elt="#gen-form button.primary"
    >
      <input type="hidden" name="mode" value={form.mode} />
      <div class="field">
        <label for="input">{chat ? "Your message" : "Your idea"}</label>
        <textarea
          id="input"
          name="input"
          rows={chat ? 3 : 4}
          maxlength={8000}
          required
          placeholder={chat
            ? "Make it moodier, add rain, switch to a low angle…"
            : "A cyberpunk warrior in a neon city"}
        >
          {form.input}
        </textarea>
        <p class="hint">
          Wildcards: {"{a|b|c}"} picks one; __animal__, __color__ and your own lists too.
        </p>
      </div>

      <TargetPicker targets={targets} selected={form.model} />

      <div class="grid2">
        <div class="field">
          <label for="ollama_model">LLM</label>
          <select id="ollama_model" name="ollama_model">
            {(models.names.length ? models.names : [models.default]).map((m) => (
              <option value={m} selected={m === (form.ollama_model || models.default)}>{m}</option>
            ))}
          </select>
        </div>
        {chat && (
          <div class="field">
            <label for="persona_id">Persona</label>
            <select id="persona_id" name="persona_id">
              <option value="">None (prompt refiner)</option>
              {Object.values(personas).map((p) => (
                <option value={p.id} selected={p.id === form.persona_id}>{p.icon} {p.name}</option>
              ))}
            </select>
          </div>
        )}
      </div>
      {models.notice && <p class="notice" role="status">{models.notice}</p>}
      <label class="check">
        <input
          type="checkbox"
          name="engine"
          value="composer"
          checked={form.engine === "composer"}
        />
        Compose without an LLM (instant, works offline)
      </label>

      <details class="section" open>
        <summary>Presets</summary>
        <PresetArea catalog={catalog} form={form} hierarchicalFirst={props.hierarchicalFirst} />
      </details>

      <details class="section">
        <summary>Options</summary>
        <div class="grid2">
          <div class="field">
            <label for="temperature">Temperature</label>
            <input
              id="temperature"
              name="temperature"
              type="number"
              min="0"
              max="2"
              step="0.1"
              value={form.temperature}
              placeholder="model default"
            />
          </div>
          <div class="field">
            <label for="seed">Seed</label>
            <input
              id="seed"
              name="seed"
              type="number"
              min="0"
              max="2147483647"
              step="1"
              value={form.seed}
              placeholder="random"
            />
          </div>
        </div>
        <div class="field">
          <label for="protect">Keep exactly (LoRA tags, trigger words), comma-separated</label>
          <input
            id="protect"
            name="protect"
            type="text"
            value={form.protect}
            placeholder="ohwx man, <lora:my_style:0.8>"
          />
          <p class="hint">LoRA tags typed in the idea are kept automatically.</p>
        </div>
        <label class="check">
          <input type="checkbox" name="think" checked={form.think} />{" "}
          Show the model's reasoning (thinking models, slower)
        </label>
      </details>

      <div class="actions sticky">
        <button type="submit" class="primary">{chat ? "Send" : "Generate"}</button>
        <span class="hint">Ctrl+Enter to submit</span>
      </div>
    </form>
  );
}
