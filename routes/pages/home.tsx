import { type Context, Hono } from "hono";
import type { Services } from "../../lib/app/services.ts";
import { savePack } from "../../lib/presets/save_pack.ts";
import type { Selections } from "../../lib/prompt/assembly.ts";
import type { LastResult } from "../../lib/app/page_state.ts";
import type { HistoryStore } from "../../lib/history/store.ts";
import type { Target } from "../../lib/prompt/targets.ts";
import {
  applyPack,
  formFromEntries,
  formFromHistory,
  type FormState,
  formToRequest,
  withoutPresets,
  withoutQuickPresets,
} from "../http/form_state.ts";
import { renderFragment } from "../../views/render.ts";
import { PresetPicker } from "../../views/preset_picker.tsx";
import type { ResultView } from "../../views/result_panel.tsx";
import type { PresetMessage } from "../../views/generate_form.tsx";
import { appliedSummary } from "../../views/preset_summary.ts";
import { formEntries, toErrorView } from "../http/page_context.ts";
import { type HomeDeps, renderHome, targetOrFirst } from "../http/render_home.tsx";
import { cookieSession } from "../http/session.ts";

import { formFromState, pageStateOf, rememberDraft, rememberForm } from "../http/page_memory.ts";
import { parseTheme, rememberTheme } from "../http/theme.ts";

type Deps = HomeDeps & Pick<Services, "history" | "pageState" | "custom">;

/** Where a no-script form may send the browser back to: a path of ours, never another site. */
export function safeBack(raw: string | undefined | null): string {
  return raw && /^\/[^/\\]/.test(raw) || raw === "/" ? raw! : "/";
}

/** A history entry as the result panel shows it. */
export function entryResult(
  history: HistoryStore,
  targets: Target[],
  id: number,
): ResultView | undefined {
  const entry = history.get(id);
  if (!entry) return undefined;
  return {
    positive: entry.positive,
    negative: entry.negative,
    result: entry.generated_output,
    engine: entry.engine,
    history_id: entry.id,
    target: targetOrFirst(targets, entry.model),
    ollama_model: entry.ollama_model,
    alternates: entry.alternates,
    notes: entry.notes,
  };
}

/** The remembered last result, if it is still there. */
function lastResult(
  services: Pick<Services, "history" | "targets">,
  last: LastResult | undefined,
): ResultView | undefined {
  if (!last) return undefined;
  if ("history_id" in last) {
    const history = services.history.peek();
    return history ? entryResult(history, services.targets, last.history_id) : undefined;
  }
  return {
    positive: "",
    negative: null,
    result: last.stopped,
    engine: "ollama",
    history_id: null,
    target: targetOrFirst(services.targets, last.target),
    ollama_model: last.ollama_model,
    stopped: true,
  };
}

/**
 * `GET /` (the app, as this browser left it), `POST /ui/form` (re-render without generating:
 * apply a pack, clear the presets), `POST /ui/state` (app.js saves edits), `POST /ui/theme`,
 * `POST /ui/presets/pack` (save the current choices as your own pack) and `GET /ui/picker`.
 */
export function homeRoutes(services: Deps): Hono {
  const catalog = () => services.presets.get(services.config.enableNsfwPresets);
  const defaults = () => ({ ollama_model: services.config.ollamaModel });

  async function reRender(c: Context, form: FormState, message?: PresetMessage, status = 200) {
    const extra = message ? { presetMessage: message } : {};
    return await renderHome(services, c, form, extra, status);
  }

  return new Hono()
    .get("/", async (c) => {
      const q = c.req.query();
      if (q.mode === "batch") return c.redirect("/ui/batch", 303);
      const state = await pageStateOf(services, c);
      const asked = q.mode === "chat" ? "chat" : q.mode === "oneshot" ? "oneshot" : undefined;
      let form = formFromState(state, defaults(), asked);
      let result: ResultView | undefined;
      const historyId = Number(q.reuse ?? q.result);
      const history = services.history.peek();
      if (history && Number.isSafeInteger(historyId) && historyId > 0) {
        const entry = history.get(historyId);
        if (entry) {
          form = formFromHistory(entry);
          if (asked) form.mode = asked;
          if (q.result) result = entryResult(history, services.targets, historyId);
        }
      } else if (form.mode === "oneshot") {
        result = lastResult(services, state.last);
      }
      if (form.mode === "chat" && q.persona && /^[a-z0-9_]{1,100}$/.test(q.persona)) {
        form.persona_id = q.persona;
      }
      const sid = cookieSession(c, services.secret);
      if (form.mode === "chat" && sid) {
        const kind = form.persona_id ? "persona" : "chat";
        const scope = await services.conversations.scope(sid, kind);
        if (scope) form.model = scope.target;
        // A reused chat entry fills the message box, not the conversation.
        if (q.reuse && history) form.input = history.get(historyId)?.user_input ?? form.input;
      }
      return await renderHome(services, c, form, { result });
    })
    .post("/ui/form", async (c) => {
      const entries = await formEntries(c);
      let form = formFromEntries(entries, defaults());
      const pack = entries.find(([k]) => k === "apply_pack")?.[1];
      const found = pack ? catalog().packs.find((p) => p.id === pack) : undefined;
      let message: PresetMessage | undefined;
      if (found) {
        form = applyPack(form, found);
        message = { text: `Applied the “${found.name}” pack.` };
      }
      if (entries.some(([k]) => k === "clear_presets")) {
        form = withoutPresets(form);
        message = { text: "Cleared every preset." };
      }
      await rememberForm(services, c, form);
      return await reRender(c, form, message);
    })
    .post("/ui/state", async (c) => {
      const entries = await formEntries(c);
      const get = (k: string) => entries.find(([key]) => key === k)?.[1] ?? "";
      if (get("mode") === "batch") {
        await rememberDraft(services, c, "batch", get("ideas"), {
          model: get("model"),
          ollama_model: get("ollama_model"),
        });
      } else {
        await rememberForm(services, c, formFromEntries(entries, defaults()));
      }
      return c.body(null, 204);
    })
    .post("/ui/theme", async (c) => {
      const form = new Map(await formEntries(c));
      rememberTheme(c, parseTheme(form.get("theme")));
      return c.redirect(safeBack(form.get("back")), 303);
    })
    .post("/ui/presets/pack", async (c) => {
      const entries = await formEntries(c);
      const form = formFromEntries(entries, defaults());
      const name = entries.find(([k]) => k === "pack_name")?.[1] ?? "";
      try {
        const selections = (formToRequest(form).selections ?? {}) as Selections;
        // The pack's own summary: what it applies, without the quick presets it cannot hold.
        const summary = appliedSummary(catalog(), withoutQuickPresets(form));
        const pack = savePack(services.custom.use(), {
          name,
          selections,
          description: summary.join(" · "),
        });
        await rememberForm(services, c, form);
        return await reRender(c, form, {
          text: `Saved “${pack.name}” with your packs; it is marked ⭐ in the list.`,
        });
      } catch (err) {
        return await reRender(c, form, { text: toErrorView(err).message, error: true });
      }
    })
    .get("/ui/picker", async (c) => {
      const form = formFromEntries(await formEntries(c), defaults());
      return c.html(renderFragment(<PresetPicker catalog={catalog()} form={form} />));
    });
}
