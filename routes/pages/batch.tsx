import { type Context, Hono } from "hono";
import { generationDeps, planContext, type Services } from "../../lib/app/services.ts";
import type { BatchOutcome, BatchResult } from "../../lib/batch/batch.ts";
import { startBatch } from "../../lib/batch/start_batch.ts";
import { renderFragment, renderPage } from "../../views/render.ts";
import { BatchItemView, BatchPage, BatchPanel, BatchProgress } from "../../views/batch_page.tsx";
import { BatchSchema } from "../http/schemas.ts";
import { validateForm } from "../http/form_validation.ts";
import {
  errorStatus,
  formEntries,
  type FormPageDeps,
  formPageProps,
  isHtmx,
  llmStatus,
  toErrorView,
} from "../http/page_context.ts";
import { requesterOf } from "../http/requester.ts";
import { Announce, OllamaStatus } from "../../views/ollama_status.tsx";
import { pageStateOf, rememberDraft } from "../http/page_memory.ts";
import { formFromEntries } from "../http/form_state.ts";

type Deps =
  & FormPageDeps
  & Pick<
    Services,
    "llm" | "history" | "slots" | "runs" | "wildcards" | "secret" | "batches" | "pageState"
  >;

/** Turns the batch form into a `/generate-batch` body. */
function batchRequest(entries: [string, string][]): Record<string, unknown> {
  const get = (k: string) => entries.find(([key]) => key === k)?.[1]?.trim() ?? "";
  const all = (k: string) => entries.filter(([key]) => key === k).map(([, v]) => v).filter(Boolean);
  const ideas = get("ideas").split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const variations = Math.max(1, Number(get("variations")) || 1);
  const body: Record<string, unknown> = {
    model: get("model") || "flux",
    concurrency: Number(get("concurrency")) || 1,
  };
  if (get("ollama_model")) body.ollama_model = get("ollama_model");
  if (get("engine") === "composer") body.engine = "composer";
  const sweep: Record<string, string[]> = {};
  if (all("sweep.lighting").length) sweep.lighting = all("sweep.lighting");
  if (all("sweep.style").length) sweep.style = all("sweep.style");
  if (Object.keys(sweep).length) Object.assign(body, { input: ideas[0] ?? "", sweep });
  else if (ideas.length === 1) Object.assign(body, { input: ideas[0], variations });
  else body.inputs = ideas.flatMap((idea) => Array.from({ length: variations }, () => idea));
  return body;
}

/** The Batch tab's form post: a progress bar with htmx, a finished list without. */
export function batchPageRoutes(services: Deps): Hono {
  const pageProps = async (c: Context) => {
    const state = await pageStateOf(services, c);
    const form = formFromEntries(state.form);
    return {
      ...await formPageProps(services, c),
      remembered: {
        model: form.model,
        ollama_model: form.ollama_model,
        ideas: state.drafts.batch ?? "",
      },
    };
  };
  return new Hono()
    .get("/ui/batch", async (c) => c.html(renderPage(<BatchPage {...await pageProps(c)} />)))
    .post("/ui/batch", async (c) => {
      const htmx = isHtmx(c);
      const entries = await formEntries(c);
      const get = (k: string) => entries.find(([key]) => key === k)?.[1] ?? "";
      await rememberDraft(services, c, "batch", get("ideas"), {
        model: get("model"),
        ollama_model: get("ollama_model"),
      });
      const raw = batchRequest(entries);
      let started;
      const requester = requesterOf(c, services.secret);
      try {
        const body = validateForm(BatchSchema, raw);
        const deps = {
          ...generationDeps(services),
          slots: services.slots,
          planContext: planContext(services),
          batches: services.batches,
        };
        // Without htmx the post waits for the whole batch, so it stops when the client leaves.
        const signal = htmx ? undefined : c.req.raw.signal;
        if (htmx) services.slots.check(requester);
        started = startBatch(deps, body, { requester, signal, fallback: true });
      } catch (err) {
        const error = toErrorView(err);
        if (htmx) return c.html(renderFragment(<BatchPanel error={error} />));
        return c.html(
          renderPage(<BatchPage {...await pageProps(c)} panel={{ error }} />),
          errorStatus(err) as 400,
        );
      }
      const { record, events } = started;
      if (!htmx) {
        try {
          for await (const _ of events) {
            // Runs to the end; the page shows the finished list.
          }
        } catch (err) {
          return c.html(
            renderPage(<BatchPage {...await pageProps(c)} panel={{ error: toErrorView(err) }} />),
            errorStatus(err) as 400,
          );
        }
        return c.html(renderPage(
          <BatchPage
            {...await pageProps(c)}
            panel={{
              batchId: record.id,
              total: record.total,
              outcomes: record.outcomes,
              finished: true,
            }}
          />,
        ));
      }
      const run = services.runs.create(async (signal, emit) => {
        signal.addEventListener("abort", () => record.controller.abort(), { once: true });
        const outcomes: BatchOutcome<BatchResult>[] = [];
        try {
          for await (const event of events) {
            if (!("index" in event)) continue;
            outcomes.push(event);
            emit("item", renderFragment(<BatchItemView outcome={event} />));
            emit(
              "progress",
              renderFragment(
                <BatchProgress
                  done={outcomes.length}
                  total={record.total}
                  failed={outcomes.filter((o) => "error" in o).length}
                />,
              ),
            );
          }
        } catch (err) {
          emit("final", renderFragment(<BatchPanel error={toErrorView(err)} />));
          return;
        }
        const written = outcomes.filter((o) => "result" in o).length;
        const composed = outcomes.some((o) => "result" in o && o.result.fallback_reason);
        if (composed) services.models.noteReachable(false);
        emit(
          "final",
          renderFragment(
            <>
              <BatchPanel batchId={record.id} total={record.total} outcomes={outcomes} finished />
              <Announce
                text={`Batch finished: ${written} of ${record.total} prompts written.`}
                oob
              />
              {composed && <OllamaStatus ollama={llmStatus(services, false)} oob />}
            </>,
          ),
        );
      });
      return c.html(
        renderFragment(<BatchPanel runId={run.id} total={record.total} batchId={record.id} />),
      );
    });
}
