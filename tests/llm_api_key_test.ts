import { equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { startFakeOpenAi } from "./fakes/fake_openai.ts";
import { startServerProcess } from "./helpers.ts";

const KEY = "sk-team-4f1c9e2b7a";
const WRONG = "sk-wrong-88d03c1e5f";

/** Everything a running server showed: its pages, replies, console output and log file. */
async function everythingShown(
  key: string,
  url: string,
): Promise<{ seen: string; codes: number[] }> {
  const dir = await Deno.makeTempDir();
  const server = await startServerProcess({
    DATA_DIR: dir,
    LLM_BACKEND: "auto",
    LLM_URL: url,
    LLM_API_KEY: key,
    LLM_STARTUP_CHECK: "true",
    LOG_LEVEL: "DEBUG",
  });
  let seen = "";
  const codes: number[] = [];
  try {
    for (
      const [path, init] of [
        ["/healthz", {}],
        ["/models", {}],
        ["/", {}],
        ["/generate", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ input: "a lantern", model: "sdxl" }),
        }],
        ["/generate-stream", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ input: "a lantern" }),
        }],
      ] as [string, RequestInit][]
    ) {
      const res = await fetch(server.url + path, init);
      codes.push(res.status);
      seen += await res.text();
    }
  } finally {
    server.child.kill("SIGTERM");
    await server.child.status;
    seen += new TextDecoder().decode(
      await new Response(server.child.stderr).arrayBuffer().catch(() => new ArrayBuffer(0)),
    );
    seen += await server.output();
    seen += await Deno.readTextFile(join(dir, "logs", "app.log")).catch(() => "");
    await Deno.remove(dir, { recursive: true });
  }
  return { seen, codes };
}

Deno.test("LLM_API_KEY reaches the LLM server as a bearer token and is never shown or logged, even when the server quotes a wrong one back", async () => {
  const fake = startFakeOpenAi({ apiKey: KEY });
  try {
    const right = await everythingShown(KEY, fake.url);
    equal(right.codes.join(" "), "200 200 200 200 200", right.seen.slice(0, 400));
    match(right.seen, /"kind":"openai"/);
    match(right.seen, /OpenAI-compatible server connected/);
    match(
      right.seen,
      /"OpenAI-compatible server" answers at "http:\/\/127\.0\.0\.1:\d+" \(LLM_BACKEND="auto"\)/,
    );
    ok(!right.seen.includes(KEY), "the key shows nowhere");
    const sent = fake.requests.map((r) => r.headers.authorization);
    ok(sent.length >= 4 && sent.every((h) => h === `Bearer ${KEY}`), sent.join(", "));

    // This fake, like some servers, writes the wrong key into its 401 message.
    const wrong = await everythingShown(WRONG, fake.url);
    equal(wrong.codes.join(" "), "200 502 200 502 502");
    match(wrong.seen, /refused the API key/);
    match(wrong.seen, /Incorrect API key provided: \[API key\]/);
    ok(!wrong.seen.includes(WRONG), "the wrong key shows nowhere either");
  } finally {
    await fake.close();
  }
});
