import { z } from "zod";
import { readBundledText } from "../app/bundled.ts";
import { formatZodIssue } from "../app/validation.ts";
import { notFound } from "../app/errors.ts";

const PersonaSchema = z.object({
  name: z.string().min(1),
  icon: z.string().min(1),
  category: z.string().min(1),
  description: z.string().min(1),
  features: z.array(z.string()).min(1),
  best_for: z.string().min(1),
  supports_presets: z.boolean(),
  supports_quick_generate: z.boolean(),
  supports_streaming: z.boolean(),
  nsfw: z.boolean().optional(),
  prompt_file: z.string().regex(/^[a-z0-9_]+\.md$/),
});

/** A persona as listed: everything but its system prompt. */
export type Persona = z.infer<typeof PersonaSchema> & { id: string };

/** The personas and their system prompts, validated at start and on `reload()`. */
export class PersonaBook {
  readonly #readJson: () => string;
  readonly #readPrompt: (file: string) => string;
  #personas: Persona[] = [];
  #prompts = new Map<string, string>();

  constructor(
    readJson = () => readBundledText("presets/personas.json"),
    readPrompt = (file: string) => readBundledText(`presets/personas/${file}`),
  ) {
    this.#readJson = readJson;
    this.#readPrompt = readPrompt;
    this.reload();
  }

  /** Reads the personas and their prompts again; on a bad file it throws and keeps the old ones. */
  reload(): void {
    let json: unknown;
    try {
      json = JSON.parse(this.#readJson());
    } catch (err) {
      throw new Error(`presets/personas.json: not valid JSON (${(err as Error).message})`);
    }
    const parsed = z.record(z.string().regex(/^[a-z0-9_]+$/), PersonaSchema).safeParse(json);
    if (!parsed.success) {
      throw new Error(`presets/personas.json: ${formatZodIssue(parsed.error.issues[0]!)}`);
    }
    const personas = Object.entries(parsed.data).map(([id, p]) => ({ id, ...p }));
    const prompts = new Map<string, string>();
    for (const p of personas) {
      const text = this.#readPrompt(p.prompt_file).trim();
      if (!text) throw new Error(`presets/personas/${p.prompt_file}: the prompt is empty`);
      prompts.set(p.id, text);
    }
    this.#personas = personas;
    this.#prompts = prompts;
  }

  /** Personas keyed by id, adult ones only when enabled. */
  list(nsfw: boolean): Record<string, Persona> {
    return Object.fromEntries(this.#personas.filter((p) => nsfw || !p.nsfw).map((p) => [p.id, p]));
  }

  /** One persona with its system prompt, or the spec's 404. */
  get(id: string, nsfw: boolean): Persona & { system_prompt: string } {
    const p = this.#personas.find((x) => x.id === id && (nsfw || !x.nsfw));
    if (!p) {
      throw notFound("Persona not found", `No persona with id "${id}"`, { list: "personas" });
    }
    return { ...p, system_prompt: this.#prompts.get(p.id)! };
  }
}
