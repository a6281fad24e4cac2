import { ConfigError } from "../lib/app/config.ts";
import type { Services } from "../lib/app/services.ts";
import { APP_VERSION } from "../lib/app/version.ts";
import { UsageError } from "./args.ts";
import { type Fetcher, serve, SERVE_HELP } from "./serve.ts";
import {
  CommandFailure,
  generate,
  GENERATE_HELP,
  history,
  HISTORY_HELP,
  presets,
  PRESETS_HELP,
} from "./commands.ts";
import { READ_IMAGE_HELP, readImageCommand } from "./image_commands.ts";

const HELP =
  `Promptsmith ${APP_VERSION}: turns short ideas into image prompts for Flux, SDXL and friends,
with a local LLM (Ollama, LM Studio, llama.cpp, vLLM…). Runs on your machine; nothing leaves it.

Usage: promptsmith [command] [options]

Commands:
  serve        run the web app and API, and open the browser (the default)
  generate     write one prompt and print it (from an idea, or a picture with --image;
               -q: only the positive prompt, for pipes)
  history      list or search saved prompts
  presets      list presets
  read-image   print the prompt a picture carries (A1111, ComfyUI)

Options of serve, which also work without the command name:
  --port N     port to listen on (default 5000 or PORT)
  --host H     address to bind (default 127.0.0.1 or HOST)
  --no-open    do not open the browser

Other options: --help (also after a command, e.g. promptsmith generate --help), --version
Configuration comes from the environment and .env files; see the README.`;

const COMMANDS: Record<string, {
  help: string;
  run: (args: string[], createApp: (s: Services) => Fetcher) => Promise<number>;
}> = {
  serve: { help: SERVE_HELP, run: serve },
  generate: { help: GENERATE_HELP, run: generate },
  history: { help: HISTORY_HELP, run: history },
  presets: { help: PRESETS_HELP, run: presets },
  "read-image": { help: READ_IMAGE_HELP, run: readImageCommand },
};

function print(line: string, toErr = false): void {
  // deno-lint-ignore no-console
  (toErr ? console.error : console.log)(line);
}

/** Runs the command line and returns the exit code: 0 ok, 1 upstream failure, 2 usage error. */
export async function runCli(args: string[], createApp: (s: Services) => Fetcher): Promise<number> {
  const first = args[0];
  const named = first !== undefined && !first.startsWith("-");
  const name = named ? first : "serve";
  const rest = named ? args.slice(1) : args;
  if (!named && (args.includes("--help") || args.includes("-h"))) {
    print(HELP);
    return 0;
  }
  if (!named && args.includes("--version")) {
    print(APP_VERSION);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    print(
      `promptsmith: unknown command "${name}"; commands are ${
        Object.keys(COMMANDS).join(", ")
      } (see --help)`,
      true,
    );
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    print(command.help);
    return 0;
  }
  try {
    return await command.run(rest, createApp);
  } catch (err) {
    // A closed pipe (e.g. `| head`) is the reader's choice, not a failure.
    if (err instanceof Deno.errors.BrokenPipe) return 0;
    if (err instanceof ConfigError || err instanceof UsageError) {
      print(`promptsmith: ${err.message}`, true);
      return 2;
    }
    if (err instanceof CommandFailure) {
      print(`promptsmith: ${err.message}`, true);
      return err.code;
    }
    print(`promptsmith: ${err instanceof Error ? err.message : String(err)}`, true);
    return 1;
  }
}
