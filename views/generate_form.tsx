import { own } from "../lib/app/own.ts";
import type { ComponentChildren } from "preact";
import type { Catalog } from "../lib/presets/catalog.ts";
import { LEGACY_CATEGORIES } from "../lib/presets/catalog.ts";
import type { Target } from "../lib/prompt/targets.ts";
import { TargetPicker } from "./target_picker.tsx";
import type { Persona } from "../lib/chat/personas.ts";
import type { FormState } from "../routes/http/form_state.ts";
import { PresetPicker } from "./preset_picker.tsx";
import { activePacks, appliedSummary, LEGACY_FIELDS } from "./preset_summary.ts";
import { ImageInput } from "./image_input.tsx";

/** What the page knows about the installed Ollama models. */
export interface ModelChoice {
  names: string[];
  default: string;
  /** Whether Ollama answered the last look. */
  reachable?: boolean;
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
  /** What the presets area says after a pack was applied or saved. */
  presetMessage?: PresetMessage;
}

/** What the presets area says after a pack was saved, applied or the presets cleared. */
export type PresetMessage = { text: string; error?: boolean };

/** A submit button that re-renders the presets area (with htmx) or the page (without). */
function PresetsButton(
  props: {
    name: string;
    value: string;
    class?: string;
    title?: string;
    pressed?: boolean;
    formaction?: string;
    children: ComponentChildren;
  },
) {
  const action = props.formaction ?? "/ui/form";
  return (
    <button
      type="submit"
      name={props.name}
      value={props.value}
      formaction={action}
      formmethod="post"
      formnovalidate
      hx-post={action}
      hx-select="#presets"
      hx-target="#presets"
      hx-swap="outerHTML"
      class={props.class}
      title={props.title}
      aria-pressed={props.pressed === undefined ? undefined : props.pressed ? "true" : "false"}
    >
      {props.children}
    </button>
  );
}

function LegacyPresets({ catalog, form }: { catalog: Catalog; form: FormState }) {
  return (
    <fieldset class="legacy">
      <legend>Quick presets</legend>
      <p class="hint">One style, artist, composition and lighting, each added as written.</p>
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
      <legend class="visually-hidden">Atmosphere</legend>
      {Object.entries(catalog.universal).map(([key, group]) => {
        const chosen = own(form.universal, key) ?? [];
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

function Packs({ catalog, form }: { catalog: Catalog; form: FormState }) {
  if (!catalog.packs.length) return null;
  const active = new Set(activePacks(catalog, form).map((p) => p.id));
  return (
    <fieldset class="packs">
      <legend>Preset packs</legend>
      <p class="hint">
        One click fills the Style explorer and Atmosphere with a combination that works.
      </p>
      <div class="pack-list">
        {catalog.packs.map((p) => (
          <PresetsButton
            name="apply_pack"
            value={p.id}
            class={active.has(p.id) ? "pack on" : "pack"}
            title={p.description}
            pressed={active.has(p.id)}
          >
            <span aria-hidden="true">{p.icon}</span> {p.name}
            {active.has(p.id) && <span class="visually-hidden">(applied)</span>}
          </PresetsButton>
        ))}
      </div>
      <div class="save-pack">
        <label for="pack_name">Save your choices as your own pack</label>
        <div class="inline-form">
          <input
            id="pack_name"
            name="pack_name"
            type="text"
            maxlength={60}
            placeholder="e.g. Moody harbour photos"
          />
          <PresetsButton
            name="save_pack"
            value="1"
            class="secondary"
            formaction="/ui/presets/pack"
          >
            Save pack
          </PresetsButton>
        </div>
        <p class="hint">
          A pack keeps a category, type and artist from the Style explorer, their options and the
          atmosphere; yours are marked ⭐.
        </p>
      </div>
    </fieldset>
  );
}

/** The line that says what is applied, with "Clear all"; app.js keeps it current. */
function Applied({ catalog, form, message }: {
  catalog: Catalog;
  form: FormState;
  message?: PresetMessage;
}) {
  const items = appliedSummary(catalog, form);
  const pack = activePacks(catalog, form).at(-1);
  return (
    <div class="applied">
      <p id="applied" aria-live="polite">
        <strong>Applied:</strong>{" "}
        <span id="applied-list">
          {items.length ? items.join(" · ") : "nothing yet — the idea alone decides the look."}
        </span>
        {pack && <span class="hint applied-pack" id="applied-pack">(pack: {pack.name})</span>}
      </p>
      <PresetsButton name="clear_presets" value="1" class="secondary small">
        Clear all presets
      </PresetsButton>
      {message && (
        <p class={message.error ? "error" : "notice ok"} role={message.error ? "alert" : "status"}>
          {message.text}
        </p>
      )}
    </div>
  );
}

/**
 * The preset area: what is applied, packs, the Style explorer, quick presets and atmosphere, each
 * saying what it does. Swapped whole as `#presets` when a pack is applied or saved.
 */
export function PresetArea({ catalog, form, hierarchicalFirst, message }: {
  catalog: Catalog;
  form: FormState;
  hierarchicalFirst: boolean;
  message?: PresetMessage;
}) {
  const hierarchical = [
    <Packs key="packs" catalog={catalog} form={form} />,
    <PresetPicker key="picker" catalog={catalog} form={form} />,
  ];
  const legacy = <LegacyPresets catalog={catalog} form={form} />;
  const atmosphereChosen = Object.values(form.universal).some((v) => v.some(Boolean));
  return (
    <div id="presets" class="presets">
      <p class="hint intro">
        Four ways to set the look, and they add up: a <strong>pack</strong>{" "}
        fills the explorer and atmosphere at once; the <strong>Style explorer</strong>{" "}
        narrows a category to one artist and their technique; <strong>quick presets</strong>{" "}
        add a style, artist, composition or lighting; <strong>atmosphere</strong>{" "}
        sets mood, time, weather, palette and camera.
      </p>
      <Applied catalog={catalog} form={form} message={message} />
      {hierarchicalFirst ? [...hierarchical, legacy] : [legacy, ...hierarchical]}
      <details class="atmosphere" open={atmosphereChosen}>
        <summary>Atmosphere: mood, time, light, weather, palette, camera</summary>
        <UniversalOptions catalog={catalog} form={form} />
      </details>
    </div>
  );
}

/** What the notice under the model picker says when Ollama cannot be used, per tab. */
export function modelNotice(models: ModelChoice, chat: boolean): string | undefined {
  if (!models.notice) return undefined;
  if (!models.reachable) {
    return chat
      ? `${models.notice} Chat needs it to answer; Quick Generate and Batch compose prompts without it meanwhile.`
      : `${models.notice} Until then, prompts are composed without an LLM.`;
  }
  return models.notice;
}

/**
 * The main form: idea, target, LLM, presets, options; posts without JavaScript, streams with
 * htmx. In Chat the message box and Send sit under the conversation and belong to this form
 * by its id. app.js saves what changes (`data-autosave`), so leaving the page loses nothing.
 */
export function GenerateForm(props: GenerateFormProps) {
  const { form, targets, catalog, models, personas } = props;
  const chat = form.mode === "chat";
  const action = chat ? "/ui/chat" : "/ui/generate";
  const target = chat ? "#chat" : "#result";
  const applied = appliedSummary(catalog, form).length;
  const notice = modelNotice(models, chat);
  return (
    <form
      id="gen-form"
      class="panel form"
      method="post"
      action={action}
      hx-post={action}
      hx-target={target}
      hx-swap="outerHTML"
      data-autosave
    >
      <input type="hidden" name="mode" value={form.mode} />
      {chat ? <h2 class="form-title">Settings for the conversation</h2> : (
        <div class="field idea">
          <label for="input">Your idea</label>
          <textarea
            id="input"
            name="input"
            rows={4}
            maxlength={8000}
            required
            placeholder="A cyberpunk warrior in a neon city"
          >
            {form.input}
          </textarea>
          <div class="input-extras" id="input-extras">
            <p class="hint">
              Wildcards: {"{a|b|c}"} picks one; __animal__, __color__ and your own lists too.
            </p>
          </div>
          <ImageInput />
        </div>
      )}

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
            <label for="persona_id">Who answers</label>
            <select id="persona_id" name="persona_id">
              <option value="">✦ Prompt refiner (no persona)</option>
              {Object.values(personas).map((p) => (
                <option value={p.id} selected={p.id === form.persona_id}>{p.icon} {p.name}</option>
              ))}
            </select>
          </div>
        )}
      </div>
      {notice && <p class="notice" role="status" id="model-notice">{notice}</p>}
      {!chat && (
        <label class="check">
          <input
            type="checkbox"
            name="engine"
            value="composer"
            checked={form.engine === "composer"}
          />
          Compose without an LLM (instant, works offline)
        </label>
      )}

      <details class="section" open>
        <summary>
          Presets{" "}
          <span class="count-applied" id="applied-count">
            {applied ? `${applied} applied` : "none applied"}
          </span>
        </summary>
        <PresetArea
          catalog={catalog}
          form={form}
          hierarchicalFirst={props.hierarchicalFirst}
          message={props.presetMessage}
        />
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

      {!chat && (
        <div class="actions sticky">
          <button type="submit" class="primary" data-send>Generate</button>
          <span class="hint">Ctrl+Enter to submit</span>
        </div>
      )}
    </form>
  );
}
