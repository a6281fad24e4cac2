import { equal, match, ok } from "node:assert/strict";
import {
  HX,
  postForm,
  serveOnPort,
  sessionCookie,
  startTestApp,
  type TestApp,
  waitFor,
} from "./helpers.ts";
import { startFakeComfy } from "./fakes/fake_comfyui.ts";

const FORM = { "content-type": "application/x-www-form-urlencoded" };
const JSON_TYPE = { "content-type": "application/json" };

async function postJson(t: TestApp, path: string, body: unknown): Promise<Response> {
  return await t.app.request(path, {
    method: "POST",
    headers: JSON_TYPE,
    body: JSON.stringify(body),
  });
}

/** How an entry point says "you are at your cap". */
type Busy = "status" | "panel" | "page" | "no-unload" | "ollama" | "openai";

interface Entry {
  name: string;
  busy: Busy;
  /** Starts the entry's work; `historyId` is an entry to replay or send. */
  run(t: TestApp, ctx: { historyId: number; workflowId: number }): Promise<Response>;
}

const ENTRIES: Entry[] = [
  { name: "POST /generate", busy: "status", run: (t) => postJson(t, "/generate", { input: "a" }) },
  {
    name: "POST /generate-stream",
    busy: "status",
    run: (t) => postJson(t, "/generate-stream", { input: "a" }),
  },
  { name: "POST /chat", busy: "status", run: (t) => postJson(t, "/chat", { message: "a" }) },
  {
    name: "POST /chat-stream",
    busy: "status",
    run: (t) => postJson(t, "/chat-stream", { message: "a" }),
  },
  {
    name: "POST /persona-chat",
    busy: "status",
    run: (t) => postJson(t, "/persona-chat", { message: "a", persona_id: "quick_sketch" }),
  },
  {
    name: "POST /persona-chat-stream",
    busy: "status",
    run: (t) => postJson(t, "/persona-chat-stream", { message: "a", persona_id: "quick_sketch" }),
  },
  {
    name: "POST /generate-batch",
    busy: "status",
    run: (t) => postJson(t, "/generate-batch", { inputs: ["a", "b"] }),
  },
  {
    name: "POST /history/:id/replay",
    busy: "status",
    run: (t, { historyId }) => postJson(t, `/history/${historyId}/replay`, {}),
  },
  {
    name: "htmx POST /ui/generate",
    busy: "panel",
    run: (t) => postForm(t, "/ui/generate", { input: "a" }, HX),
  },
  {
    name: "form POST /ui/generate",
    busy: "page",
    run: (t) => postForm(t, "/ui/generate", { input: "a" }),
  },
  {
    name: "htmx POST /ui/chat",
    busy: "panel",
    run: (t) => postForm(t, "/ui/chat", { input: "a", mode: "chat" }, HX),
  },
  {
    name: "form POST /ui/chat",
    busy: "page",
    run: (t) => postForm(t, "/ui/chat", { input: "a", mode: "chat" }),
  },
  {
    name: "htmx POST /ui/chat with a persona",
    busy: "panel",
    run: (t) => postForm(t, "/ui/chat", { input: "a", persona_id: "quick_sketch" }, HX),
  },
  {
    name: "htmx POST /ui/batch",
    busy: "panel",
    run: (t) => postForm(t, "/ui/batch", { ideas: "a\nb" }, HX),
  },
  {
    name: "form POST /ui/batch",
    busy: "page",
    run: (t) => postForm(t, "/ui/batch", { ideas: "a\nb" }),
  },
  {
    name: "form POST /ui/history/:id/replay",
    busy: "page",
    run: (t, { historyId }) => postForm(t, `/ui/history/${historyId}/replay`, {}),
  },
  {
    name: "POST /ollama/api/generate",
    busy: "ollama",
    run: (t) => postJson(t, "/ollama/api/generate", { model: "promptsmith/flux", prompt: "a" }),
  },
  {
    name: "POST /ollama/api/chat",
    busy: "ollama",
    run: (t) =>
      postJson(t, "/ollama/api/chat", {
        model: "promptsmith/flux",
        messages: [{ role: "user", content: "a" }],
        stream: false,
      }),
  },
  {
    name: "POST /v1/chat/completions",
    busy: "openai",
    run: (t) =>
      postJson(t, "/v1/chat/completions", {
        model: "promptsmith/flux",
        messages: [{ role: "user", content: "a" }],
        stream: true,
      }),
  },
  {
    name: "ComfyUI send with unload_llm",
    busy: "no-unload",
    run: (t, { historyId, workflowId }) =>
      postJson(t, "/api/comfyui/send", { history_id: historyId, workflow_id: workflowId }),
  },
];

async function assertBusy(entry: Entry, res: Response): Promise<void> {
  const text = await res.text();
  switch (entry.busy) {
    case "status":
      equal(res.status, 429, text);
      equal(JSON.parse(text).type, "too_many_requests");
      break;
    case "panel":
      equal(res.status, 200);
      match(text, /Too many generations/);
      ok(!text.includes("sse-connect"), "no run was started");
      break;
    case "page":
      equal(res.status, 429);
      match(text, /^<!DOCTYPE html>/);
      match(text, /Too many generations/);
      break;
    case "ollama":
      equal(res.status, 429, text);
      match(JSON.parse(text).error, /generations running/);
      break;
    case "openai":
      equal(res.status, 429, text);
      equal(JSON.parse(text).error.type, "rate_limit_error");
      break;
    case "no-unload":
      equal(res.status, 202, text);
      equal(JSON.parse(text).llm_unloaded, false, "the unload waits for a free slot");
      break;
  }
}

for (const entry of ENTRIES) {
  Deno.test(`the generation cap holds on ${entry.name}, and its slot comes back`, async () => {
    const comfy = startFakeComfy();
    const t = await startTestApp({
      env: { MAX_GENERATIONS_PER_CLIENT: "1", COMFYUI_URL: comfy.url },
      fake: { tokenDelayMs: 1 },
    });
    try {
      const made = await (await postJson(t, "/generate", { input: "a lamp" })).json();
      const workflow = await (await postJson(t, "/api/comfyui/workflows", {
        name: "wf",
        workflow: JSON.parse(
          Deno.readTextFileSync(new URL("./fixtures/sdxl_api.json", import.meta.url)),
        ),
      })).json();
      const ctx = { historyId: made.history_id, workflowId: workflow.id };
      equal(t.services.slots.held(), 0);

      // Someone else's generation hangs and holds the only slot.
      t.fake.set({ fault: "hang" });
      const holder = new AbortController();
      const held = Promise.resolve(t.app.request("/generate-stream", {
        method: "POST",
        headers: JSON_TYPE,
        body: JSON.stringify({ input: "hold" }),
        signal: holder.signal,
      })).catch(() => null);
      await waitFor(() => t.services.slots.held() === 1, 2000, "the holder's slot");
      await assertBusy(entry, await entry.run(t, ctx));
      equal(t.services.slots.held(), 1, "a refused request takes nothing");
      holder.abort();
      await held;
      await waitFor(() => t.services.slots.held() === 0, 2000, "the holder's slot back");

      // With the slot free the entry point runs, and gives its slot back when it ends, even
      // when nobody opens a page run's stream.
      t.fake.set({ fault: "none" });
      const res = await entry.run(t, ctx);
      ok(res.status < 400, `${entry.name}: ${res.status}`);
      await res.text();
      await waitFor(() => t.services.slots.held() === 0, 5000, "the entry's slot back");
      const after = await postJson(t, "/generate", { input: "after" });
      equal(after.status, 200, "the next generation gets the slot");
    } finally {
      await t.close();
      await comfy.close();
    }
  });
}

Deno.test("htmx batches whose streams are never opened give their slots back", async () => {
  const t = await startTestApp({
    env: { MAX_GENERATIONS_PER_CLIENT: "2" },
    fake: { tokenDelayMs: 1 },
  });
  try {
    for (let i = 0; i < 2; i++) {
      const res = await postForm(t, "/ui/batch", { ideas: `idea ${i}` }, HX);
      match(await res.text(), /sse-connect/);
    }
    await waitFor(() => t.services.slots.held() === 0, 5000, "batch slots back");
    equal((await postJson(t, "/generate", { input: "x" })).status, 200);
  } finally {
    await t.close();
  }
});

Deno.test("a page run that nobody opens is stopped, and its slot comes back", async () => {
  const t = await startTestApp({ fake: { fault: "hang" } });
  try {
    const { RunRegistry } = await import("../lib/app/runs.ts");
    (t.services as { runs: InstanceType<typeof RunRegistry> }).runs = new RunRegistry({
      unwatchedMs: 100,
    });
    const res = await postForm(t, "/ui/generate", { input: "a" }, HX);
    match(await res.text(), /sse-connect/);
    await waitFor(() => t.services.slots.held() === 1, 2000, "the run's slot");
    await waitFor(() => t.services.slots.held() === 0, 3000, "the unwatched run stopped");
  } finally {
    await t.close();
  }
});

/** A cookie header a client made up: it looks like ours, but we never signed it. */
function inventedCookie(i: number): string {
  return `promptsmith_session=invented-session-${String(i).padStart(6, "0")}.${"x".repeat(22)}`;
}

/**
 * Opens `count` generation streams at once, stream `i` with `cookie(i)`; each status is pushed to
 * `statuses` as it arrives and the body dropped. Resolves when all have ended (or been aborted).
 */
function openStreams(
  url: string,
  count: number,
  cookie: (i: number) => string,
  signal: AbortSignal,
  statuses: number[],
): Promise<void[]> {
  return Promise.all(Array.from({ length: count }, (_, i) =>
    fetch(`${url}/generate-stream`, {
      method: "POST",
      headers: { ...JSON_TYPE, cookie: cookie(i) },
      body: JSON.stringify({ input: `idea ${i}` }),
      signal,
    }).then(async (res) => {
      statuses.push(res.status);
      await res.body?.cancel();
    }).catch(() => {})));
}

Deno.test("200 streams with invented session cookies from one peer run only the peer's cap", async () => {
  const t = await startTestApp({
    env: { MAX_GENERATIONS_PER_CLIENT: "2" },
    fake: { fault: "hang" },
  });
  const server = serveOnPort(t.app);
  const stop = new AbortController();
  try {
    const statuses: number[] = [];
    const all = openStreams(server.url, 200, inventedCookie, stop.signal, statuses);
    await waitFor(() => statuses.length >= 198, 20_000, "the refused streams");
    equal(statuses.filter((s) => s === 429).length, 198, `statuses: ${statuses}`);
    equal(t.services.slots.held(), 2, "only the peer's cap runs upstream");
    stop.abort();
    await all;
    await waitFor(() => t.services.slots.held() === 0, 5000, "the slots back");
  } finally {
    stop.abort();
    await server.close();
    await t.close();
  }
});

Deno.test("htmx Quick Generate with invented cookies starts at most the peer's cap of runs", async () => {
  const t = await startTestApp({
    env: { MAX_GENERATIONS_PER_CLIENT: "2" },
    fake: { fault: "hang" },
  });
  const server = serveOnPort(t.app);
  try {
    let started = 0;
    let refused = 0;
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${server.url}/ui/generate`, {
        method: "POST",
        headers: { ...FORM, ...HX, cookie: inventedCookie(i) },
        body: new URLSearchParams({ input: `idea ${i}` }).toString(),
      });
      const text = await res.text();
      if (text.includes("sse-connect")) started++;
      else if (/Too many generations/.test(text)) refused++;
    }
    equal(started, 2);
    equal(refused, 18);
    equal(t.services.slots.held(), 2);
  } finally {
    t.services.runs.stopAll();
    await server.close();
    await t.close();
  }
});

Deno.test("sessions we signed each get the cap, but one peer's sessions share four times it", async () => {
  const t = await startTestApp({
    env: { MAX_GENERATIONS_PER_CLIENT: "1" },
    fake: { fault: "hang" },
  });
  const server = serveOnPort(t.app);
  const stop = new AbortController();
  try {
    const statuses: number[] = [];
    const cookie = (i: number) => sessionCookie(t, `signed-session-${i}-0000`);
    const all = openStreams(server.url, 20, cookie, stop.signal, statuses);
    await waitFor(() => statuses.length >= 16, 10_000, "the refused streams");
    equal(statuses.filter((s) => s === 429).length, 16);
    equal(t.services.slots.held(), 4, "the peer's ceiling: four clients' worth");
    stop.abort();
    await all;
  } finally {
    stop.abort();
    await server.close();
    await t.close();
  }
});
