import { deepEqual, equal, match, ok } from "node:assert/strict";
import { startAppAt } from "./helpers.ts";
import { startFakeOpenAi } from "./fakes/fake_openai.ts";
import { makePng } from "./support/png_writer.ts";

const MODELS = [{ id: "text-only" }, { id: "gemma-3-4b-it", vision: true }];

/** A test app on an OpenAI-compatible server (the fake), with LLM_BACKEND=openai. */
async function openAiApp(listModalities: boolean) {
  const server = startFakeOpenAi({ models: MODELS, listModalities });
  const t = await startAppAt(server.url, {
    env: { LLM_BACKEND: "openai", OLLAMA_MODEL: "text-only" },
  });
  return {
    t,
    server,
    close: async () => {
      await t.close();
      await server.close();
    },
  };
}

const image = () => makePng(40, 30).toBase64();

Deno.test("OpenAI-compatible server that says nothing of vision: the image is sent, and a refusal is a clear 400", async () => {
  const { t, server, close } = await openAiApp(false);
  try {
    const ok200 = await t.post("/api/images/prompt", {
      image: image(),
      ollama_model: "gemma-3-4b-it",
    });
    const body = await ok200.json();
    equal(ok200.status, 200, JSON.stringify(body));
    equal(body.vision, "assumed");
    const sent = server.chatRequests()[0]!.messages as { role: string; content: unknown }[];
    const parts = sent[1]!.content as { type: string; image_url?: { url: string } }[];
    match(parts[1]!.image_url!.url, /^data:image\/png;base64,iVBOR/);

    const refused = await t.post("/api/images/prompt", {
      image: image(),
      ollama_model: "text-only",
    });
    const err = await refused.json();
    equal(refused.status, 400, JSON.stringify(err));
    equal(err.type, "model_without_vision");
    match(
      err.message,
      /the LLM server refused the image for "text-only".*image input is not supported by model 'text-only'/,
    );
    match(err.message, /the LLM server does not say which of its models do/);
    equal(t.services.history.use().list({ limit: 5 }).total, 1, "only the first was saved");
  } finally {
    await close();
  }
});

Deno.test("OpenAI-compatible server that lists input modalities: its vision models are named in the refusal", async () => {
  const { t, close } = await openAiApp(true);
  try {
    const res = await t.post("/api/images/prompt", { image: image(), ollama_model: "text-only" });
    const err = await res.json();
    equal(res.status, 400);
    match(err.message, /pick one that does: gemma-3-4b-it/);
    deepEqual(err.vision_models, ["gemma-3-4b-it"]);
    const listing = await (await t.request("/api/images/vision-models")).json();
    deepEqual(listing, { models: ["gemma-3-4b-it"], declared: true, reachable: true });
    const ok200 = await t.post("/api/images/prompt", {
      image: image(),
      ollama_model: "gemma-3-4b-it",
    });
    equal((await ok200.json()).vision, "declared");
    ok(ok200.status === 200);
  } finally {
    await close();
  }
});
