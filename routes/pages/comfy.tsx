import { type Context, Hono } from "hono";
import type { Services } from "../../lib/app/services.ts";
import { AppError } from "../../lib/app/errors.ts";
import { sendToComfy } from "../../lib/comfy/send.ts";
import { renderPage } from "../../views/render.ts";
import { ComfyJobPage, ComfyPage, ComfySendPage } from "../../views/comfy_page.tsx";
import { SendSchema } from "../http/schemas.ts";
import { validateForm } from "../http/form_validation.ts";
import { errorStatus, pageChrome, toErrorView } from "../http/page_context.ts";
import { requesterOf } from "../http/requester.ts";
import type { ErrorView } from "../../views/error_alert.tsx";

type Deps = Pick<
  Services,
  "comfy" | "history" | "llm" | "slots" | "config" | "secret" | "models"
>;

/** The ComfyUI pages: workflows and upload, "Send to ComfyUI", and the job page. */
export function comfyPageRoutes(services: Deps): Hono {
  const ollama = async () => (await pageChrome(services)).ollama;
  const comfyOf = () => services.comfy.use();
  const listPage = async (c: Context, error?: ErrorView, status = 200) => {
    const comfy = comfyOf();
    return c.html(
      renderPage(
        <ComfyPage
          workflows={comfy.listWorkflows()}
          comfy={{ url: services.config.comfyuiUrl, ...await comfy.client.status() }}
          ollama={await ollama()}
          error={error}
        />,
      ),
      status as 200,
    );
  };
  return new Hono()
    .get("/ui/comfy", (c) => listPage(c))
    .post("/ui/comfy/workflows", async (c) => {
      const form = await c.req.parseBody();
      const name = String(form.name ?? "").trim();
      try {
        if (!name) {
          throw new AppError(
            400,
            "Check the form",
            "name: give the workflow a name",
            "invalid_input",
          );
        }
        const file = form.file;
        const text = file instanceof File && file.size
          ? await file.text()
          : String(form.json ?? "");
        if (!text.trim()) {
          throw new AppError(
            400,
            "Check the form",
            "workflow: choose a JSON file or paste the JSON",
            "invalid_input",
          );
        }
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          throw new AppError(
            400,
            "Check the form",
            "workflow: that is not valid JSON; export it again from ComfyUI",
            "invalid_input",
          );
        }
        comfyOf().saveWorkflow(name, json);
        return c.redirect("/ui/comfy", 303);
      } catch (err) {
        return await listPage(c, toErrorView(err), errorStatus(err));
      }
    })
    .get("/ui/comfy/send", async (c) => {
      const id = Number(c.req.query("history_id"));
      const entry = Number.isSafeInteger(id) ? services.history.peek()?.get(id) : null;
      if (!entry) return c.redirect("/ui/history", 303);
      return c.html(renderPage(
        <ComfySendPage
          historyId={entry.id}
          positive={entry.positive || entry.generated_output}
          workflows={comfyOf().listWorkflows()}
          ollama={await ollama()}
        />,
      ));
    })
    .post("/ui/comfy/send", async (c) => {
      const form = new URLSearchParams(await c.req.text());
      const raw: Record<string, unknown> = {
        history_id: Number(form.get("history_id")),
        workflow_id: Number(form.get("workflow_id")),
        unload_llm: form.get("unload_llm") === "true",
      };
      if (form.get("seed")) raw.seed = Number(form.get("seed"));
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
        return c.redirect(`/ui/comfy/jobs/${job.id}`, 303);
      } catch (err) {
        const entry = services.history.peek()?.get(Number(form.get("history_id")));
        return c.html(
          renderPage(
            <ComfySendPage
              historyId={entry?.id ?? 0}
              positive={entry?.positive ?? ""}
              workflows={comfyOf().listWorkflows()}
              ollama={await ollama()}
              error={toErrorView(err)}
            />,
          ),
          (errorStatus(err)) as 200,
        );
      }
    })
    .get("/ui/comfy/jobs/:id", async (c) => {
      const job = comfyOf().job(c.req.param("id"));
      if (!job) return c.redirect("/ui/comfy", 303);
      return c.html(renderPage(<ComfyJobPage job={job} ollama={await ollama()} />));
    });
}
