import { Hono } from "hono";
import type { Services } from "../../lib/app/services.ts";
import {
  applyPack,
  emptyForm,
  formFromEntries,
  formFromHistory,
  type FormState,
} from "../http/form_state.ts";
import { renderFragment } from "../../views/render.ts";
import { PresetPicker } from "../../views/preset_picker.tsx";
import type { ResultView } from "../../views/result_panel.tsx";
import { formEntries } from "../http/page_context.ts";
import { type HomeDeps, renderHome } from "../http/render_home.tsx";
import { cookieSession } from "../http/session.ts";
import { lookupTarget } from "../../lib/prompt/targets.ts";

/** `GET /` (the app), `POST /ui/form` (re-render without generating) and `GET /ui/picker`. */
export function homeRoutes(services: HomeDeps & Pick<Services, "history">): Hono {
  const catalog = () => services.presets.get(services.config.enableNsfwPresets);
  const defaults = () => ({ ollama_model: services.config.ollamaModel });

  return new Hono()
    .get("/", async (c) => {
      const q = c.req.query();
      if (q.mode === "batch") return c.redirect("/ui/batch", 303);
      let form: FormState = emptyForm(defaults());
      if (q.mode === "chat") form.mode = "chat";
      let result: ResultView | undefined;
      const historyId = Number(q.reuse ?? q.result);
      const history = services.history.peek();
      if (history && Number.isSafeInteger(historyId) && historyId > 0) {
        const entry = history.get(historyId);
        if (entry) {
          form = formFromHistory(entry);
          if (q.mode === "chat") form.mode = "chat";
          if (q.result) {
            const target = lookupTarget(services.targets, entry.model) ?? services.targets[0]!;
            result = {
              positive: entry.positive,
              negative: entry.negative,
              result: entry.generated_output,
              engine: entry.engine,
              history_id: entry.id,
              target,
              ollama_model: entry.ollama_model,
            };
          }
        }
      }
      if (form.mode === "chat" && q.persona && /^[a-z0-9_]{1,100}$/.test(q.persona)) {
        form.persona_id = q.persona;
      }
      const sid = cookieSession(c, services.secret);
      if (form.mode === "chat" && sid) {
        const kind = form.persona_id ? "persona" : "chat";
        const scope = await services.conversations.scope(sid, kind);
        if (scope) form.model = scope.target;
      }
      return await renderHome(services, c, form, { result });
    })
    .post("/ui/form", async (c) => {
      const entries = await formEntries(c);
      let form = formFromEntries(entries, defaults());
      const pack = entries.find(([k]) => k === "apply_pack")?.[1];
      const found = pack ? catalog().packs.find((p) => p.id === pack) : undefined;
      if (found) form = applyPack(form, found);
      return await renderHome(services, c, form);
    })
    .get("/ui/picker", async (c) => {
      const form = formFromEntries(await formEntries(c), defaults());
      return c.html(renderFragment(<PresetPicker catalog={catalog()} form={form} />));
    });
}
