import { deepEqual, equal, match, ok } from "node:assert/strict";
import { startTestApp, type TestApp } from "./helpers.ts";
import { PNG_1X1, startFakeComfy } from "./fakes/fake_comfyui.ts";

const fixture = (name: string) =>
  JSON.parse(Deno.readTextFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

/** Polls a job until it is done or failed (or two seconds pass) and returns its last state. */
async function jobWhenEnded(t: TestApp, id: string): Promise<Record<string, unknown>> {
  let state: Record<string, unknown> = {};
  for (let i = 0; i < 100 && state.state !== "done" && state.state !== "error"; i++) {
    state = await (await t.request(`/api/comfyui/jobs/${id}`)).json();
    await new Promise((r) => setTimeout(r, 20));
  }
  return state;
}

async function withComfy(
  fn: (t: TestApp, comfy: ReturnType<typeof startFakeComfy>) => Promise<void>,
  options = {},
) {
  const comfy = startFakeComfy(options);
  const t = await startTestApp({ env: { COMFYUI_URL: comfy.url } });
  try {
    await fn(t, comfy);
  } finally {
    await t.close();
    await comfy.close();
  }
}

Deno.test("comfyui: upload a workflow, send a history entry, follow progress, get the images", () =>
  withComfy(async (t, comfy) => {
    const up = await t.post("/api/comfyui/workflows", {
      name: "SDXL basic",
      workflow: fixture("sdxl_api.json"),
    });
    equal(up.status, 201);
    const wf = await up.json();
    deepEqual(wf.analysis.positive, [{ node: "6", input: "text" }]);
    const gen = await (await t.post("/generate", { input: "a lighthouse", model: "sdxl" })).json();
    const sent = await t.post("/api/comfyui/send", {
      history_id: gen.history_id,
      workflow_id: wf.id,
      seed: 1234,
    });
    equal(sent.status, 202);
    const job = await sent.json();
    equal(job.llm_unloaded, true);
    const unload = t.fake.requests.find((r) => r.path === "/api/generate")!;
    deepEqual(
      unload.body,
      { model: "qwen3:latest", keep_alive: 0, stream: false },
      "the LLM is unloaded before queueing",
    );
    const graph = comfy.prompts[0] as Record<string, { inputs: Record<string, unknown> }>;
    equal(graph["6"]!.inputs.text, gen.positive);
    equal(graph["7"]!.inputs.text, gen.negative);
    equal(graph["3"]!.inputs.seed, 1234);
    const state = await jobWhenEnded(t, job.id);
    equal(state.state, "done");
    deepEqual(state.progress, { value: 4, max: 4 }, "progress came over the websocket");
    equal((state.images as unknown[]).length, 1);
    const img = await t.request(`/api/comfyui/jobs/${job.id}/images/0`);
    equal(img.headers.get("content-type"), "image/png");
    deepEqual(new Uint8Array(await img.arrayBuffer()), PNG_1X1);
    const attached = await t.request(`/api/comfyui/history/${gen.history_id}/images/0`);
    equal(attached.status, 200);
    await attached.body?.cancel();
  }));

Deno.test("comfyui: Flux workflows get the prompt through the guider chain and no negative", () =>
  withComfy(async (t, comfy) => {
    const wf = await (await t.post("/api/comfyui/workflows", {
      name: "Flux dev",
      workflow: fixture("flux_api.json"),
    })).json();
    match(wf.analysis.warnings[0], /no negative prompt/);
    const res = await t.post("/api/comfyui/send", {
      positive: "a red fox",
      negative: "blurry",
      workflow_id: wf.id,
      unload_llm: false,
    });
    equal(res.status, 202);
    const graph = comfy.prompts[0] as Record<string, { inputs: Record<string, unknown> }>;
    equal(graph["6"]!.inputs.text, "a red fox");
    equal(
      t.fake.requests.filter((r) => r.path === "/api/generate").length,
      0,
      "unload can be switched off",
    );
  }));

Deno.test("comfyui: clear errors for the editor format, validation per node, and ComfyUI down", async () => {
  await withComfy(async (t) => {
    const ui = await t.post("/api/comfyui/workflows", {
      name: "x",
      workflow: { nodes: [], links: [] },
    });
    equal(ui.status, 400);
    const body = await ui.json();
    equal(body.type, "ui_format_workflow");
    match(body.message, /Export \(API\)/);
    const broken = fixture("sdxl_api.json");
    broken["4"].inputs.ckpt_name = "missing.safetensors";
    delete broken["6"].inputs.clip;
    const wf = await (await t.post("/api/comfyui/workflows", { name: "broken", workflow: broken }))
      .json();
    const res = await t.post("/api/comfyui/send", {
      positive: "x",
      workflow_id: wf.id,
      unload_llm: false,
    });
    equal(res.status, 400);
    const err = await res.json();
    equal(err.type, "comfyui_validation");
    match(
      err.message,
      /node 4 \(CheckpointLoaderSimple\): Value not in list: ckpt_name: 'missing\.safetensors'/,
    );
    match(err.message, /node 6 \(CLIPTextEncode\): Required input is missing: clip/);
    equal(err.node_errors.length, 2);
    equal((await t.post("/api/comfyui/send", { positive: "x", workflow_id: 999 })).status, 404);
  });
  const t = await startTestApp({ env: { COMFYUI_URL: "http://127.0.0.1:9" } });
  try {
    const wf = await (await t.post("/api/comfyui/workflows", {
      name: "a",
      workflow: fixture("sdxl_api.json"),
    })).json();
    const res = await t.post("/api/comfyui/send", {
      positive: "x",
      workflow_id: wf.id,
      unload_llm: false,
    });
    equal(res.status, 503);
    const body = await res.json();
    equal(body.type, "comfyui_unreachable");
    match(body.message, /set its address on the ComfyUI page/);
    equal((await (await t.request("/api/comfyui/status")).json()).reachable, false);
  } finally {
    await t.close();
  }
});

Deno.test("comfyui: an execution error is reported on the job", () =>
  withComfy(async (t) => {
    const wf = await (await t.post("/api/comfyui/workflows", {
      name: "sd",
      workflow: fixture("sdxl_api.json"),
    })).json();
    const job = await (await t.post("/api/comfyui/send", {
      positive: "x",
      workflow_id: wf.id,
      unload_llm: false,
    })).json();
    const state = await jobWhenEnded(t, job.id);
    equal(state.state, "error");
    match(String(state.error), /CUDA out of memory/);
    ok(Array.isArray(state.images));
  }, { failOn: "VAEDecode" }));
