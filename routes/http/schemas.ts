import { z } from "zod";

/** Longest idea or chat message accepted, in characters. */
export const MAX_TEXT = 8000;

const Id = z.string().trim().max(100);

/** Hierarchical selections as requests carry them. */
export const SelectionsSchema = z.object({
  pack: Id.optional(),
  category: Id.optional(),
  type: Id.optional(),
  artist: Id.optional(),
  technical: z.record(z.string().max(100), Id).optional(),
  specifics: z.record(z.string().max(100), Id).optional(),
  universal: z.record(z.string().max(100), z.union([Id, z.array(Id).max(20)])).optional(),
});

const PresetName = z.string().max(200).nullish().transform((v) => v ?? undefined);

/** Fields shared by every generation request: target, LLM, presets and Ollama options. */
export const GenerationFields = {
  model: z.string().trim().min(1).max(40).optional(),
  ollama_model: z.string().trim().min(1).max(200).regex(
    /^[\w.:/@+-]+$/,
    "must be an Ollama model name such as qwen3:latest",
  ).optional(),
  style: PresetName,
  artist: PresetName,
  composition: PresetName,
  lighting: PresetName,
  selections: SelectionsSchema.nullish().transform((v) => v ?? undefined),
  temperature: z.number().min(0, "must be between 0 and 2").max(2, "must be between 0 and 2")
    .optional(),
  seed: z.number().int("must be a whole number").min(0).max(2_147_483_647).optional(),
  keep_alive: z.union([
    z.number().int(),
    z.string().regex(
      /^-?\d+(\.\d+)?(ns|us|µs|ms|s|m|h)?$/,
      'must be seconds or a duration like "5m"',
    ),
  ]).optional(),
  think: z.boolean().optional(),
  protect: z.array(z.string().trim().min(1).max(200)).max(20).optional(),
};

/** `POST /generate` and `/generate-stream`. */
export const GenerateSchema = z.object({
  input: z.string().trim().min(1).max(MAX_TEXT),
  ...GenerationFields,
  dry_run: z.boolean().optional(),
  engine: z.enum(["ollama", "composer"]).optional(),
  fallback: z.enum(["composer", "none"]).optional(),
});

/** A validated generate request. */
export type GenerateRequest = z.infer<typeof GenerateSchema>;
