import { createApp } from "../main.ts";
import { loadConfig } from "../lib/app/config.ts";
import { closeServices, openServices, type Services } from "../lib/app/services.ts";
import { type FakeOllama, type FakeOllamaOptions, startFakeOllama } from "./fakes/fake_ollama.ts";
import { closedPortUrl } from "./fakes/llm_failures.ts";
import type { Hono } from "hono";
import { join } from "node:path";
import { SESSION_COOKIE, signSession } from "../routes/http/session.ts";

/** A test app over a fresh fake Ollama and in-memory stores. */
export interface TestApp {
  app: Hono;
  services: Services;
  fake: FakeOllama;
  /** Calls the app directly (no socket). */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** POSTs JSON. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** Options for `startTestApp`. */
export interface TestAppOptions {
  fake?: FakeOllamaOptions;
  env?: Record<string, string>;
  /** Point the app at a closed port instead of the fake. */
  ollamaDown?: boolean;
  builtinPresets?: URL | string;
  now?: () => Date;
}

/** Starts a fake Ollama and an app wired to it. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const fake = startFakeOllama(options.fake);
  let ollamaUrl = fake.url;
  if (options.ollamaDown) ollamaUrl = closedPortUrl();
  const t = await startAppAt(ollamaUrl, {
    // Tests of the Ollama fake speak Ollama; `auto` has tests of its own.
    env: { LLM_BACKEND: "ollama", ...options.env },
    builtinPresets: options.builtinPresets,
    now: options.now,
  });
  return {
    ...t,
    fake,
    async close() {
      await t.close();
      await fake.close();
    },
  };
}

/** An app over in-memory stores, wired to whatever LLM server runs at `llmUrl`. */
export type AppAt = Omit<TestApp, "fake">;

/** Starts an app wired to the LLM server at `llmUrl` (the environment may say more). */
export async function startAppAt(
  llmUrl: string,
  options: Pick<TestAppOptions, "env" | "builtinPresets" | "now"> = {},
): Promise<AppAt> {
  const config = loadConfig({
    env: {
      OLLAMA_URL: llmUrl,
      OLLAMA_MODEL: "qwen3:latest",
      DATA_DIR: "/nonexistent-test-data",
      ...options.env,
    },
  });
  const services = await openServices(config, {
    storage: "memory",
    builtinPresets: options.builtinPresets,
    now: options.now,
  });
  const app = createApp(services);
  return {
    app,
    services,
    request: async (path, init) => await app.request(path, init),
    post: async (path, body, headers = {}) =>
      await app.request(path, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    close: () => Promise.resolve(closeServices(services)),
  };
}

/** The header htmx sends with its requests (the app answers them with fragments). */
export const HX = { "HX-Request": "true" };

/** POSTs form fields urlencoded, as a browser's form (or htmx) sends them. */
export async function postForm(
  t: Pick<TestApp, "app">,
  path: string,
  fields: Record<string, string> | [string, string][],
  headers: Record<string, string> = {},
): Promise<Response> {
  return await t.app.request(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The address of a loopback port nothing listens on. */
export { closedPortUrl };

/** Parses an SSE body into its JSON payloads. */
export async function readSse(res: Response): Promise<Record<string, unknown>[]> {
  const text = await res.text();
  return text.split("\n\n").filter((f) => f.trim()).map((frame) => {
    const data = frame.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6))
      .join("\n");
    return JSON.parse(data);
  });
}

/** The events of a stream as a browser's EventSource sees them: `\r\n`, `\r` and `\n` end lines. */
export async function browserEvents(
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

/** Serves the app on a real loopback port, for tests that need sockets (disconnects, browsers). */
export function serveOnPort(app: Hono): { url: string; close: () => Promise<void> } {
  const ac = new AbortController();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: ac.signal,
    onListen: () => {},
  }, app.fetch);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    close: async () => {
      ac.abort();
      await server.finished;
    },
  };
}

/** Waits until a condition holds, polling; fails after `ms`. */
export async function waitFor(check: () => boolean, ms = 2000, what = "condition"): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The app's entry point, for tests that run it as a separate process. */
export const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** Starts the real server in a child process and waits until it listens. */
export async function startServerProcess(
  env: Record<string, string>,
  args: string[] = [],
  cwd?: string,
) {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--no-open", "--port", String(port), ...args],
    env: { OLLAMA_STARTUP_CHECK: "false", LOG_LEVEL: "WARNING", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
    cwd,
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const deadline = Date.now() + 20_000;
  while (!seen.includes("is running at")) {
    if (Date.now() > deadline) throw new Error(`server did not start: ${seen}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited: ${seen}`);
    seen += value;
  }
  // Keep draining stdout so the child never blocks on a full pipe; collect what it says.
  const rest = (async () => {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return seen;
      seen += value;
    }
  })();
  return { child, url: `http://127.0.0.1:${port}`, port, output: () => rest };
}

/**
 * Counts this machine's ESTABLISHED TCP connections to a local port (client side), from
 * /proc/net/tcp; null where /proc is not there. It measures real sockets, so it also catches
 * upstream connections a server cannot see closing.
 */
export function establishedTo(port: number): number | null {
  let n = 0;
  try {
    for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      let text = "";
      try {
        text = Deno.readTextFileSync(file);
      } catch {
        continue;
      }
      for (const line of text.split("\n").slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols.length < 4) continue;
        const remotePort = parseInt(cols[2]!.split(":")[1]!, 16);
        if (remotePort === port && cols[3] === "01") n++;
      }
    }
  } catch {
    return null;
  }
  return n;
}

/** A `cookie` header for a session the app signed, as a browser would send it back. */
export function sessionCookie(t: TestApp, sid: string): string {
  return `${SESSION_COOKIE}=${signSession(t.services.secret, sid)}`;
}

/** Copies a folder tree (the built-in presets) so a test can edit the copy. */
export async function copyFolder(from: URL, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyFolder(new URL(`${e.name}/`, from), join(to, e.name));
    else await Deno.copyFile(new URL(e.name, from), join(to, e.name));
  }
}
