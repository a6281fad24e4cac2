import { equal, match } from "node:assert/strict";
import { startTestApp } from "./helpers.ts";
import { matchGolden } from "./support/golden.ts";
import { loadTargets } from "../lib/prompt/targets.ts";

/**
 * Per target, the exact messages a dry run would send for one request that exercises the rules:
 * a pack whose scene fights the idea, a chosen lighting that collides with the pack's, and a
 * protected term. Review the golden files as a prompt engineer would.
 */
const REQUEST = {
  input: "a dragon sleeping on a hoard of gold <lora:goldscales:0.7>",
  lighting: "Candlelight",
  selections: { pack: "epic_fantasy_battle" },
  dry_run: true,
};

for (const target of loadTargets()) {
  Deno.test(`dry_run golden for ${target.id}`, async () => {
    const t = await startTestApp();
    try {
      const res = await t.post("/generate", { ...REQUEST, model: target.id });
      equal(res.status, 200);
      const body = await res.json();
      equal(body.model, target.id);
      match(body.dropped_presets[0].reason, /volumetric light rays through haze" left out/);
      matchGolden(
        `dry_run/${target.id}.txt`,
        [
          "=== system",
          body.messages[0].content,
          "=== user",
          body.messages[1].content,
          "=== preset_negatives",
          JSON.stringify(body.preset_negatives),
          "=== dropped_presets",
          JSON.stringify(body.dropped_presets, null, 2),
          "",
        ].join("\n"),
      );
      equal(t.fake.chatRequests().length, 0);
    } finally {
      await t.close();
    }
  });
}
