import { equal, notEqual, ok } from "node:assert/strict";
import { serveOnPort, startTestApp } from "./helpers.ts";
import { reloadSystemPrompts } from "../lib/prompt/targets.ts";
import { readBundledText } from "../lib/app/bundled.ts";

Deno.test("GET / answers 304 to its own ETag and a fresh page once the LLM status changes", async () => {
  const t = await startTestApp();
  try {
    const first = await t.request("/");
    equal(first.status, 200);
    const etag = first.headers.get("etag");
    ok(etag, "the page has an ETag");
    equal(first.headers.get("cache-control"), "no-cache");
    const html = await first.text();
    ok(html.includes("qwen3:latest"), "the model list is on the page");

    const again = await t.request("/", { headers: { "if-none-match": etag } });
    equal(again.status, 304);
    equal(await again.text(), "");

    // The server goes away: the same browser, same ETag, now gets the page that says so.
    t.services.models.noteReachable(false, "The fake went away for this test.");
    const changed = await t.request("/", { headers: { "if-none-match": etag } });
    equal(changed.status, 200);
    ok((await changed.text()).includes("The fake went away for this test."));
    notEqual(changed.headers.get("etag"), etag);
  } finally {
    await t.close();
  }
});

Deno.test("GET / keeps pages for another tab or theme apart from the cached default page", async () => {
  const t = await startTestApp();
  try {
    const plain = await (await t.request("/")).text();
    const chosen = await t.request("/?mode=chat");
    const chat = await chosen.text();
    notEqual(chat, plain);
    const dark = await t.request("/", { headers: { cookie: "promptsmith_theme=dark" } });
    const darkHtml = await dark.text();
    ok(darkHtml.includes('data-theme="dark"'), "the dark theme's page, not the cached default");
    equal(await (await t.request("/")).text(), plain);
  } finally {
    await t.close();
  }
});

Deno.test("GET / shows the targets a prompt reload put in place, not the page cached before it", async () => {
  const t = await startTestApp();
  try {
    const before = await (await t.request("/")).text();
    const first = t.services.targets[0]!;
    ok(before.includes(first.name), "the first target is on the page");
    // The reload refills the list the app holds (the same array) with what the files now say.
    reloadSystemPrompts(t.services.targets, (file) => {
      const text = readBundledText(file);
      if (file !== "presets/targets.json") return text;
      const json = JSON.parse(text);
      json.targets[0].name = "Renamed For The Reload Test";
      return JSON.stringify(json);
    });
    const after = await (await t.request("/")).text();
    ok(after.includes("Renamed For The Reload Test"), "the reloaded target's name is on the page");
  } finally {
    await t.close();
  }
});

Deno.test("GET / over a real socket sends the whole cached page, as UTF-8 HTML, every time", async () => {
  // The cached page is kept encoded; a body the server took over (a detached buffer) would
  // send the first request whole and the next ones empty.
  const t = await startTestApp();
  const served = serveOnPort(t.app);
  try {
    const bodies: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${served.url}/`);
      equal(res.status, 200);
      equal(res.headers.get("content-type"), "text/html; charset=UTF-8");
      bodies.push(await res.text());
    }
    ok(bodies[0]!.length > 10_000 && bodies[0]!.includes("</html>"), "a whole page");
    ok(bodies.every((b) => b === bodies[0]), "the same page each time");
    equal(bodies[0], await (await t.request("/")).text(), "the page the app renders");
    ok(/[^\p{ASCII}]/u.test(bodies[0]!) && !bodies[0]!.includes("\uFFFD"), "UTF-8 text whole");
  } finally {
    await served.close();
    await t.close();
  }
});
