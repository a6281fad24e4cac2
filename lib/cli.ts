import { closeLogging, log, setupLogging } from "./logger.ts";
import { ConfigError, loadConfig, readEnvFiles } from "./config.ts";
import { closeServices, openServices, type Services } from "./services.ts";
import { APP_VERSION } from "./version.ts";
import { join } from "node:path";

/** Something that can answer HTTP requests (the Hono app). */
export interface Fetcher {
  fetch: (req: Request) => Response | Promise<Response>;
}

const HELP =
  `Promptsmith ${APP_VERSION}: turns short ideas into prompts for Flux, SDXL and friends, with a local Ollama.

Usage: promptsmith [serve] [--port N] [--host H] [--no-open]

Options:
  --port N     port to listen on (default 5000, or PORT)
  --host H     address to bind (default 127.0.0.1, or HOST)
  --no-open    do not open the browser (also OPEN_BROWSER=false)
  --help       show this help
  --version    print the version

Configuration comes from the environment and .env files; see the README.`;

/** Parsed serve flags. */
interface ServeFlags {
  port?: number;
  host?: string;
  open?: boolean;
}

class UsageError extends Error {}

function parseServeFlags(args: string[]): ServeFlags {
  const flags: ServeFlags = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (name === "--port") {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < 1 || n > 65535) {
        throw new UsageError(`--port "${v}" is not a port: use 1 to 65535`);
      }
      flags.port = n;
    } else if (name === "--host") flags.host = value();
    else if (name === "--no-open") flags.open = false;
    else if (name === "--open") flags.open = true;
    else throw new UsageError(`unknown option ${arg}; see --help`);
  }
  return flags;
}

function stderr(line: string): void {
  // deno-lint-ignore no-console
  console.error(line);
}

function stdout(line: string): void {
  // deno-lint-ignore no-console
  console.log(line);
}

/** Listens on the configured port, or (when the port was not chosen) the next free one. */
function listen(
  handler: Deno.ServeHandler,
  host: string,
  port: number,
  explicit: boolean,
  signal: AbortSignal,
): Deno.HttpServer<Deno.NetAddr> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      return Deno.serve(
        { hostname: host, port: port + attempt, signal, onListen: () => {} },
        handler,
      );
    } catch (err) {
      if (!(err instanceof Deno.errors.AddrInUse) || explicit) throw err;
    }
  }
  throw new Error(`no free port from ${port} to ${port + 19}`);
}

/** Opens the user's browser on a URL, quietly doing nothing where no browser can be started. */
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

async function serve(args: string[], createApp: (s: Services) => Fetcher): Promise<number> {
  const flags = parseServeFlags(args);
  const env = Deno.env.toObject();
  const bootstrap = loadConfig({ env, flags });
  const config = loadConfig({ env, flags, envFiles: readEnvFiles(bootstrap.dataDir) });
  await setupLogging({ level: config.logLevel, logDir: join(config.dataDir, "logs") });
  const services = await openServices(config);
  const app = createApp(services);
  const shutdown = new AbortController();
  const server = listen(app.fetch, config.host, config.port, config.portExplicit, shutdown.signal);
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const url = `http://${
    shownHost.includes(":") ? `[${shownHost}]` : shownHost
  }:${server.addr.port}/`;
  stdout(`Promptsmith ${APP_VERSION} is running at ${url} (Ctrl+C stops it)`);
  if (config.ollamaStartupCheck) {
    services.ollama.version().then(
      (v) =>
        log("app").info("Ollama {version} answers at {url}", { version: v, url: config.ollamaUrl }),
      () =>
        log("app").warn(
          "Ollama does not answer at {url}; start it with 'ollama serve' (the app keeps running)",
          { url: config.ollamaUrl },
        ),
    );
  }
  if (config.openBrowser) openBrowser(url);
  const sweep = () => services.conversations.sweep().catch(() => 0);
  sweep();
  const sweeper = setInterval(sweep, 60 * 60 * 1000);
  Deno.unrefTimer(sweeper);
  const stop = () => shutdown.abort();
  Deno.addSignalListener("SIGINT", stop);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
  await new Promise<void>((resolve) =>
    shutdown.signal.addEventListener("abort", () => resolve(), { once: true })
  );
  log("app").info("Shutting down");
  clearInterval(sweeper);
  for (const c of services.inflight) c.abort();
  await server.finished;
  closeServices(services);
  await closeLogging();
  return 0;
}

/** Runs the command line: `serve` (default) and, later, script commands. Returns the exit code. */
export async function runCli(args: string[], createApp: (s: Services) => Fetcher): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    stdout(HELP);
    return 0;
  }
  if (args.includes("--version")) {
    stdout(APP_VERSION);
    return 0;
  }
  const [command, ...rest] = args[0] && !args[0].startsWith("-")
    ? [args[0], ...args.slice(1)]
    : ["serve", ...args];
  try {
    if (command === "serve") return await serve(rest, createApp);
    stderr(`promptsmith: unknown command "${command}"; see --help`);
    return 2;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      stderr(`promptsmith: ${err.message}`);
      return 2;
    }
    stderr(`promptsmith: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
