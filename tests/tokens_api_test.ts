import { deepEqual, equal, match, ok } from "node:assert/strict";
import { startTestApp } from "./helpers.ts";

interface Chunk {
  start: number;
  end: number;
  tokens: number;
}
interface Count {
  encoder: string;
  tokens: number;
  limit: number;
  chunks?: Chunk[];
  warning?: string;
}

const LONG_TAGS = Array.from(
  { length: 30 },
  (_, i) => `tag${i} word${i}`,
).join(", ");

Deno.test("POST /api/tokens counts a CLIP prompt per encoder with its 75-token chunks", async () => {
  const t = await startTestApp();
  try {
    const res = await t.post("/api/tokens", { text: LONG_TAGS, model: "sdxl" });
    equal(res.status, 200);
    const body = await res.json();
    equal(body.model, "sdxl");
    equal(body.budget, 75);
    deepEqual(body.encoders.map((e: Count) => e.encoder), ["clip-l", "clip-g"]);
    const clip = body.encoders[0] as Count;
    equal(body.tokens, clip.tokens);
    equal(body.over_budget, clip.tokens > 75);
    ok(clip.chunks!.length >= 2, "a long prompt spans chunks");
    equal(clip.chunks![0]!.start, 0);
    equal(clip.chunks!.at(-1)!.end, LONG_TAGS.length);
    for (let i = 1; i < clip.chunks!.length; i++) {
      equal(clip.chunks![i]!.start, clip.chunks![i - 1]!.end, "chunks are contiguous");
    }
    ok(clip.chunks!.every((c) => c.tokens <= 75));
    equal(clip.chunks!.reduce((s, c) => s + c.tokens, 0), clip.tokens);
  } finally {
    await t.close();
  }
});

Deno.test("POST /api/tokens strips weights and LoRA tags before counting, as ComfyUI does", async () => {
  const t = await startTestApp();
  try {
    const count = async (text: string) =>
      (await (await t.post("/api/tokens", { text, model: "sd15" })).json()).tokens;
    equal(await count("(red fox:1.4), <lora:foxes:0.8>, [snow]"), await count("red fox, , snow"));
  } finally {
    await t.close();
  }
});

Deno.test("POST /api/tokens warns on Flux and SD 3.5 when weighted words fall past CLIP's window", async () => {
  const t = await startTestApp();
  try {
    const text = `${"a quiet harbour town with boats and gulls, ".repeat(9)}(red lighthouse:1.3)`;
    for (const model of ["flux", "sd3"]) {
      const body = await (await t.post("/api/tokens", { text, model })).json();
      const clip = body.encoders.find((e: Count) => e.encoder === "clip-l") as Count;
      match(clip.warning!, /"red lighthouse" comes after them/);
      const t5 = body.encoders.find((e: Count) => e.encoder === "t5-xxl") as Count;
      equal(t5.limit, model === "flux" ? 512 : 256);
      equal(body.tokens, t5.tokens, "the budget is T5's");
    }
    const sd35 = await (await t.post("/api/tokens", { text, model: "sd3" })).json();
    equal(sd35.model, "sd35", "the old id is SD 3.5");
    const short = await (await t.post("/api/tokens", { text: "a red lighthouse", model: "flux" }))
      .json();
    ok(short.encoders.every((e: Count) => !e.warning));
  } finally {
    await t.close();
  }
});

Deno.test("POST /api/tokens answers 400 naming the field for bad input", async () => {
  const t = await startTestApp();
  try {
    for (
      const [body, pattern] of [
        [{ model: "sdxl" }, /text is required/],
        [{ text: "" }, /text must not be empty/],
        [{ text: "x".repeat(20_001) }, /text is too long/],
        [{ text: "a fox", model: "dalle" }, /model: unknown target "dalle"; use one of flux/],
        [{ text: "a fox", chunk_rule: "mine" }, /chunk_rule/],
        [{ text: 12 }, /text must be a string/],
      ] as const
    ) {
      const res = await t.post("/api/tokens", body);
      equal(res.status, 400, JSON.stringify(body));
      match((await res.json()).message, pattern);
    }
    equal((await t.post("/api/tokens", "not json")).status, 400);
    equal((await t.request("/api/tokens")).status, 405);
  } finally {
    await t.close();
  }
});

Deno.test("every generation reply carries its token counts, the same /api/tokens gives", async () => {
  const t = await startTestApp();
  try {
    for (
      const [model, encoders] of [["sdxl", ["clip-l", "clip-g"]], ["flux", ["t5-xxl", "clip-l"]]]
    ) {
      for (const engine of ["ollama", "composer"]) {
        const body = await (await t.post("/generate", { input: "a lighthouse", model, engine }))
          .json();
        deepEqual(body.tokens.map((c: Count) => c.encoder), encoders, `${model} ${engine}`);
        const counted = await (await t.post("/api/tokens", { text: body.positive, model })).json();
        deepEqual(body.tokens, counted.encoders);
      }
    }
  } finally {
    await t.close();
  }
});

Deno.test("GET /api/targets lists every target with its encoders, budget and negative policy", async () => {
  const t = await startTestApp();
  try {
    const targets = await (await t.request("/api/targets")).json();
    ok(targets.length >= 12);
    const pony = targets.find((x: { id: string }) => x.id === "pony");
    equal(pony.name, "Pony Diffusion V6");
    equal(pony.negative_policy, "real");
    equal(pony.encoder, "CLIP-L + CLIP-G");
    equal(pony.token_budget, 150);
    const lightning = targets.find((x: { id: string }) => x.id === "sdxl_lightning");
    equal(lightning.negative, false);
    match(lightning.negative_reason, /CFG 1/);
    ok(targets.find((x: { id: string }) => x.id === "sd35").aliases.includes("sd3"));
  } finally {
    await t.close();
  }
});
