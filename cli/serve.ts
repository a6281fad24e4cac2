import { join } from "node:path";
import { closeLogging, log, setupLogging } from "../lib/app/logger.ts";
import { type Config, loadConfig, readEnvFiles } from "../lib/app/config.ts";
import { closeServices, endInflight, openServices, type Services } from "../lib/app/services.ts";
import { APP_VERSION } from "../lib/app/version.ts";
import { backendName } from "../lib/llm/backend_name.ts";
import type { LlmBackend } from "../lib/llm/types.ts";
import { intFlag, parseArgs, UsageError } from "./args.ts";

/** Something that can answer HTTP requests (the Hono app). */
export interface Fetcher {
  fetch: (req: Request) => Response | Promise<Response>;
}

/** Help for `serve`. */
export const SERVE_HELP = `promptsmith serve: run the web app and the API (the default command).

Usage: promptsmith [serve] [--port N] [--host H] [--no-open]

  --port N     port to listen on (default 5000 or PORT; if 5000 is taken, the next free one)
  --host H     address to bind (default 127.0.0.1 or HOST)
  --no-open    do not open the browser (also OPEN_BROWSER=false)

If Promptsmith is already running on the port, the browser opens on it instead.
Ctrl+C (or SIGTERM) stops it cleanly.`;

/** Reads the configuration for a command: flags, the environment, and `.env` files. */
export function resolveConfig(
  flags: { port?: number; host?: string; open?: boolean } = {},
): Config {
  const env = Deno.env.toObject();
  const bootstrap = loadConfig({ env, flags });
  return loadConfig({ env, flags, envFiles: readEnvFiles(bootstrap.dataDir) });
}

/** Opens the user's browser on a URL; quietly does nothing where none can be started. */
export async function openBrowser(url: string): Promise<void> {
  const cmd = Deno.build.os === "windows"
    ? ["cmd", "/c", "start", "", url]
    : Deno.build.os === "darwin"
    ? ["open", url]
    : ["xdg-open", url];
  try {
    const child = new Deno.Command(cmd[0]!, { args: cmd.slice(1), stdout: "null", stderr: "null" })
      .spawn();
    await child.status;
  } catch {
    log("app").info("Could not open a browser; visit {url}", { url });
  }
}

/** Whether a Promptsmith server already answers at this address. */
async function runningHere(host: string, port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://${host.includes(":") ? `[${host}]` : host}:${port}/healthz`, {
      signal: AbortSignal.timeout(1000),
    });
    const body = await res.json();
    return typeof body?.version === "string" && body?.status === "ok" && "ollama" in body;
  } catch {
    return false;
  }
}

function shownUrl(host: string, port: number): string {
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}/`;
}

/** A started server, or the URL of a Promptsmith that already holds the port. */
export type Listened = { server: Deno.HttpServer<Deno.NetAddr> } | { running: string };

/**
 * Listens on the configured port. When it is taken by Promptsmith, reports that one instead; when
 * it is taken by something else and the port was not chosen, tries the next ones.
 */
export async function listen(
  handler: Deno.ServeHandler,
  config: Pick<Config, "host" | "port" | "portExplicit">,
  signal: AbortSignal,
): Promise<Listened> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = config.port + attempt;
    try {
      return {
        server: Deno.serve({ hostname: config.host, port, signal, onListen: () => {} }, handler),
      };
    } catch (err) {
      if (!(err instanceof Deno.errors.AddrInUse)) throw err;
      if (await runningHere(config.host, port)) return { running: shownUrl(config.host, port) };
      if (config.portExplicit) {
        throw new UsageError(
          `port ${port} is in use by another program; choose another with --port`,
        );
      }
    }
  }
  throw new UsageError(
    `no free port from ${config.port} to ${config.port + 19}; choose one with --port`,
  );
}

function say(line: string): void {
  // deno-lint-ignore no-console
  console.log(line);
}

/** Logs which LLM server answers at start, or that none does (the app keeps running). */
function checkLlm(llm: LlmBackend, url: string): void {
  llm.version().then(
    (version) =>
      log("app").info("{server} answers at {url} (LLM_BACKEND={setting})", {
        server: llm.kind === "ollama" ? `Ollama ${version}` : backendName(llm.kind),
        url,
        setting: llm.setting,
      }),
    (err) =>
      log("app").warn("The LLM server at {url} is not ready: {why} The app keeps running.", {
        url,
        why: err instanceof Error ? err.message : String(err),
      }),
  );
}

/** `serve`: listen, open the browser, and shut down cleanly on SIGINT/SIGTERM. */
export async function serve(args: string[], createApp: (s: Services) => Fetcher): Promise<number> {
  const parsed = parseArgs(args, {
    port: "value",
    host: "value",
    "no-open": "switch",
    open: "switch",
  }, "serve");
  if (parsed.positional.length) throw new UsageError(`serve: unexpected "${parsed.positional[0]}"`);
  const config = resolveConfig({
    port: intFlag(parsed.flags.port, "port", 1, 65535),
    host: parsed.flags.host as string | undefined,
    open: parsed.flags["no-open"] ? false : parsed.flags.open ? true : undefined,
  });
  await setupLogging({ level: config.logLevel, logDir: join(config.dataDir, "logs") });
  const shutdown = new AbortController();
  let services: Services | undefined;
  let server: Deno.HttpServer<Deno.NetAddr> | undefined;
  try {
    services = await openServices(config);
    const app = createApp(services);
    const listened = await listen(app.fetch, config, shutdown.signal);
    if ("running" in listened) {
      say(`Promptsmith is already running at ${listened.running}; opening it.`);
      if (config.openBrowser) await openBrowser(listened.running);
      return 0;
    }
    server = listened.server;
    const url = shownUrl(config.host, server.addr.port);
    say(`Promptsmith ${APP_VERSION} is running at ${url} (Ctrl+C stops it)`);
    // Asked now but never waited for: with LLM_BACKEND=auto this is when the kind is found
    // (a failed probe is tried again when the LLM is next needed). The check only adds the log.
    if (config.llmStartupCheck) checkLlm(services.llm, config.llmUrl);
    else if (services.llm.setting === "auto") services.llm.detect().catch(() => {});
    if (config.openBrowser) openBrowser(url);
    const s = services;
    const sweep = () => s.conversations.sweep().catch(() => 0);
    sweep();
    const sweeper = setInterval(sweep, 60 * 60 * 1000);
    Deno.unrefTimer(sweeper);
    const stopping = Promise.withResolvers<void>();
    const stop = () => stopping.resolve();
    Deno.addSignalListener("SIGINT", stop);
    if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
    await stopping.promise;
    log("app").info("Shutting down");
    clearInterval(sweeper);
    // End in-flight streams first, so each client gets a last event saying why, then stop
    // accepting and wait for the responses to finish before the stores close.
    endInflight(services);
    const deadline = Date.now() + 3000;
    while (services.slots.held() && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    shutdown.abort();
    await server.finished;
    Deno.removeSignalListener("SIGINT", stop);
    if (Deno.build.os !== "windows") Deno.removeSignalListener("SIGTERM", stop);
    say("Promptsmith stopped.");
    return 0;
  } finally {
    if (services) closeServices(services);
    await closeLogging();
  }
}
