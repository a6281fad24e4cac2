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

/** The personas and their system prompts, validated once at start. */
export class PersonaBook {
  readonly #personas: Persona[];
  readonly #prompts = new Map<string, string>();

  constructor(
    jsonText = readBundledText("presets/personas.json"),
    readPrompt = (file: string) => readBundledText(`presets/personas/${file}`),
  ) {
    const parsed = z.record(z.string().regex(/^[a-z0-9_]+$/), PersonaSchema).safeParse(
      JSON.parse(jsonText),
    );
    if (!parsed.success) {
      throw new Error(`presets/personas.json: ${formatZodIssue(parsed.error.issues[0]!)}`);
    }
    this.#personas = Object.entries(parsed.data).map(([id, p]) => ({ id, ...p }));
    for (const p of this.#personas) {
      const text = readPrompt(p.prompt_file).trim();
      if (!text) throw new Error(`presets/personas/${p.prompt_file}: the prompt is empty`);
      this.#prompts.set(p.id, text);
    }
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
