import {
  closeServices,
  generationDeps,
  openServices,
  planContext,
  type Services,
} from "../lib/app/services.ts";
import { AppError } from "../lib/app/errors.ts";
import { type OneShotRequest, planOneShot } from "../lib/prompt/plans.ts";
import { generatePrompt, streamPrompt } from "../lib/generate/generate.ts";
import { asksForJson } from "../lib/generate/structured.ts";
import { intFlag, parseArgs, UsageError } from "./args.ts";
import { resolveConfig } from "./serve.ts";
import { cliHint } from "./lookup_hint.ts";
import { forCommandLine } from "./messages.ts";
import { LEGACY_CATEGORIES } from "../lib/presets/catalog.ts";
import { readPicture } from "./read_picture.ts";
import {
  generateImagePrompt,
  planImagePrompt,
  streamImagePrompt,
} from "../lib/generate/image_prompt.ts";
import type { GenerationEvent, GenerationResult } from "../lib/generate/generation.ts";
import { loadTargets } from "../lib/prompt/targets.ts";
import { joinLines } from "../lib/app/text_scan.ts";
import { PromptPrinter } from "./prompt_printer.ts";

/** The target ids, wrapped to fit the help's second column. */
function targetList(): string {
  const lines: string[] = [];
  let line = "target model:";
  const targets = loadTargets();
  for (const [i, t] of targets.entries()) {
    const item = `${t.id}${i === 0 ? " (default)" : ""}${i < targets.length - 1 ? "," : ""}`;
    if (line.length + item.length + 1 > 58) {
      lines.push(line);
      line = item;
    } else line = `${line} ${item}`;
  }
  lines.push(line);
  return lines.join(`\n${" ".repeat(23)}`);
}

/** Help for `generate`. */
export const GENERATE_HELP = `promptsmith generate: write one prompt and print it.

Usage: promptsmith generate "<idea>" [options]
       promptsmith generate --image photo.jpg ["<direction>"] [options]

  --image FILE         write the prompt from a picture (PNG, JPEG or WebP, up to 20 MB) with a
                       vision model (--ollama-model); the idea becomes optional direction
  --target ID          ${targetList()}
                       (see: promptsmith presets targets; old ids such as sd3 still work)
  --style NAME         a style preset (see: promptsmith presets styles); also --artist,
                       --composition, --lighting
  --pack ID            a preset pack (see: promptsmith presets packs)
  --ollama-model M     the LLM to use (default: LLM_MODEL)
  --engine composer    build the prompt without an LLM
  --seed N             same seed and inputs give the same prompt
  --temperature T      0 to 2
  --json               print the whole reply as JSON instead of streaming the text
  --positive-only, -q  print only the positive prompt, on one line (for pipes)

The prompt goes to stdout: on a terminal, a structured reply's values show as they arrive and the
final prompt replaces them; a pipe or a file gets only the final prompt, a blank line and the
negative. Notes and alternates go to stderr. Exit codes: 0 ok, 1 the LLM server failed, 2 usage error.
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

/** Writes to stdout without a newline (prompts stream word by word). */
export function out(text: string): void {
  Deno.stdout.writeSync(encoder.encode(text));
}

/** Runs `fn` with the app's services, closing them after. */
export async function withServices<T>(fn: (services: Services) => Promise<T>): Promise<T> {
  const services = await openServices(resolveConfig({ open: false }));
  try {
    return await fn(services);
  } finally {
    closeServices(services);
  }
}

/** An upstream or usage failure: one line to stderr, with the exit code it calls for. */
class CommandFailure extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
  }
}

/** A use case's error as the command line says it: the message and where to look, exit 1 or 2. */
export function failure(err: unknown): unknown {
  if (!(err instanceof AppError)) return err;
  const hint = err.lookup ? `; ${cliHint(err.lookup)}` : "";
  const message = forCommandLine(err.message);
  const usage = err.status >= 400 && err.status < 500 && err.status !== 404 &&
    err.status !== 429;
  return new CommandFailure(`${message}${hint}`, usage ? 2 : 1);
}

/** The command line's own (only) client of the use cases: one per process. */
const CLI_REQUESTER = { key: "cli", address: "cli" };

/** `generate`: streams a prompt to stdout, or prints the JSON reply. */
export async function generate(args: string[]): Promise<number> {
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
    image: "value",
    json: "switch",
    "positive-only": "switch",
  }, "generate");
  const idea = positional.join(" ").trim();
  const imagePath = typeof flags.image === "string" ? flags.image : undefined;
  if (imagePath && flags.engine === "composer") {
    throw new UsageError(
      "generate: --image needs an LLM that reads images; leave out --engine composer",
    );
  }
  if (!idea && !imagePath) {
    throw new UsageError(
      'generate: give the idea in quotes, e.g. promptsmith generate "a fox in the snow"',
    );
  }
  if (flags.json && flags["positive-only"]) {
    throw new UsageError("generate: use either --json or --positive-only, not both");
  }
  if (flags.engine !== undefined && flags.engine !== "composer" && flags.engine !== "ollama") {
    throw new UsageError("generate: --engine must be composer or ollama");
  }
  const temperature = flags.temperature === undefined ? undefined : Number(flags.temperature);
  if (
    temperature !== undefined && (!Number.isFinite(temperature) || temperature < 0 ||
      temperature > 2)
  ) {
    throw new UsageError("generate: --temperature must be a number from 0 to 2");
  }
  const request: OneShotRequest = { input: idea, model: String(flags.target ?? "flux") };
  for (const key of ["style", "artist", "composition", "lighting"] as const) {
    if (typeof flags[key] === "string") request[key] = flags[key] as string;
  }
  if (typeof flags.pack === "string") request.selections = { pack: flags.pack };
  if (typeof flags["ollama-model"] === "string") request.ollama_model = flags["ollama-model"];
  const seed = intFlag(flags.seed, "seed", 0, 2_147_483_647);
  if (seed !== undefined) request.seed = seed;
  if (temperature !== undefined) request.temperature = temperature;
  const engine = flags.engine === "composer" ? "composer" : "ollama";
  const picture = imagePath ? await readPicture(imagePath, "generate") : undefined;
  return await withServices(async (services) => {
    try {
      if (picture) {
        return await fromPicture(services, { ...request, input: idea }, picture, !!flags.json);
      }
      const plan = planOneShot(planContext(services), request);
      const deps = { ...generationDeps(services), slots: services.slots };
      const options = { engine, requester: CLI_REQUESTER } as const;
      if (flags.json || flags["positive-only"]) {
        const result = await generatePrompt(deps, plan, options);
        const ollama_model = result.engine === "ollama" ? plan.ollamaModel : null;
        if (flags.json) {
          out(`${JSON.stringify({ model: plan.target.id, ollama_model, ...result }, null, 2)}\n`);
        } else if (!result.positive && result.message) {
          // Only reasoning, or nothing: no prompt to pipe on, and the reason where a person sees it.
          Deno.stderr.writeSync(encoder.encode(`${result.message}\n`));
        } else out(`${joinLines(result.positive || result.result).trim()}\n`);
        return 0;
      }
      const cleanTokens = engine === "ollama" && asksForJson(plan, services.structured);
      await printStream(streamPrompt(deps, plan, options), cleanTokens);
      return 0;
    } catch (err) {
      throw failure(err);
    }
  });
}

/** Streams or prints events and results the way `generate` does. */
async function print(
  json: boolean,
  once: () => Promise<GenerationResult & Record<string, unknown>>,
  stream: () => AsyncGenerator<GenerationEvent>,
): Promise<number> {
  if (json) {
    out(`${JSON.stringify(await once(), null, 2)}\n`);
    return 0;
  }
  await printStream(stream(), false);
  return 0;
}

/** Prints a generation as `PromptPrinter` does, to this process's stdout and stderr. */
async function printStream(events: AsyncGenerator<GenerationEvent>, clean: boolean) {
  const printer = new PromptPrinter({
    write: out,
    note: (text) => Deno.stderr.writeSync(encoder.encode(`${text}\n`)),
    size: () => Deno.stdout.isTerminal() ? Deno.consoleSize() : null,
  }, clean);
  let finished = false;
  try {
    for await (const event of events) {
      printer.event(event);
      if ("done" in event) finished = true;
    }
  } finally {
    if (!finished) printer.abandon();
  }
}

/** `generate --image`: a vision model writes the prompt from the picture. */
async function fromPicture(
  services: Services,
  request: OneShotRequest,
  bytes: Uint8Array,
  json: boolean,
): Promise<number> {
  const deps = { ...generationDeps(services), slots: services.slots, images: services.images };
  const planned = await planImagePrompt(deps, planContext(services), request, bytes, {
    requester: CLI_REQUESTER,
  });
  const options = { requester: CLI_REQUESTER };
  return await print(
    json,
    async () => ({
      model: planned.plan.target.id,
      ollama_model: planned.plan.ollamaModel,
      ...await generateImagePrompt(deps, planned, options),
      image: planned.image,
      vision: planned.vision,
    }),
    () => streamImagePrompt(deps, planned, options),
  );
}

/** `history`: prints saved prompts. */
export async function history(args: string[]): Promise<number> {
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
  const search = typeof flags.search === "string" ? flags.search.trim() : undefined;
  return await withServices((services) => {
    try {
      const found = services.history.use().list({
        limit,
        q: search || undefined,
        favorite: flags.favorites ? true : undefined,
      });
      if (flags.json) {
        out(`${JSON.stringify({ count: found.history.length, ...found }, null, 2)}\n`);
        return Promise.resolve(0);
      }
      if (!found.history.length) {
        out(search ? `Nothing matches "${search}".\n` : "No history yet.\n");
        return Promise.resolve(0);
      }
      for (const e of found.history) {
        out(
          `#${e.id}  ${e.timestamp.slice(0, 16).replace("T", " ")}  ${e.model}  ${
            e.favorite ? "★ " : ""
          }${e.user_input}\n`,
        );
        out(`    ${joinLines(e.positive || e.generated_output)}\n`);
        if (e.negative) out(`    negative: ${e.negative}\n`);
      }
      out(`${found.history.length} of ${found.total}${found.total_capped ? "+" : ""}\n`);
      return Promise.resolve(0);
    } catch (err) {
      throw failure(err);
    }
  });
}

/** `presets`: lists preset names and ids. */
export async function presets(args: string[]): Promise<number> {
  const { positional } = parseArgs(args, {}, "presets");
  const which = positional[0];
  return await withServices((services) => {
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
      for (const t of services.targets) {
        out(`${t.id.padEnd(15)} ${t.name}: ${t.description}\n`);
      }
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
