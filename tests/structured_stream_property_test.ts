/**
 * A structured reply cut at any chunk boundary streams exactly its string values: never a brace,
 * key, quote of the JSON or escape, whatever the values hold.
 */
import { equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { startTestApp } from "./helpers.ts";
import { planContext } from "../lib/app/services.ts";
import { planOneShot } from "../lib/prompt/plans.ts";
import { runGeneration } from "../lib/generate/generation.ts";
import { StructuredPolicy } from "../lib/generate/structured.ts";
import type { ChatEvent, LlmClient } from "../lib/llm/types.ts";

/** An LLM client that answers every chat with the given chunks. */
function replying(chunks: string[]): LlmClient {
  return {
    baseUrl: "http://stub",
    timeoutMs: 1000,
    version: () => Promise.resolve("0"),
    tags: () => Promise.resolve([]),
    capabilities: () => Promise.resolve([]),
    digest: () => Promise.resolve(null),
    unload: () => Promise.resolve(),
    async *chat(): AsyncGenerator<ChatEvent> {
      for (const text of chunks) yield { type: "content", text };
      yield { type: "done", stats: {} };
    },
  };
}

/** Cuts `text` at the given offsets. */
function cut(text: string, at: number[]): string[] {
  const points = [...new Set(at.map((a) => a % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const p of points) {
    out.push(text.slice(from, p));
    from = p;
  }
  out.push(text.slice(from));
  return out.filter((c) => c);
}

Deno.test("structured streams show only the values at every chunk boundary", async () => {
  const t = await startTestApp();
  try {
    const plan = planOneShot(planContext(t.services), { input: "a fox", model: "sdxl" });
    const structured = new StructuredPolicy("on");
    const streamed = async (chunks: string[]) => {
      let shown = "";
      let done: Record<string, unknown> | undefined;
      const deps = { llm: replying(chunks), history: null, structured };
      for await (const e of runGeneration(deps, plan, new AbortController().signal)) {
        if ("token" in e) shown += e.token;
        if ("done" in e) done = e as unknown as Record<string, unknown>;
      }
      return { shown, done: done! };
    };

    // Every single cut of one reply full of escapes, quotes, braces and non-ASCII.
    const positive = 'a "red" fox {snow} \\ dawn, 狐, emoji 🦊, tab\there';
    const negative = "blurry, lowres";
    const json = JSON.stringify({ positive, negative });
    const want = `${positive}\n\n${negative}`;
    for (let i = 0; i <= json.length; i++) {
      const { shown, done } = await streamed(cut(json, [i]));
      equal(shown, want, `cut at ${i}`);
      equal(done.result, want);
    }

    // Random values and random cuts.
    const text = fc.string({ unit: "binary", maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(
        text.filter((s) => s.trim().length > 0),
        text,
        fc.array(fc.nat(), { maxLength: 12 }),
        async (pos, neg, at) => {
          const reply = JSON.stringify({ positive: pos, negative: neg });
          const { shown } = await streamed(cut(reply, at));
          // An escaped NUL is dropped, as a raw one is (see DECISIONS: hostile replies).
          const [p, n] = [pos, neg].map((v) => v.replaceAll("\u0000", ""));
          const tail = n!.trimStart();
          equal(shown, tail ? `${p}\n\n${tail}` : p);
          ok(!shown.includes('"positive"') && !shown.includes('"negative"'));
        },
      ),
      { numRuns: 200 },
    );
  } finally {
    await t.close();
  }
});

Deno.test("a structured reply that is plainly not JSON is given up at once, not read to its end", async () => {
  const t = await startTestApp();
  try {
    const plan = planOneShot(planContext(t.services), { input: "a fox", model: "sdxl" });
    let read = 0;
    let stopped = false;
    const prose = Array.from({ length: 400 }, (_, i) => `rambling thought ${i}, `);
    const llm: LlmClient = {
      ...replying([]),
      async *chat(_model, _messages, options): AsyncGenerator<ChatEvent> {
        if (options?.format === undefined) {
          yield { type: "content", text: "POSITIVE: a red fox\nNEGATIVE: blurry" };
          yield { type: "done", stats: {} };
          return;
        }
        try {
          for (const text of prose) {
            read++;
            yield { type: "content", text };
          }
          yield { type: "done", stats: {} };
        } finally {
          stopped = read < prose.length;
        }
      },
    };
    const deps = { llm, history: null, structured: new StructuredPolicy("on") };
    const events = [];
    for await (const e of runGeneration(deps, plan, new AbortController().signal)) events.push(e);
    ok(stopped, "the structured request was ended early");
    ok(read < 40, `read ${read} chunks of a reply with no JSON object in its first 500 characters`);
    ok(events.some((e) => "reset" in e), "the text retry follows a reset");
    const done = events.at(-1) as { positive?: string };
    ok(done.positive?.includes("a red fox"), done.positive);
  } finally {
    await t.close();
  }
});
