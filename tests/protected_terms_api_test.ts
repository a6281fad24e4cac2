import { deepEqual, equal, match, ok } from "node:assert/strict";
import { startTestApp } from "./helpers.ts";

Deno.test("protected terms: LoRA tags and listed trigger words are kept, and put back if dropped", async () => {
  const t = await startTestApp({
    fake: { reply: () => "POSITIVE: masterpiece, a man in the rain\nNEGATIVE: blurry" },
  });
  try {
    const body = await (await t.post("/generate", {
      input: "ohwx man in the rain <lora:ohwx_v2:0.8>",
      model: "sdxl",
      protect: ["ohwx man"],
    })).json();
    equal(body.positive, "masterpiece, a man in the rain, ohwx man, <lora:ohwx_v2:0.8>");
    deepEqual(body.restored, ["ohwx man", "<lora:ohwx_v2:0.8>"]);
    const sent = (t.fake.chatRequests()[0]!.messages as { content: string }[])[1]!.content;
    match(sent, /Keep these exactly as written, in the prompt: ohwx man \| <lora:ohwx_v2:0\.8>/);
    const composed = await (await t.post("/generate", {
      input: "a cat <lora:catstyle:0.6>",
      model: "sdxl",
      engine: "composer",
    })).json();
    ok(composed.positive.endsWith(", <lora:catstyle:0.6>"));
    ok(
      !composed.positive.includes("(cat <lora"),
      "the tag is not folded into the weighted subject",
    );
  } finally {
    await t.close();
  }
});
