import { ok } from "node:assert/strict";
import { serveOnPort, startTestApp, type TestApp, type TestAppOptions } from "./helpers.ts";

/** A test app on a real loopback socket, so the compatibility suite speaks HTTP as old clients do. */
export interface CompatServer {
  app: TestApp;
  base: string;
  /** A request over the socket. */
  call(path: string, init?: RequestInit): Promise<Response>;
  /** A JSON POST over the socket, as the original page and its scripts send them. */
  postJson(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** Starts a fake Ollama, the app over it, and serves the app on a loopback port. */
export async function startCompatServer(options: TestAppOptions = {}): Promise<CompatServer> {
  const app = await startTestApp(options);
  const server = serveOnPort(app.app);
  const call = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);
  return {
    app,
    base: server.url,
    call,
    postJson: (path, body, headers = {}) =>
      call(path, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      }),
    async close() {
      await server.close();
      await app.close();
    },
  };
}

/** Checks that a value is an object carrying every key a client of the original reads. */
export function hasKeys(value: unknown, keys: string[], where: string): void {
  ok(typeof value === "object" && value !== null && !Array.isArray(value), `${where} is an object`);
  for (const key of keys) ok(Object.hasOwn(value, key), `${where} has "${key}"`);
}

/** The JSON payloads of an SSE body, checking the original's framing: one `data:` line per event. */
export async function sseEvents(res: Response): Promise<Record<string, unknown>[]> {
  const text = await res.text();
  ok(text.endsWith("\n\n"), "the stream ends with a complete event");
  return text.split("\n\n").filter((frame) => frame !== "").map((frame) => {
    const lines = frame.split("\n");
    ok(
      lines.length === 1 && lines[0]!.startsWith("data: "),
      `one data line per event: ${frame}`,
    );
    return JSON.parse(lines[0]!.slice(6));
  });
}
