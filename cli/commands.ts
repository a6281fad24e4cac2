import { closeServices, openServices, type Services } from "../lib/app/services.ts";
import { intFlag, parseArgs, UsageError } from "./args.ts";
import { type Fetcher, resolveConfig } from "./serve.ts";
import { LEGACY_CATEGORIES } from "../lib/presets/catalog.ts";
import { forCommandLine } from "./messages.ts";

/** Help for `generate`. */
export const GENERATE_HELP = `promptsmith generate: write one prompt and print it.

Usage: promptsmith generate "<idea>" [options]

  --target ID          target image model: flux (default), sdxl, pony, sd15, sd3
  --style NAME         a style preset (see: promptsmith presets styles); also --artist,
                       --composition, --lighting
  --pack ID            a preset pack (see: promptsmith presets packs)
  --ollama-model M     the LLM to use (default: OLLAMA_MODEL)
  --engine composer    build the prompt without an LLM
  --seed N             same seed and inputs give the same prompt
  --temperature T      0 to 2
  --json               print the whole reply as JSON instead of streaming the text
  --positive-only, -q  print only the positive prompt, on one line (for pipes)

The prompt streams to stdout as it arrives. Exit codes: 0 ok, 1 Ollama failed, 2 usage error.
Example: promptsmith generate -q "a fox in the snow" --target sdxl | xclip -selection c`;

/** Help for `history`. */
export const HISTORY_HELP = `promptsmith history: list or search saved prompts, newest first.

Usage: promptsmith history [--search Q] [--limit N] [--favorites] [--json]`;

/** Help for `presets`. */
export const PRESETS_HELP = `promptsmith presets: list the presets.

Usage: promptsmith presets [category]

  (no category)   a summary of every kind
  styles | artists | composition | lighting | packs | targets | categories
  <category id>   the types and artists of a hierarchical category, e.g. photography`;

const encoder = new TextEncoder();

function out(text: string): void {
  Deno.stdout.writeSync(encoder.encode(text));
}

async function withApp<T>(
  createApp: (s: Services) => Fetcher,
  fn: (
    call: (path: string, init?: RequestInit) => Promise<Response>,
    services: Services,
  ) => Promise<T>,
): Promise<T> {
  const services = await openServices(resolveConfig({ open: false }));
  const app = createApp(services);
  try {
    return await fn(
      async (path, init) => await app.fetch(new Request(`http://localhost${path}`, init)),
      services,
    );
  } finally {
    closeServices(services);
  }
}

/** An upstream or API error: one line to stderr, exit code 1 (or 2 for bad input). */
class CommandFailure extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
  }
}

async function failure(res: Response): Promise<CommandFailure> {
  const body = await res.json().catch(() => ({}));
  const message = forCommandLine(body.message ?? `HTTP ${res.status}`);
  return new CommandFailure(
    message,
    res.status >= 400 && res.status < 500 && res.status !== 404 ? 2 : 1,
  );
}

/** `generate`: streams a prompt to stdout, or prints the JSON reply. */
export async function generate(
  args: string[],
  createApp: (s: Services) => Fetcher,
): Promise<number> {
  // -q is the one short option: the positive prompt alone, for piping.
  const expanded = args.map((a) => a === "-q" ? "--positive-only" : a);
  const { positional, flags } = parseArgs(expanded, {
    target: "value",
    style: "value",
    artist: "value",
    composition: "value",
    lighting: "value",
    pack: "value",
    "ollama-model": "value",
    engine: "value",
    seed: "value",
    temperature: "value",
    json: "switch",
    "positive-only": "switch",
  }, "generate");
  if (flags.json && flags["positive-only"]) {
    throw new UsageError("generate: use either --json or --positive-only, not both");
  }
  const idea = positional.join(" ").trim();
  if (!idea) {
    throw new UsageError(
      'generate: give the idea in quotes, e.g. promptsmith generate "a fox in the snow"',
    );
  }
  if (flags.engine !== undefined && flags.engine !== "composer" && flags.engine !== "ollama") {
    throw new UsageError("generate: --engine must be composer or ollama");
  }
  const temperature = flags.temperature === undefined ? undefined : Number(flags.temperature);
  if (temperature !== undefined && !Number.isFinite(temperature)) {
    throw new UsageError("generate: --temperature must be a number from 0 to 2");
  }
  const body: Record<string, unknown> = { input: idea, model: flags.target ?? "flux" };
  for (const key of ["style", "artist", "composition", "lighting"]) {
    if (flags[key]) body[key] = flags[key];
  }
  if (flags.pack) body.selections = { pack: flags.pack };
  if (flags["ollama-model"]) body.ollama_model = flags["ollama-model"];
  if (flags.engine) body.engine = flags.engine;
  if (flags.seed !== undefined) body.seed = intFlag(flags.seed, "seed", 0, 2_147_483_647);
  if (temperature !== undefined) body.temperature = temperature;
  return await withApp(createApp, async (call) => {
    const init = {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    };
    if (flags.json || flags["positive-only"]) {
      const res = await call("/generate", init);
      if (!res.ok) throw await failure(res);
      const body = await res.json();
      if (flags.json) out(`${JSON.stringify(body, null, 2)}\n`);
      else out(`${String(body.positive || body.result).replace(/\s*\n\s*/g, " ").trim()}\n`);
      return 0;
    }
    const res = await call("/generate-stream", init);
    if (!res.ok) throw await failure(res);
    const reader = res.body!.pipeThrough(
      new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>,
    )
      .getReader();
    let buffer = "";
    let wrote = false;
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6))
          .join("\n");
        if (!data) continue;
        const event = JSON.parse(data);
        if (typeof event.token === "string") {
          out(event.token);
          wrote = true;
        } else if (event.error) {
          if (wrote) out("\n");
          throw new CommandFailure(forCommandLine(event.error), 1);
        } else if (event.done) {
          out("\n");
          return 0;
        }
      }
    }
    throw new CommandFailure("the stream ended early", 1);
  });
}

/** `history`: prints saved prompts. */
export async function history(
  args: string[],
  createApp: (s: Services) => Fetcher,
): Promise<number> {
  const { positional, flags } = parseArgs(args, {
    search: "value",
    limit: "value",
    favorites: "switch",
    json: "switch",
  }, "history");
  if (positional.length) {
    throw new UsageError(
      `history: unexpected "${positional[0]}"; use --search "${positional.join(" ")}"`,
    );
  }
  const limit = intFlag(flags.limit, "limit", 1, 200) ?? 20;
  const params = new URLSearchParams({ limit: String(limit) });
  if (flags.search) params.set("q", String(flags.search));
  if (flags.favorites) params.set("favorite", "true");
  return await withApp(createApp, async (call) => {
    const res = await call(`/history?${params}`);
    if (!res.ok) throw await failure(res);
    const body = await res.json();
    if (flags.json) {
      out(`${JSON.stringify(body, null, 2)}\n`);
      return 0;
    }
    if (!body.history.length) {
      out(flags.search ? `Nothing matches "${flags.search}".\n` : "No history yet.\n");
      return 0;
    }
    for (const e of body.history) {
      out(
        `#${e.id}  ${e.timestamp.slice(0, 16).replace("T", " ")}  ${e.model}  ${
          e.favorite ? "★ " : ""
        }${e.user_input}\n`,
      );
      out(`    ${(e.positive || e.generated_output).replace(/\s*\n\s*/g, " ")}\n`);
      if (e.negative) out(`    negative: ${e.negative}\n`);
    }
    out(`${body.count} of ${body.total}${body.total_capped ? "+" : ""}\n`);
    return 0;
  });
}

/** `presets`: lists preset names and ids. */
export async function presets(
  args: string[],
  createApp: (s: Services) => Fetcher,
): Promise<number> {
  const { positional } = parseArgs(args, {}, "presets");
  const which = positional[0];
  return await withApp(createApp, (_call, services) => {
    const catalog = services.presets.get(services.config.enableNsfwPresets);
    if (!which) {
      for (const cat of LEGACY_CATEGORIES) {
        out(`${cat.padEnd(12)} ${Object.keys(catalog.legacy[cat]).length}\n`);
      }
      out(`${"packs".padEnd(12)} ${catalog.packs.length}\n`);
      out(`${"categories".padEnd(12)} ${catalog.categories.length}\n`);
      out(`${"targets".padEnd(12)} ${services.targets.length}\n`);
      out(`Show one: promptsmith presets styles\n`);
      return Promise.resolve(0);
    }
    if ((LEGACY_CATEGORIES as readonly string[]).includes(which)) {
      for (
        const [name, p] of Object.entries(catalog.legacy[which as typeof LEGACY_CATEGORIES[number]])
      ) {
        out(`${name.padEnd(26)} ${p.text}\n`);
      }
    } else if (which === "packs") {
      for (const p of catalog.packs) out(`${p.id.padEnd(24)} ${p.name}: ${p.description}\n`);
    } else if (which === "targets") {
      for (const t of services.targets) out(`${t.id.padEnd(8)} ${t.name}: ${t.description}\n`);
    } else if (which === "categories") {
      for (const c of catalog.categories) {
        out(`${c.id.padEnd(20)} ${c.name} (${c.types.length} types)\n`);
      }
    } else {
      const cat = catalog.categories.find((c) => c.id === which);
      if (!cat) {
        throw new UsageError(
          `presets: unknown category "${which}"; use styles, artists, composition, lighting, packs, targets, categories or a category id`,
        );
      }
      for (const t of cat.types) {
        out(`${t.id}: ${t.name}\n`);
        for (const a of t.artists) out(`    ${a.id.padEnd(26)} ${a.name}\n`);
      }
    }
    return Promise.resolve(0);
  });
}

export { CommandFailure };
