import { equal, match, ok } from "node:assert/strict";
import { createApp } from "../main.ts";
import { loadConfig } from "../lib/app/config.ts";
import { closeServices, openServices } from "../lib/app/services.ts";
import { startFakeOllama } from "./fakes/fake_ollama.ts";
import { HX, postForm, sessionCookie, startTestApp } from "./helpers.ts";
import { SESSION_COOKIE } from "../routes/http/session.ts";

Deno.test("a browser's target, presets, idea and last result survive a restart of the app", async () => {
  const fake = startFakeOllama();
  const dir = await Deno.makeTempDir();
  const config = loadConfig({ env: { OLLAMA_URL: fake.url, DATA_DIR: dir } });
  try {
    let services = await openServices(config);
    let app = createApp(services);
    const res = await postForm({ app }, "/ui/generate", {
      input: "a teapot in the rain",
      model: "sdxl",
      style: "Watercolor",
      category: "photography",
    });
    equal(res.status, 303);
    const cookies = res.headers.getSetCookie();
    equal(cookies.length, 1, "one request, one session");
    const cookie = cookies[0]!.split(";")[0]!;
    ok(cookie.startsWith(`${SESSION_COOKIE}=`));
    closeServices(services);

    services = await openServices(config);
    app = createApp(services);
    const page = await (await app.request("/", { headers: { cookie } })).text();
    match(page, /<option value="sdxl"[^>]* selected/);
    match(page, /<option value="Watercolor" selected/);
    match(page, /<option value="photography" selected/);
    match(page, /<textarea id="input"[^>]*>a teapot in the rain<\/textarea>/);
    match(page, /<textarea id="positive"[^>]*>masterpiece, best quality, \(a teapot in the rain/);
    // Another browser starts afresh.
    const other = await (await app.request("/")).text();
    match(other, /<option value="flux"[^>]* selected/);
    closeServices(services);
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("each tab keeps its own draft, and one tab's saves keep the other's engine and persona", async () => {
  const t = await startTestApp();
  try {
    const cookie = sessionCookie(t, "memory-session-00001");
    const h = { cookie };
    equal(
      (await postForm(t, "/ui/state", { mode: "oneshot", input: "an idea", engine: "composer" }, h))
        .status,
      204,
    );
    await postForm(
      t,
      "/ui/state",
      { mode: "chat", input: "a message", persona_id: "quick_sketch" },
      h,
    );
    await postForm(t, "/ui/state", { mode: "batch", ideas: "one\ntwo", model: "pony" }, h);
    const quick = await (await t.request("/?mode=oneshot", { headers: h })).text();
    match(quick, /<textarea id="input"[^>]*>an idea<\/textarea>/);
    match(quick, /name="engine" value="composer" checked/);
    match(quick, /<option value="pony"[^>]* selected/, "the batch tab's target is shared");
    const chat = await (await t.request("/?mode=chat", { headers: h })).text();
    match(chat, /<textarea id="input"[^>]*>a message<\/textarea>/);
    match(chat, /<option value="quick_sketch" selected/);
    const batch = await (await t.request("/ui/batch", { headers: h })).text();
    match(batch, /<textarea id="ideas"[^>]*>one\ntwo<\/textarea>/);
    // Without a mode the page opens on the tab last used.
    match(await (await t.request("/", { headers: h })).text(), /Your message/);
  } finally {
    await t.close();
  }
});

Deno.test("the theme is a cookie the page is drawn with; the switch only sends back to our own pages", async () => {
  const t = await startTestApp();
  try {
    const res = await postForm(t, "/ui/theme", { theme: "dark", back: "/ui/history?q=fox" });
    equal(res.status, 303);
    equal(res.headers.get("location"), "/ui/history?q=fox");
    const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    equal(cookie, "promptsmith_theme=dark");
    for (const path of ["/", "/ui/history", "/ui/batch", "/ui/comfy"]) {
      const page = await (await t.request(path, { headers: { cookie } })).text();
      match(page, /<html lang="en" data-theme="dark">/, path);
      match(page, /<button type="submit" name="theme" value="dark" aria-pressed="true"/, path);
    }
    for (const back of ["https://evil.example/", "//evil.example", "/\\evil.example"]) {
      const away = await postForm(t, "/ui/theme", { theme: "light", back });
      equal(away.headers.get("location"), "/", back);
    }
    const none = await (await t.request("/", {
      headers: { cookie: "promptsmith_theme=<script>" },
    })).text();
    match(none, /<html lang="en"\s*>/, "an unknown theme is the system's");
  } finally {
    await t.close();
  }
});

Deno.test("a chat message sent while a reply streams waits for it; both turns are kept in order", async () => {
  const t = await startTestApp({ fake: { tokenDelayMs: 20 } });
  try {
    const cookie = sessionCookie(t, "queue-session-000001");
    const h = { cookie, ...HX };
    const first = await postForm(t, "/ui/chat", { input: "a castle", model: "sdxl" }, h);
    const second = await postForm(t, "/ui/chat", { input: "at night", model: "sdxl" }, h);
    const runs = [first, second].map(async (res) => {
      const id = (await res.text()).match(/\/ui\/runs\/([\w-]+)\/stream/)![1]!;
      return await (await t.request(`/ui/runs/${id}/stream`)).text();
    });
    const [a, b] = await Promise.all(runs);
    match(a!, /event: final/);
    match(b!, /event: final/);
    const stored = await t.services.conversations.messages("queue-session-000001", "chat");
    equal(
      stored.map((m) => m.typed ?? m.content).filter((_, i) => i % 2 === 0).join("|"),
      "a castle|at night",
    );
    const sent = t.fake.chatRequests().at(-1)!.messages as { role: string }[];
    equal(sent.length, 4, "the second turn saw the first exchange");
  } finally {
    await t.close();
  }
});

Deno.test("deleting a history entry from the page swaps the count beside the list", async () => {
  const t = await startTestApp();
  try {
    for (const input of ["a red fox", "a blue fox", "a whale"]) {
      await t.post("/generate", { input, engine: "composer" });
    }
    const res = await postForm(t, "/ui/history/1/delete", { back: "/ui/history?q=fox" }, HX);
    const html = await res.text();
    match(
      html,
      /<p id="history-count" class="count" role="status" hx-swap-oob="true">1 entry for “fox”<\/p>/,
    );
  } finally {
    await t.close();
  }
});

Deno.test("a batch whose every item failed says so and offers nothing to export", async () => {
  const t = await startTestApp({ fake: { failWhen: () => true } });
  try {
    const res = await postForm(t, "/ui/batch", { ideas: "one\ntwo" });
    const page = await res.text();
    match(page, /No prompt was written/);
    ok(!page.includes("Export:"), "no export links");
    ok(!/2 of 2 done/.test(page));
  } finally {
    await t.close();
  }
});

Deno.test("saving the current choices as a pack needs a name and an artist, and marks it applied", async () => {
  const t = await startTestApp();
  try {
    const h = { cookie: sessionCookie(t, "pack-session-0000001") };
    const fields = {
      input: "x",
      category: "fantasy",
      type: "high_fantasy",
      h_artist: "greg_rutkowski",
      "u.mood": "epic",
    };
    const noName = await (await postForm(t, "/ui/presets/pack", fields, h)).text();
    match(noName, /pack_name: give your pack a name/);
    const noArtist = await (await postForm(
      t,
      "/ui/presets/pack",
      { pack_name: "Mine", category: "fantasy" },
      h,
    )).text();
    match(noArtist, /choose a category, type and artist/);
    const ok1 = await (await postForm(t, "/ui/presets/pack", { ...fields, pack_name: "Mine" }, h))
      .text();
    match(ok1, /Saved “Mine”/);
    match(ok1, /class="pack on"[^>]*aria-pressed="true"[^>]*>.*Mine/s);
    const twice = await (await postForm(t, "/ui/presets/pack", { ...fields, pack_name: "Mine" }, h))
      .text();
    match(twice, /already have a pack named “Mine”/);
    equal(t.services.custom.use().list().length, 1);
  } finally {
    await t.close();
  }
});

Deno.test("the ComfyUI address is checked, saved for restarts, and can go back to COMFYUI_URL", async () => {
  const t = await startTestApp({ env: { COMFYUI_URL: "http://127.0.0.1:9" } });
  try {
    const bad = await postForm(t, "/ui/comfy/address", { url: "ftp://x" });
    equal(bad.status, 400);
    match(await bad.text(), /must start with http:\/\/ or https:\/\//);
    const login = await postForm(t, "/ui/comfy/address", { url: "http://u:p@127.0.0.1:8188" });
    equal(login.status, 400);
    const good = await postForm(t, "/ui/comfy/address", { url: "http://127.0.0.1:8189/" });
    equal(good.status, 303);
    equal(await t.services.comfyAddress.saved(), "http://127.0.0.1:8189");
    equal(t.services.comfy.use().client.baseUrl, "http://127.0.0.1:8189");
    equal((await (await t.request("/api/comfyui/status")).json()).url, "http://127.0.0.1:8189");
    await postForm(t, "/ui/comfy/address", { reset: "1" });
    equal(await t.services.comfyAddress.saved(), null);
    equal(t.services.comfy.use().client.baseUrl, "http://127.0.0.1:9");
  } finally {
    await t.close();
  }
});

Deno.test("the main form may be sent as multipart (room for an image upload): its fields read the same", async () => {
  const t = await startTestApp();
  try {
    const body = new FormData();
    body.set("input", "a kite over dunes");
    body.set("model", "sdxl");
    body.set("engine", "composer");
    body.set("image", new File([new Uint8Array([1, 2, 3])], "ref.png", { type: "image/png" }));
    const res = await t.app.request("/ui/generate", { method: "POST", body });
    equal(res.status, 303);
    const entry = t.services.history.use().list({ limit: 1 }).history[0]!;
    equal(entry.user_input, "a kite over dunes");
    equal(entry.model, "sdxl");
  } finally {
    await t.close();
  }
});
