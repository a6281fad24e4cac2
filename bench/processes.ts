/**
 * The benchmark's processes: the fake Ollama, the app as users run it, and the checks that they
 * are up and stopped. Shared by `bench/main.ts` and `bench/ttft_floor.ts`.
 */
import { join } from "node:path";
import { serverV8Flags } from "../scripts/v8_flags.ts";

const root = new URL("../", import.meta.url).pathname;

/** Temporary folders made by `benchTempDir` and not removed yet. */
const tempDirs = new Set<string>();

/**
 * Removes every temporary folder still listed. A section that throws (an unhandled rejection at
 * top level, an error in a callback) or a run stopped with Ctrl+C skips the sections' own
 * clean-up; Deno ends the child processes as it exits, but seeded histories of up to a million
 * rows stayed in the temporary directory.
 */
function removeTempDirsNow(): void {
  for (const dir of tempDirs) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // Already removed.
    }
  }
}
globalThis.addEventListener("unhandledrejection", removeTempDirsNow);
globalThis.addEventListener("error", removeTempDirsNow);
// A signal listener does not keep the process alive, so a run that ends normally still exits.
Deno.addSignalListener("SIGINT", () => {
  removeTempDirsNow();
  Deno.exit(130);
});

/** A temporary folder that is removed however the benchmark ends (see `removeTempDir`). */
export async function benchTempDir(prefix: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  tempDirs.add(dir);
  return dir;
}

/** Removes a folder made by `benchTempDir`. */
export async function removeTempDir(dir: string): Promise<void> {
  tempDirs.delete(dir);
  await Deno.remove(dir, { recursive: true });
}

/** A loopback port nobody listens on right now. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Waits until `url` answers 2xx; returns how long that took, in ms. */
export async function waitUp(url: string, timeoutMs = 20_000): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      if (res.ok) return performance.now() - t0;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${url} did not come up`);
}

/** The fake Ollama in its own process, sending stamped tokens `tokenDelayMs` apart. */
export function spawnFake(
  port: number,
  tokenDelayMs: number,
  tokens: number,
  sharedClock = true,
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(root, "tests/fakes/fake_ollama.ts")],
    env: {
      FAKE_OLLAMA_PORT: String(port),
      FAKE_OLLAMA_TOKEN_DELAY_MS: String(tokenDelayMs),
      FAKE_OLLAMA_STAMP: "1",
      FAKE_OLLAMA_STAMP_TOKENS: String(tokens),
      FAKE_OLLAMA_STAMP_SHARED_CLOCK: sharedClock ? "1" : "0",
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** The app runs with the V8 flags users get from `deno task start` and the binary. */
const V8_FLAGS = serverV8Flags();

/** The app from source in its own process, at its default settings except the ones named. */
export function spawnApp(port: number, ollamaPort: number, dataDir: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...V8_FLAGS,
      join(root, "main.ts"),
      "--no-open",
      "--port",
      String(port),
    ],
    env: {
      OLLAMA_URL: `http://127.0.0.1:${ollamaPort}`,
      DATA_DIR: dataDir,
      // The default log level, as users run it, whatever the caller's shell says; no start-up
      // check of the fake.
      LOG_LEVEL: "INFO",
      OLLAMA_STARTUP_CHECK: "false",
      MAX_GENERATIONS_PER_CLIENT: "10000",
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** Stops a child process and waits for it. */
export async function stop(child: Deno.ChildProcess | undefined): Promise<void> {
  if (!child) return;
  try {
    child.kill("SIGTERM");
  } catch {
    // Already gone.
  }
  await child.status;
}
