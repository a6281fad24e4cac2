import { type Context, Hono } from "hono";
import { generationDeps, planContext, type Services } from "../../lib/app/services.ts";
import { compatModels, findCompatModel, NAMESPACE } from "../../lib/compat/models.ts";
import { trimHistory } from "../../lib/compat/context.ts";
import { MAX_GUIDANCE, planCompat } from "../../lib/compat/plan.ts";
import { answerText, generateCompat, streamCompat } from "../../lib/compat/run.ts";
import type { GenerationResult } from "../../lib/generate/generation.ts";
import type { ChatMessage } from "../../lib/llm/types.ts";
import { MAX_TEXT } from "../http/schemas.ts";
import { requesterOf } from "../http/requester.ts";
import { abortWithRequest, SSE_HEADERS, sseText } from "../http/sse.ts";
import { frameStream } from "../http/wire_stream.ts";
import {
  ChatCompletionBody,
  OpenAiError,
  openAiErrorBody,
  type OpenAiMessage,
  readOpenAiBody,
} from "../http/openai_wire.ts";
import type { z } from "zod";

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

const FINGERPRINT = "fp_promptsmith";
const REASONING = new Set(["minimal", "low", "medium", "high", "max", "xhigh", "ultra"]);

function completionId(): string {
  return `chatcmpl-${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

/** The text of a message: a string, or its text parts joined; images cannot be used. */
function textOf(message: z.infer<typeof OpenAiMessage>, index: number): string {
  const content = message.content;
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  const texts: string[] = [];
  content.forEach((part, j) => {
    if (part.type === "text") texts.push(part.text ?? "");
    else {
      throw new OpenAiError(
        400,
        `Promptsmith models write prompts from text: '${part.type}' content parts are not supported.`,
        `messages[${index}].content[${j}]`,
      );
    }
  });
  return texts.join("\n");
}

function thinkOf(effort: string | null | undefined): boolean | undefined {
  if (effort === null || effort === undefined) return undefined;
  if (effort === "none") return false;
  if (REASONING.has(effort)) return true;
  throw new OpenAiError(
    400,
    `Invalid 'reasoning_effort': '${effort}'; use none, minimal, low, medium or high.`,
    "reasoning_effort",
  );
}

function formatOf(format: { type: string } | null | undefined): "text" | "json" {
  if (!format || format.type === "text") return "text";
  if (format.type === "json_object") return "json";
  if (format.type === "json_schema") {
    throw new OpenAiError(
      400,
      'Promptsmith models answer plain text or a json_object with "positive" and "negative"; ' +
        "they cannot follow a JSON schema.",
      "response_format",
    );
  }
  throw new OpenAiError(
    400,
    `Invalid 'response_format.type': '${format.type}'; use text or json_object.`,
    "response_format.type",
  );
}

function usageOf(result: GenerationResult, shared: boolean) {
  const prompt = shared ? 0 : result.stats.prompt_eval_count ?? 0;
  const completion = shared ? 0 : result.stats.eval_count ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

/**
 * The OpenAI-compatible endpoint under `/v1`: the same served models as `/ollama`, for nodes and
 * tools that speak the Chat Completions API.
 */
export function openAiRoutes(services: Deps): Hono {
  const listedAt = Math.floor(services.now().getTime() / 1000);
  const models = () => compatModels(services.targets, planContext(services).catalog.packs);
  const entry = (id: string) => ({ id, object: "model", created: listedAt, owned_by: NAMESPACE });

  async function complete(c: Context): Promise<Response> {
    const body = await readOpenAiBody(c.req.raw, ChatCompletionBody);
    if (!body.messages.length) {
      throw new OpenAiError(400, "[] is too short - 'messages'", "messages");
    }
    const model = findCompatModel(models(), body.model);
    if (body.tools?.length) {
      throw new OpenAiError(400, `${body.model} does not support tools.`, "tools");
    }
    const format = formatOf(body.response_format);
    const think = thinkOf(body.reasoning_effort);
    const texts = body.messages.map(textOf);
    // "developer" is the newer name of "system".
    const roles = body.messages.map((m) => m.role === "developer" ? "system" : m.role);
    const last = roles.lastIndexOf("user");
    if (last === -1) {
      throw new OpenAiError(
        400,
        "messages has no user message: send the image idea as a user message.",
        "messages",
      );
    }
    const idea = texts[last]!.trim();
    if (!idea) {
      throw new OpenAiError(
        400,
        "The last user message is empty: send the image idea as its content.",
        `messages[${last}].content`,
      );
    }
    if (idea.length > MAX_TEXT) {
      throw new OpenAiError(
        400,
        `The last user message is too long: at most ${MAX_TEXT} characters are accepted.`,
        `messages[${last}].content`,
      );
    }
    const guidance = texts.filter((t, i) => roles[i] === "system" && t.trim()).join("\n\n");
    if (guidance.length > MAX_GUIDANCE) {
      throw new OpenAiError(
        400,
        `The system messages are too long: at most ${MAX_GUIDANCE} characters are accepted.`,
        "messages",
      );
    }
    const history: ChatMessage[] = [];
    for (let i = 0; i < last; i++) {
      const role = roles[i];
      if (role === "user" || role === "assistant") history.push({ role, content: texts[i]! });
    }
    const plan = planCompat(planContext(services), {
      model,
      idea,
      history: trimHistory(history),
      guidance,
      think,
      ...(body.seed !== null && body.seed !== undefined && body.seed >= 0
        ? { seed: body.seed }
        : {}),
      ...(body.temperature !== null && body.temperature !== undefined
        ? { temperature: body.temperature }
        : {}),
    });
    const requester = requesterOf(c, services.secret);
    const id = completionId();
    const created = Math.floor(services.now().getTime() / 1000);
    const head = (object: string) => ({
      id,
      object,
      created,
      model: body.model,
      system_fingerprint: FINGERPRINT,
    });
    const finish = (r: GenerationResult) => r.stats.done_reason === "length" ? "length" : "stop";

    if (!body.stream) {
      const { result, shared } = await generateCompat(deps(), plan, model.output, {
        requester,
        signal: c.req.raw.signal,
      });
      const message: Record<string, string> = {
        role: "assistant",
        content: answerText(result, model.output, format),
      };
      if (result.thinking) message.reasoning = result.thinking;
      return c.json({
        ...head("chat.completion"),
        choices: [{ index: 0, message, finish_reason: finish(result) }],
        usage: usageOf(result, shared),
      });
    }

    const stop = abortWithRequest(c.req.raw);
    const events = streamCompat(deps(), plan, model.output, { requester, signal: stop.signal });
    const chunk = (delta: Record<string, string>, finishReason: string | null = null) =>
      sseText({
        data: JSON.stringify({
          ...head("chat.completion.chunk"),
          choices: [{ index: 0, delta, finish_reason: finishReason }],
        }),
      });
    const includeUsage = body.stream_options?.include_usage === true;
    async function* frames(): AsyncGenerator<string> {
      for await (const event of events) {
        if (event.type === "started") yield chunk({ role: "assistant", content: "" });
        else if (event.type === "thinking") yield chunk({ reasoning: event.text });
        else {
          const text = answerText(event.result, model.output, format);
          if (text) yield chunk({ content: text });
          yield chunk({}, finish(event.result));
          if (includeUsage) {
            yield sseText({
              data: JSON.stringify({
                ...head("chat.completion.chunk"),
                choices: [],
                usage: usageOf(event.result, event.shared),
              }),
            });
          }
          yield sseText({ data: "[DONE]" });
        }
      }
    }
    return await frameStream(frames(), stop, {
      headers: SSE_HEADERS,
      // The official clients throw on an `error` event payload; no [DONE] follows it.
      errorFrame: (err) => sseText({ data: JSON.stringify(openAiErrorBody(err).body) }),
    });
  }

  function deps() {
    return { ...generationDeps(services), slots: services.slots, pairs: services.pairs };
  }

  const app = new Hono();
  app.onError((err) => {
    const { status, body, headers } = openAiErrorBody(err);
    return new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });
  });
  app.get("/models", (c) => {
    const data = models().map((m) => entry(m.name));
    return c.json({ object: "list", data });
  });
  app.get("/models/:id{.+}", (c) => {
    const model = findCompatModel(models(), c.req.param("id"));
    return c.json(entry(model.name));
  });
  app.post("/chat/completions", complete);
  // OpenAI answers any other path or method with an invalid_request_error naming it.
  app.all("/*", (c) => {
    throw new OpenAiError(404, `Invalid URL (${c.req.method} ${c.req.path})`);
  });
  return app;
}
