import { equal, match, ok } from "node:assert/strict";
import {
  browserEvents,
  HX,
  postForm,
  serveOnPort,
  sessionCookie,
  startTestApp,
} from "./helpers.ts";

Deno.test("GET / renders the whole app under 100 KB with every target and preset kind", async () => {
  const t = await startTestApp();
  try {
    const res = await t.request("/");
    equal(res.status, 200);
    match(res.headers.get("content-type")!, /text\/html/);
    const html = await res.text();
    ok(html.startsWith("<!DOCTYPE html>"));
    ok(html.length < 100_000, `${html.length} bytes`);
    for (const id of ["flux", "sdxl", "pony"]) ok(html.includes(`value="${id}"`), id);
    for (
      const needle of [
        'name="style"',
        'id="category"',
        'name="u.mood"',
        "qwen3:latest",
        "Studio Ghibli Magic",
      ]
    ) {
      ok(html.includes(needle), needle);
    }
    let own = 0;
    for (const file of ["app.css", "app.js", "image_input.js"]) {
      const res = await t.request(`/static/${file}`);
      equal(res.status, 200, file);
      own += (await res.text()).length;
    }
    ok(own < 36_000, `our own CSS and JS weigh ${own} bytes`);
  } finally {
    await t.close();
  }
});

Deno.test("a form post without htmx redirects to the saved result (Post/Redirect/Get)", async () => {
  const t = await startTestApp();
  try {
    const res = await postForm(t, "/ui/generate", {
      input: "a teapot",
      model: "sdxl",
      style: "Watercolor",
    });
    equal(res.status, 303);
    const location = res.headers.get("location")!;
    match(location, /^\/\?result=1$/);
    const page = await (await t.request(location)).text();
    match(page, /<textarea id="positive"[^>]*>masterpiece, best quality, \(a teapot:1\.2\)/);
    match(page, /<option value="Watercolor" selected/);
  } finally {
    await t.close();
  }
});

Deno.test("form errors are shown in the page with the field named, nothing generated", async () => {
  const t = await startTestApp();
  try {
    const res = await postForm(t, "/ui/generate", { input: "  ", model: "sdxl" });
    equal(res.status, 400);
    match(await res.text(), /input must not be empty/);
    const hx = await postForm(t, "/ui/generate", { input: "x", seed: "-4" }, HX);
    equal(hx.status, 200, "htmx swaps only 2xx, so errors come as a fragment");
    match(await hx.text(), /role="alert"[\s\S]*seed/);
    equal(t.fake.chatRequests().length, 0);
  } finally {
    await t.close();
  }
});

Deno.test("an htmx post starts one run; reconnecting resumes it and never starts a second generation", async () => {
  const t = await startTestApp({ fake: { tokenDelayMs: 5 } });
  const server = serveOnPort(t.app);
  try {
    const res = await postForm(t, "/ui/generate", { input: "a kite" }, HX);
    const fragment = await res.text();
    const runId = fragment.match(/sse-connect="\/ui\/runs\/([0-9a-f-]+)\/stream"/)![1];
    equal(t.fake.chatRequests().length, 0, "nothing runs until the browser connects");
    const first = await browserEvents(await fetch(`${server.url}/ui/runs/${runId}/stream`));
    ok(first.some((e) => e.event === "token"));
    const final = first.find((e) => e.event === "final")!;
    match(final.data, /id="positive"/);
    equal(first.at(-1)!.event, "close");
    const again = await browserEvents(
      await fetch(`${server.url}/ui/runs/${runId}/stream`, {
        headers: { "Last-Event-ID": final.id },
      }),
    );
    equal(again.length, 1);
    equal(again[0]!.event, "close");
    const replay = await browserEvents(await fetch(`${server.url}/ui/runs/${runId}/stream`));
    equal(replay.length, first.length, "a fresh connection replays the same run");
    equal(t.fake.chatRequests().length, 1);
    equal(t.services.history.use().list({ limit: 5 }).total, 1);
    const gone = await browserEvents(await fetch(`${server.url}/ui/runs/nope/stream`));
    match(gone[0]!.data, /no longer available/);
  } finally {
    await server.close();
    await t.close();
  }
});

Deno.test("a page run whose structured reply breaks clears the shown values before the text retry", async () => {
  const t = await startTestApp({ fake: { formatReplies: "invalid" } });
  const server = serveOnPort(t.app);
  try {
    const fragment =
      await (await postForm(t, "/ui/generate", { input: "a kite", model: "sdxl" }, HX))
        .text();
    // The reset event empties the streamed text: htmx swaps its (empty) data into the <pre>.
    match(fragment, /sse-swap="reset" hx-target="#result \.stream-text" hx-swap="innerHTML"/);
    // And the failed attempt's reasoning: the panel then shows only the retry's.
    match(fragment, /sse-swap="reset" hx-target="#result \.thinking pre" hx-swap="innerHTML"/);
    const runId = fragment.match(/sse-connect="\/ui\/runs\/([0-9a-f-]+)\/stream"/)![1];
    const events = await browserEvents(await fetch(`${server.url}/ui/runs/${runId}/stream`));
    const at = events.findIndex((e) => e.event === "reset");
    ok(at > 0 && events[at - 1]!.event === "token", "the partial values, then the reset");
    equal(events[at]!.data, "");
    const final = events.find((e) => e.event === "final")!;
    ok(!final.data.includes("rambles"), "the final panel holds the retry's prompt alone");
    match(final.data, /id="positive"[^>]*>masterpiece, best quality/);
  } finally {
    await server.close();
    await t.close();
  }
});

Deno.test("the picker fragment cascades and drops choices that no longer apply", async () => {
  const t = await startTestApp();
  try {
    const html = await (await t.request(
      "/ui/picker?category=photography&type=portrait&h_artist=irving_penn&tech.lens=50mm_standard",
      { headers: HX },
    )).text();
    ok(html.startsWith('<fieldset id="picker"'));
    match(html, /<option value="irving_penn" selected/);
    match(html, /<option value="50mm_standard" selected/);
    const changed =
      await (await t.request("/ui/picker?category=horror&h_artist=irving_penn", { headers: HX }))
        .text();
    ok(!changed.includes('name="tech.'), "no type chosen: no artist options");
    match(changed, /<select id="h_artist" name="h_artist" disabled/);
  } finally {
    await t.close();
  }
});

Deno.test("every user- and LLM-provided text is escaped in the page", async () => {
  const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>"'`;
  const t = await startTestApp({ fake: { reply: () => `PROMPT: ${evil}` } });
  try {
    const res = await postForm(t, "/ui/generate", { input: evil });
    const page = await (await t.request(res.headers.get("location")!)).text();
    ok(!page.includes("<script>alert"), "no raw script tag");
    ok(!page.includes("<img src=x"), "no raw img tag");
    match(page, /&lt;script>alert\(1\)&lt;\/script>|&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    const history = await (await t.request("/ui/history?q=script")).text();
    ok(!history.includes("<script>alert") && !history.includes("<img src=x"));
  } finally {
    await t.close();
  }
});

Deno.test("the form's protect field keeps trigger words and LoRA tags in the prompt", async () => {
  const t = await startTestApp({
    fake: { reply: () => "POSITIVE: masterpiece, a portrait\nNEGATIVE: blurry" },
  });
  try {
    const res = await postForm(t, "/ui/generate", {
      input: "a portrait <lora:face_v1:0.7>",
      model: "sdxl",
      protect: "ohwx woman, ",
    });
    const page = await (await t.request(res.headers.get("location")!)).text();
    match(
      page,
      /masterpiece, a portrait, ohwx woman, &lt;lora:face_v1:0.7>|masterpiece, a portrait, ohwx woman, &lt;lora:face_v1:0\.7&gt;/,
    );
    match(page, /name="protect"[^>]*value="ohwx woman"/);
  } finally {
    await t.close();
  }
});

Deno.test("without JavaScript a persona chat turn comes back to the persona's own transcript", async () => {
  const t = await startTestApp();
  try {
    const cookie = sessionCookie(t, "persona-ui-session-0001");
    const res = await postForm(t, "/ui/chat", {
      input: "a knight at dawn",
      persona_id: "quick_sketch",
      model: "sdxl",
    }, { cookie });
    equal(res.status, 303);
    equal(res.headers.get("location"), "/?mode=chat&persona=quick_sketch");
    const page = await (await t.request(res.headers.get("location")!, { headers: { cookie } }))
      .text();
    match(page, /<option value="quick_sketch" selected/);
    match(page, /a knight at dawn/);
    match(page, /<option value="sdxl" selected/);
  } finally {
    await t.close();
  }
});

Deno.test("form atmosphere choices follow the presets: several moods pass, two times of day are refused", async () => {
  const t = await startTestApp();
  try {
    const two = new URLSearchParams([["input", "a bay"], ["engine", "composer"], [
      "u.mood",
      "peaceful",
    ], ["u.mood", "mysterious"]]);
    const ok303 = await t.app.request("/ui/generate", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: two.toString(),
    });
    equal(ok303.status, 303);
    const bad = new URLSearchParams([["input", "a bay"], ["engine", "composer"], [
      "u.time_of_day",
      "dawn",
    ], ["u.time_of_day", "dusk"]]);
    const res = await t.app.request("/ui/generate", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: bad.toString(),
    });
    equal(res.status, 400);
    match(await res.text(), /selections\.universal\.time_of_day: choose one value/);
  } finally {
    await t.close();
  }
});

Deno.test("a Replay that fails shows why, on the form filled from the entry", async () => {
  const t = await startTestApp();
  try {
    const id =
      (await (await t.post("/generate", { input: "a moth at a lamp", model: "sdxl" })).json())
        .history_id;
    await t.fake.close();
    const res = await postForm(t, `/ui/history/${id}/replay`, {});
    equal(res.status, 503);
    const page = await res.text();
    // Offline is said calmly, the same way everywhere: a notice, not a red alert.
    match(
      page,
      /class="notice" role="status"><strong>The LLM server is offline<\/strong><p>Cannot connect to Ollama at/,
    );
    match(page, /<textarea id="input"[^>]*>a moth at a lamp<\/textarea>/);
  } finally {
    await t.close();
  }
});

Deno.test("the history search form asks htmx to search 150 ms after the last keystroke, to replace a search in flight, and to replace the address rather than push one", async () => {
  const t = await startTestApp();
  try {
    const page = await (await t.request("/ui/history")).text();
    const form = page.match(/<form[^>]*role="search"[^>]*>/)?.[0] ?? "";
    // A search answers in a few ms (BENCHMARKS.md), so the wait after typing is what users feel.
    match(form, /hx-trigger="input changed delay:150ms from:#q/);
    match(form, /hx-sync="this:replace"/);
    // The address follows the search, but Back leaves the page instead of undoing each letter.
    match(form, /hx-replace-url="true"/);
    ok(!form.includes("hx-push-url"), form);
  } finally {
    await t.close();
  }
});
