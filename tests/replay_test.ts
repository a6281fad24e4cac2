import { deepEqual, equal, match } from "node:assert/strict";
import { startTestApp } from "./helpers.ts";

Deno.test("replay: an entry keeps what reproduces it, and replaying gives the same prompt", async () => {
  const t = await startTestApp();
  try {
    const request = {
      input: "a glass whale",
      model: "sdxl",
      style: "Watercolor",
      selections: { universal: { mood: ["peaceful"] } },
      seed: 77,
      temperature: 0.4,
    };
    const first = await (await t.post("/generate", request)).json();
    const entry = t.services.history.use().get(first.history_id)!;
    equal(entry.seed, 77);
    equal(entry.temperature, 0.4);
    match(entry.ollama_digest!, /^[0-9a-f]{64}$/);
    match(entry.prompt_hash!, /^[0-9a-f]{16}$/);
    deepEqual(entry.request, request);
    const replay = await (await t.post(`/history/${first.history_id}/replay`, {})).json();
    equal(replay.positive, first.positive);
    equal(replay.same_prompt, true);
    equal(replay.same_model_digest, true);
    equal(replay.same_system_prompt, true);
    equal(replay.replay_of, first.history_id);
    const sent = t.fake.chatRequests();
    deepEqual(sent[1]!.options, { temperature: 0.4, seed: 77 });
    deepEqual(sent[1]!.messages, sent[0]!.messages);
    equal((await t.post("/history/999/replay", {})).status, 404);
  } finally {
    await t.close();
  }
});
