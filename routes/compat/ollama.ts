import { type Context, Hono } from "hono";
import { generationDeps, planContext, type Services } from "../../lib/app/services.ts";
import {
  type CompatModel,
  compatModels,
  findCompatModel,
  modelDigest,
  modelSize,
  modelSystemPrompt,
  normalizeModelName,
  UnknownModelError,
  validModelName,
} from "../../lib/compat/models.ts";
import { decodeContext, trimHistory } from "../../lib/compat/context.ts";
import { type CompatRequest, MAX_GUIDANCE, planCompat } from "../../lib/compat/plan.ts";
import { answerText, contextAfter, generateCompat, streamCompat } from "../../lib/compat/run.ts";
import type { GenerationResult } from "../../lib/generate/generation.ts";
import type { ChatMessage } from "../../lib/llm/types.ts";
import { MAX_TEXT } from "../http/schemas.ts";
import { requesterOf } from "../http/requester.ts";
import { abortWithRequest } from "../http/sse.ts";
import { frameStream } from "../http/wire_stream.ts";
import {
  ChatBody,
  GenerateBody,
  goJson,
  goTime,
  nanos,
  OLLAMA_API_VERSION,
  ollamaError,
  ollamaErrorBody,
  parseFormat,
  parseKeepAlive,
  parseOptions,
  parseThink,
  readOllamaBody,
  ShowBody,
} from "../http/ollama_wire.ts";

type Deps = Pick<
  Services,
  | "llm"
  | "history"
  | "slots"
  | "targets"
  | "presets"
  | "config"
  | "wildcards"
  | "secret"
  | "now"
  | "pairs"
>;

const JSON_TYPE = "application/json; charset=utf-8";
const NDJSON_HEADERS = { "content-type": "application/x-ndjson", "cache-control": "no-cache" };
const TEXT_TYPE = { "content-type": "text/plain; charset=utf-8" };

/** The routes we answer, for telling an unknown path (404) from a wrong method (405). */
const KNOWN: Record<string, string[]> = {
  "/": ["GET", "HEAD"],
  "/api/version": ["GET", "HEAD"],
  "/api/tags": ["GET", "HEAD"],
  "/api/ps": ["GET", "HEAD"],
  "/api/show": ["POST"],
  "/api/generate": ["POST"],
  "/api/chat": ["POST"],
};

function goResponse(value: unknown, status = 200): Response {
  return new Response(goJson(value), { status, headers: { "content-type": JSON_TYPE } });
}

function details(model: CompatModel, llm: string) {
  return {
    parent_model: llm,
    format: "promptsmith",
    family: model.target.family,
    families: [model.target.family],
    parameter_size: "",
    quantization_level: "",
  };
}

/** Metrics of the final chunk, in Go's order and nanoseconds; absent ones are left out. */
function metrics(result: GenerationResult, shared: boolean, startedAt: number) {
  const out: Record<string, number> = {
    total_duration: Math.round((performance.now() - startedAt) * 1e6),
  };
  // A reply shared from the other output's generation evaluated nothing itself.
  if (shared) return out;
  const s = result.stats;
  const add = (key: string, value: number | undefined) => {
    if (value) out[key] = value;
  };
  add("load_duration", nanos(s.load_duration_ms));
  add("prompt_eval_count", s.prompt_eval_count);
  add("eval_count", s.eval_count);
  add("eval_duration", nanos(s.eval_duration_ms));
  return out;
}

/**
 * The Ollama-compatible endpoint, mounted under `/ollama`: our targets and packs as models that a
 * ComfyUI Ollama node (or any Ollama client) lists and calls. Every request runs the app's own
 * pipeline with the configured LLM and answers with the clean prompt.
 */
export function ollamaRoutes(services: Deps): Hono {
  const listedAt = services.now();
  const llm = () => services.config.ollamaModel;
  const models = () => compatModels(services.targets, planContext(services).catalog.packs);
  const deps = () => ({
    ...generationDeps(services),
    slots: services.slots,
    pairs: services.pairs,
  });

  function resolve(name: string | undefined, missing: "404" | "400"): CompatModel {
    if (!name) {
      throw missing === "404"
        ? ollamaError(404, "model '' not found")
        : ollamaError(400, "model is required");
    }
    if (!validModelName(name)) throw ollamaError(400, "invalid model name");
    return findCompatModel(models(), name);
  }

  function refuseExtras(name: string, extras: { images?: string[]; suffix?: string }) {
    if (extras.images?.length) {
      throw ollamaError(
        400,
        `"${name}" does not support images: Promptsmith models write prompts from text`,
      );
    }
    if (extras.suffix) throw ollamaError(400, `"${name}" does not support insert`);
  }

  function checkText(field: string, text: string, max: number) {
    if (text.length > max) {
      throw ollamaError(
        400,
        `${field} is too long: at most ${max} characters are accepted; shorten it`,
      );
    }
  }

  /** The load/unload reply Ollama gives a request with nothing to write. */
  function loadReply(model: string, keepAlive: unknown, chat: boolean) {
    const base = { model, created_at: goTime(services.now()) };
    const done = {
      done: true,
      done_reason: keepAlive === 0 || keepAlive === "0" ? "unload" : "load",
    };
    return chat
      ? goResponse({ ...base, message: { role: "assistant", content: "" }, ...done })
      : goResponse({ ...base, response: "", ...done });
  }

  /** Runs a planned request, whole or as NDJSON, in the shape of generate or chat. */
  async function answer(
    c: Context,
    req: CompatRequest,
    wire: { model: string; stream: boolean; format: "text" | "json"; chat: boolean },
    startedAt: number,
  ): Promise<Response> {
    const plan = planCompat(planContext(services), req);
    const output = req.model.output;
    const requester = requesterOf(c, services.secret);
    const head = () => ({ model: wire.model, created_at: goTime(services.now()) });
    const text = (t: string, thinking?: string) =>
      wire.chat
        ? { message: { role: "assistant", content: t, ...(thinking ? { thinking } : {}) } }
        : { response: t, ...(thinking ? { thinking } : {}) };
    const final = (result: GenerationResult, shared: boolean, body: string, thinking?: string) => ({
      ...head(),
      ...text(body, thinking),
      done: true,
      done_reason: result.stats.done_reason ?? "stop",
      ...(wire.chat ? {} : { context: contextAfter(plan, result) }),
      ...metrics(result, shared, startedAt),
    });

    if (!wire.stream) {
      const { result, shared } = await generateCompat(deps(), plan, output, {
        requester,
        signal: c.req.raw.signal,
      });
      const body = answerText(result, output, wire.format);
      return goResponse(final(result, shared, body, result.thinking ?? undefined));
    }

    const stop = abortWithRequest(c.req.raw);
    const events = streamCompat(deps(), plan, output, { requester, signal: stop.signal });
    async function* lines(): AsyncGenerator<string> {
      for await (const event of events) {
        if (event.type === "started") {
          yield goJson({ ...head(), ...text(""), done: false }) + "\n";
        } else if (event.type === "thinking") {
          yield goJson({ ...head(), ...text("", event.text), done: false }) + "\n";
        } else {
          const body = answerText(event.result, output, wire.format);
          if (body) yield goJson({ ...head(), ...text(body), done: false }) + "\n";
          yield goJson(final(event.result, event.shared, "")) + "\n";
        }
      }
    }
    return await frameStream(lines(), stop, {
      headers: NDJSON_HEADERS,
      // After output has started Ollama ends with one `{"error"}` line and no `done`.
      errorFrame: (err) => goJson(ollamaErrorBody(err).body) + "\n",
    });
  }

  const app = new Hono();
  app.onError((err) => {
    const { status, body, headers } = ollamaErrorBody(err);
    const res = goResponse(body, status);
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    return res;
  });

  app.get("/", (c) => c.body("Ollama is running", 200, TEXT_TYPE));
  app.get("/api/version", () => goResponse({ version: OLLAMA_API_VERSION }));
  app.get("/api/ps", () => goResponse({ models: [] }));

  app.get("/api/tags", () => {
    const at = goTime(listedAt);
    return goResponse({
      models: models().map((m) => ({
        name: m.name,
        model: m.name,
        modified_at: at,
        size: modelSize(m),
        digest: modelDigest(m, llm()),
        details: details(m, llm()),
        capabilities: ["completion"],
      })),
    });
  });

  app.post("/api/show", async (c) => {
    const body = await readOllamaBody(c.req.raw, ShowBody, "ShowRequest");
    const name = body.model || body.name;
    if (!name) throw ollamaError(400, "model is required");
    if (!validModelName(name)) throw ollamaError(400, "invalid model name");
    let model: CompatModel;
    try {
      model = findCompatModel(models(), name);
    } catch (err) {
      // Show names the model as Ollama normalizes it (`:latest` added), then lists ours.
      if (!(err instanceof UnknownModelError)) throw err;
      const full = normalizeModelName(name);
      throw ollamaError(404, err.message.replace(`model '${name}'`, `model '${full}'`));
    }
    const system = modelSystemPrompt(model);
    const what = `${model.target.name}, ${model.pack ? `pack ${model.pack.name}` : "no pack"}, ` +
      `answers with the ${model.output} prompt`;
    return goResponse({
      modelfile: `# Promptsmith: ${what}\nFROM ${llm()}\nSYSTEM """${system}"""\n`,
      parameters: "",
      template: "{{ .Prompt }}",
      system,
      details: details(model, llm()),
      model_info: {
        "general.architecture": "promptsmith",
        "general.basename": model.target.id,
        "general.name": model.name,
        "promptsmith.target": model.target.id,
        "promptsmith.pack": model.pack?.id ?? "",
        "promptsmith.output": model.output,
        "promptsmith.llm": llm(),
        "promptsmith.token_budget": model.target.token_budget,
      },
      capabilities: ["completion"],
      modified_at: goTime(listedAt),
    });
  });

  app.post("/api/generate", async (c) => {
    const startedAt = performance.now();
    const body = await readOllamaBody(c.req.raw, GenerateBody, "GenerateRequest");
    const model = resolve(body.model, "404");
    const keepAlive = parseKeepAlive(body.keep_alive);
    const format = parseFormat(body.format);
    const think = parseThink(body.think);
    const options = parseOptions(body.options);
    if (body.raw && (body.template || body.system || body.context?.length)) {
      throw ollamaError(400, "raw mode does not support template, system, or context");
    }
    refuseExtras(body.model!, body);
    const prompt = (body.prompt ?? "").trim();
    if (!prompt) return loadReply(body.model!, keepAlive, false);
    checkText("prompt", prompt, MAX_TEXT);
    checkText("system", body.system ?? "", MAX_GUIDANCE);
    const history = body.context?.length ? decodeContext(body.context) ?? [] : [];
    return await answer(
      c,
      {
        model,
        idea: prompt,
        history,
        guidance: body.system ?? "",
        keepAlive,
        think,
        ...options,
      },
      { model: body.model!, stream: body.stream ?? true, format, chat: false },
      startedAt,
    );
  });

  app.post("/api/chat", async (c) => {
    const startedAt = performance.now();
    const body = await readOllamaBody(c.req.raw, ChatBody, "ChatRequest");
    const model = resolve(body.model, "400");
    const keepAlive = parseKeepAlive(body.keep_alive);
    const format = parseFormat(body.format);
    const think = parseThink(body.think);
    const options = parseOptions(body.options);
    if (body.tools?.length) throw ollamaError(400, `"${body.model}" does not support tools`);
    const messages = body.messages ?? [];
    if (!messages.length) return loadReply(body.model!, keepAlive, true);
    for (const m of messages) refuseExtras(body.model!, m);
    const roles = messages.map((m) => (m.role ?? "").toLowerCase());
    const last = roles.lastIndexOf("user");
    if (last === -1) {
      throw ollamaError(400, "messages: no user message; send the image idea as a user message");
    }
    const idea = (messages[last]!.content ?? "").trim();
    if (!idea) {
      throw ollamaError(400, "messages: the last user message is empty; send the image idea");
    }
    checkText("the last user message", idea, MAX_TEXT);
    const guidance = messages.filter((_, i) => roles[i] === "system")
      .map((m) => m.content ?? "").filter((t) => t.trim()).join("\n\n");
    checkText("the system messages", guidance, MAX_GUIDANCE);
    const history: ChatMessage[] = [];
    messages.slice(0, last).forEach((m, i) => {
      const role = roles[i];
      if (role === "user" || role === "assistant") history.push({ role, content: m.content ?? "" });
    });
    return await answer(
      c,
      {
        model,
        idea,
        history: trimHistory(history),
        guidance,
        keepAlive,
        think,
        ...options,
      },
      { model: body.model!, stream: body.stream ?? true, format, chat: true },
      startedAt,
    );
  });

  // Anything else answers as Ollama's router does: plain-text 404, or 405 for a known path.
  app.all("/*", (c) => {
    const path = c.req.path.replace(/^\/ollama/, "") || "/";
    const allowed = KNOWN[path];
    if (!allowed) return c.body("404 page not found", 404, TEXT_TYPE);
    // `/ollama/` with its slash is the root too (a URL setting often ends with one).
    if (path === "/" && allowed.includes(c.req.method)) {
      return c.body("Ollama is running", 200, TEXT_TYPE);
    }
    return c.body("405 method not allowed", 405, TEXT_TYPE);
  });
  return app;
}
