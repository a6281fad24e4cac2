import { type Context, Hono } from "hono";
import type { Services } from "../../lib/app/services.ts";
import { AppError } from "../../lib/app/errors.ts";
import { sendToComfy } from "../../lib/comfy/send.ts";
import { pickWorkflow } from "../../lib/comfy/workflow_choice.ts";
import type { StoredWorkflow } from "../../lib/comfy/jobs.ts";
import type { HistoryEntry } from "../../lib/history/store.ts";
import { renderPage } from "../../views/render.ts";
import {
  type ComfyChrome,
  ComfyJobPage,
  ComfyPage,
  ComfySendPage,
} from "../../views/comfy_page.tsx";
import { SendSchema } from "../http/schemas.ts";
import { nulMessage } from "../../lib/app/nul.ts";
import { validateForm } from "../http/form_validation.ts";
import { errorStatus, formEntries, pageChrome, toErrorView } from "../http/page_context.ts";
import { requesterOf } from "../http/requester.ts";
import { pageStateOf } from "../http/page_memory.ts";
import { sessionOf } from "../http/session.ts";
import { targetOrFirst } from "../http/render_home.tsx";
import type { ErrorView } from "../../views/error_alert.tsx";

type Deps = Pick<
  Services,
  | "comfy"
  | "history"
  | "llm"
  | "slots"
  | "config"
  | "secret"
  | "models"
  | "comfyAddress"
  | "pageState"
  | "targets"
>;

function checkForm(message: string): AppError {
  return new AppError(400, "Check the form", message, "invalid_input");
}

/**
 * The ComfyUI pages: its address, workflows (upload, rename, delete), "Send to ComfyUI" with the
 * workflow that suits the prompt's target, and the job page.
 */
export function comfyPageRoutes(services: Deps): Hono {
  const chromeOf = async (c: Context): Promise<ComfyChrome> => await pageChrome(services, c);
  const comfyOf = () => services.comfy.use();
  const listPage = async (
    c: Context,
    extra: { error?: ErrorView; message?: string } = {},
    status = 200,
  ) => {
    const comfy = comfyOf();
    const saved = await services.comfyAddress.saved();
    return c.html(
      renderPage(
        <ComfyPage
          workflows={comfy.listWorkflows()}
          comfy={{
            url: comfy.client.baseUrl,
            ...await comfy.client.status(),
            saved: saved !== null,
            fromEnv: services.comfyAddress.fromEnv,
          }}
          chrome={await chromeOf(c)}
          {...extra}
        />,
      ),
      status as 200,
    );
  };

  /** The send form for an entry, with the workflow that suits its target preselected. */
  const sendPage = async (c: Context, entry: HistoryEntry, error?: ErrorView, status = 200) => {
    const workflows = comfyOf().listWorkflows();
    const target = targetOrFirst(services.targets, entry.model);
    const state = await pageStateOf(services, c);
    const chosen = pickWorkflow(
      workflows.map((w: StoredWorkflow) => ({
        id: w.id,
        name: w.name,
        models: w.models,
        takesNegative: w.analysis.negative.length > 0,
      })),
      target,
      state.workflows?.[target.id],
    );
    return c.html(
      renderPage(
        <ComfySendPage
          historyId={entry.id}
          positive={entry.positive || entry.generated_output}
          negative={entry.negative}
          targetName={target.name}
          workflows={workflows}
          chosen={chosen?.id}
          chrome={await chromeOf(c)}
          error={error}
        />,
      ),
      status as 200,
    );
  };

  return new Hono()
    .get("/ui/comfy", (c) => listPage(c))
    .post("/ui/comfy/address", async (c) => {
      const form = new Map(await formEntries(c));
      try {
        const url = await services.comfyAddress.save(
          form.get("reset") ? null : form.get("url") ?? "",
        );
        comfyOf().client.setBaseUrl(url);
        return c.redirect("/ui/comfy", 303);
      } catch (err) {
        return await listPage(c, { error: toErrorView(err) }, errorStatus(err));
      }
    })
    .post("/ui/comfy/workflows", async (c) => {
      const form = await c.req.parseBody();
      const name = String(form.name ?? "").trim();
      try {
        if (!name) throw checkForm("name: give the workflow a name");
        if (name.includes("\0")) throw checkForm(nulMessage({ field: "name", key: false }));
        const file = form.file;
        const text = file instanceof File && file.size
          ? await file.text()
          : String(form.json ?? "");
        if (!text.trim()) throw checkForm("workflow: choose a JSON file or paste the JSON");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          throw checkForm("workflow: that is not valid JSON; export it again from ComfyUI");
        }
        comfyOf().saveWorkflow(name, json);
        return c.redirect("/ui/comfy", 303);
      } catch (err) {
        return await listPage(c, { error: toErrorView(err) }, errorStatus(err));
      }
    })
    .post("/ui/comfy/workflows/:id/rename", async (c) => {
      const form = new Map(await formEntries(c));
      try {
        if (!comfyOf().renameWorkflow(Number(c.req.param("id")), form.get("name") ?? "")) {
          throw checkForm("workflow: it is gone; reload the page");
        }
        return c.redirect("/ui/comfy", 303);
      } catch (err) {
        return await listPage(c, { error: toErrorView(err) }, errorStatus(err));
      }
    })
    .post("/ui/comfy/workflows/:id/delete", (c) => {
      comfyOf().deleteWorkflow(Number(c.req.param("id")));
      return c.redirect("/ui/comfy", 303);
    })
    .get("/ui/comfy/send", async (c) => {
      const id = Number(c.req.query("history_id"));
      const entry = Number.isSafeInteger(id) ? services.history.peek()?.get(id) : null;
      if (!entry) return c.redirect("/ui/history", 303);
      return await sendPage(c, entry);
    })
    .post("/ui/comfy/send", async (c) => {
      const form = new URLSearchParams(await c.req.text());
      const raw: Record<string, unknown> = {
        history_id: Number(form.get("history_id")),
        workflow_id: Number(form.get("workflow_id")),
        unload_llm: form.get("unload_llm") === "true",
      };
      if (form.get("seed")) raw.seed = Number(form.get("seed"));
      const entry = services.history.peek()?.get(Number(form.get("history_id")));
      try {
        const job = await sendToComfy(
          {
            comfy: comfyOf(),
            history: services.history.peek(),
            llm: services.llm,
            slots: services.slots,
            defaultModel: services.config.ollamaModel,
          },
          validateForm(SendSchema, raw),
          requesterOf(c, services.secret),
        );
        if (entry) {
          // The workflow used for a target is the one offered next time.
          await services.pageState.update(sessionOf(c, services.secret), (state) => {
            state.workflows = { ...state.workflows, [entry.model]: job.workflow_id };
          });
        }
        return c.redirect(`/ui/comfy/jobs/${job.id}`, 303);
      } catch (err) {
        if (!entry) return await listPage(c, { error: toErrorView(err) }, errorStatus(err));
        return await sendPage(c, entry, toErrorView(err), errorStatus(err));
      }
    })
    .get("/ui/comfy/jobs/:id", async (c) => {
      const job = comfyOf().job(c.req.param("id"));
      if (!job) return c.redirect("/ui/comfy", 303);
      return c.html(renderPage(<ComfyJobPage job={job} chrome={await chromeOf(c)} />));
    });
}
