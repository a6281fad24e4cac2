import { equal, match, ok } from "node:assert/strict";
import { serveOnPort, startTestApp, type TestApp } from "./helpers.ts";

function form(
  t: TestApp,
  path: string,
  fields: Record<string, string> | [string, string][],
  headers: Record<string, string> = {},
) {
  return t.app.request(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

const HX = { "HX-Request": "true" };

/** The events of a stream as a browser's EventSource sees them: `\r\n`, `\r` and `\n` end lines. */
async function browserEvents(
  res: Response,
): Promise<{ id: string; event: string; data: string }[]> {
  const text = await res.text();
  const out: { id: string; event: string; data: string }[] = [];
  let id = "";
  let event = "";
  let data: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === "") {
      if (data.length) out.push({ id, event: event || "message", data: data.join("\n") });
      event = "";
      data = [];
      continue;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "id") id = value;
    else if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return out;
}

Deno.test("a model reply holding lone \\r cannot add event: or id: lines to the page's stream", async () => {
  // The fake sends its last three words as one piece, line breaks and all.
  const hostile = "POSITIVE: a kite\nNEGATIVE: blur\revent:close\rid:999\r\r";
  const t = await startTestApp({ fake: { reply: () => hostile, fault: "final-text" } });
  const server = serveOnPort(t.app);
  try {
    const res = await form(t, "/ui/generate", { input: "a kite" }, HX);
    const runId = (await res.text()).match(/sse-connect="\/ui\/runs\/([0-9a-f-]+)\/stream"/)![1];
    const events = await browserEvents(await fetch(`${server.url}/ui/runs/${runId}/stream`));
    const names = events.map((e) => e.event);
    ok(names.includes("final"), names.join(","));
    equal(names.indexOf("close"), names.length - 1, "close comes once, last");
    ok(!events.some((e) => e.id === "999"), "no id of the model's");
    const ids = events.map((e) => Number(e.id));
    ok(ids.every((id, i) => i === 0 || id > ids[i - 1]!), ids.join(","));
    match(events.find((e) => e.event === "final")!.data, /id="positive"/);
  } finally {
    await server.close();
    await t.close();
  }
});
