import { deepEqual, equal, match, ok } from "node:assert/strict";
import { startTestApp } from "./helpers.ts";

Deno.test("GET /healthz reports the app and the Ollama version", async () => {
  const t = await startTestApp();
  try {
    const res = await t.request("/healthz");
    equal(res.status, 200);
    const body = await res.json();
    equal(body.status, "ok");
    deepEqual(body.ollama, { reachable: true, version: "0.12.6" });
    match(body.version, /^\d+\.\d+\.\d+$/);
  } finally {
    await t.close();
  }
});

Deno.test("GET /healthz stays 200 and says unreachable when Ollama is down", async () => {
  const t = await startTestApp({ ollamaDown: true });
  try {
    const body = await (await t.request("/healthz")).json();
    equal(body.status, "ok");
    equal(body.ollama.reachable, false);
  } finally {
    await t.close();
  }
});

Deno.test("GET /models lists installed models and the default", async () => {
  const t = await startTestApp();
  try {
    const res = await t.request("/models");
    equal(res.status, 200);
    const body = await res.json();
    deepEqual(body.models, [
      "qwen3:latest",
      "llama3.2:latest",
      "deepseek-r1:legacy",
      "gemma3:4b",
    ]);
    equal(body.default, "qwen3:latest");
    deepEqual(body.details[0].capabilities, ["completion", "tools", "thinking"]);
  } finally {
    await t.close();
  }
});

Deno.test("GET /models returns 503 when Ollama is down", async () => {
  const t = await startTestApp({ ollamaDown: true });
  try {
    const res = await t.request("/models");
    equal(res.status, 503);
    equal((await res.json()).type, "connection_error");
  } finally {
    await t.close();
  }
});

Deno.test("GET /api/targets lists flux and sdxl with budgets and negative support", async () => {
  const t = await startTestApp();
  try {
    const targets = await (await t.request("/api/targets")).json();
    const flux = targets.find((x: { id: string }) => x.id === "flux");
    const sdxl = targets.find((x: { id: string }) => x.id === "sdxl");
    equal(flux.negative, false);
    equal(sdxl.negative, true);
    equal(sdxl.token_budget, 75);
    ok(targets.length >= 2);
  } finally {
    await t.close();
  }
});

Deno.test("an unknown route is a JSON 404 in the error shape", async () => {
  const t = await startTestApp();
  try {
    const res = await t.request("/nope");
    equal(res.status, 404);
    match(res.headers.get("content-type")!, /json/);
    const body = await res.json();
    deepEqual(Object.keys(body).sort(), ["error", "message", "status"]);
    equal(body.status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("a wrong method is a JSON 405 with Allow", async () => {
  const t = await startTestApp();
  try {
    const res = await t.request("/generate");
    equal(res.status, 405);
    equal(res.headers.get("allow"), "POST");
    const body = await res.json();
    equal(body.error, "Method not allowed");
    const res2 = await t.request("/api/targets", { method: "DELETE" });
    equal(res2.status, 405);
    await res2.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("a body over 1 MB is a 413 in the error shape", async () => {
  const t = await startTestApp();
  try {
    const res = await t.post("/generate", { input: "x".repeat(1_100_000) });
    equal(res.status, 413);
    equal((await res.json()).type, "payload_too_large");
  } finally {
    await t.close();
  }
});
