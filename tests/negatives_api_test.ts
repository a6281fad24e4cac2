import { equal, match, ok } from "node:assert/strict";
import { readSse, startTestApp } from "./helpers.ts";

/** An LLM that puts in its negative what its positive asks for, as small models do. */
function contrary(): string {
  return "POSITIVE: best quality, (photorealistic:1.1), a girl reading, soft window light\n" +
    "NEGATIVE: photorealistic, blurry, soft lighting, window light, lowres";
}

const REQUEST = {
  model: "sdxl",
  style: "Photorealistic",
  selections: { category: "anime" },
};

function tags(negative: string): string[] {
  return negative.split(",").map((t) => t.trim());
}

Deno.test("the LLM path drops from the negative what the positive or a preset asks for", async () => {
  const t = await startTestApp({ fake: { reply: contrary } });
  try {
    const body = await (await t.post("/generate", { input: "a girl reading", ...REQUEST })).json();
    const negative = tags(body.negative);
    ok(!negative.includes("photorealistic"), body.negative);
    ok(!negative.includes("window light"), body.negative);
    ok(negative.includes("blurry") && negative.includes("3d render"), body.negative);
    // "soft lighting" is not what the positive says ("soft window light"): it stays.
    ok(negative.includes("soft lighting"), body.negative);
  } finally {
    await t.close();
  }
});

Deno.test("dry_run shows the preset negatives without the ones another preset asks for", async () => {
  const t = await startTestApp();
  try {
    const body = await (await t.post("/generate", {
      input: "a girl reading",
      ...REQUEST,
      dry_run: true,
    })).json();
    ok(!body.preset_negatives.includes("photorealistic"), body.preset_negatives.join(", "));
    ok(body.preset_negatives.includes("western cartoon"));
  } finally {
    await t.close();
  }
});

Deno.test("chat, batch and the composer merge negatives by the same rule", async () => {
  const t = await startTestApp({ fake: { reply: contrary } });
  try {
    const chat = await (await t.post("/chat", { message: "a girl reading", ...REQUEST })).json();
    ok(!tags(chat.negative).includes("photorealistic"), chat.negative);
    const events = await readSse(
      await t.post("/generate-batch", { inputs: ["a girl reading"], ...REQUEST }),
    );
    const item = events.find((e) => "index" in e)!.result as { negative: string };
    ok(!tags(item.negative).includes("photorealistic"), item.negative);
    const composed = await (await t.post("/generate", {
      input: "a girl reading",
      ...REQUEST,
      engine: "composer",
    })).json();
    match(composed.positive, /photorealistic/);
    ok(!tags(composed.negative).includes("photorealistic"), composed.negative);
    equal(composed.engine, "composer");
  } finally {
    await t.close();
  }
});
