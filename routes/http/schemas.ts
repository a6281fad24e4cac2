import { z } from "zod";
import { MAX_BATCH, SWEEP_FIELDS } from "../../lib/batch/batch.ts";

/** Longest idea or chat message accepted, in characters. */
export const MAX_TEXT = 8000;

const Id = z.string().trim().max(100);

const Options = z.record(z.string().max(100), Id);

/** Every key `selections` may hold: ours, then the original app's level names (same meaning). */
const SELECTION_FIELDS = {
  pack: Id.optional(),
  category: Id.optional(),
  type: Id.optional(),
  artist: Id.optional(),
  technical: Options.optional(),
  specifics: Options.optional(),
  universal: z.record(z.string().max(100), z.union([Id, z.array(Id).max(20)])).optional(),
  level1: Id.optional(),
  level2: Id.optional(),
  level3: Id.optional(),
  level4: Options.optional(),
  level5: Options.optional(),
};

const KnownSelections = z.object(SELECTION_FIELDS);

/**
 * Hierarchical selections as requests carry them, in our keys or the original's (`lib/prompt`
 * maps them). A key that is neither is refused by name, never dropped: a misspelt level would
 * otherwise vanish and the answer would look right.
 */
export const SelectionsSchema = z.looseObject(SELECTION_FIELDS).superRefine((value, ctx) => {
  for (const key of Object.keys(value)) {
    if (Object.hasOwn(SELECTION_FIELDS, key)) continue;
    ctx.addIssue({
      code: "custom",
      path: [key],
      message: `unknown key; use one of ${Object.keys(SELECTION_FIELDS).join(", ")}`,
    });
  }
}).transform((value) => value as z.infer<typeof KnownSelections>);

const PresetName = z.string().max(200).nullish().transform((v) => v ?? undefined);

/** Fields shared by every generation request: target, LLM, presets and sampling options. */
export const GenerationFields = {
  model: z.string().trim().min(1).max(40).optional(),
  // "" (or null) means the default model, as in the original app, whose page sends "" when
  // Ollama could not list its models. OpenAI-compatible servers name models as Ollama does, as
  // org/name (vLLM, LM Studio), or by the model file's path (llama-server, on Windows too).
  ollama_model: z.string().trim().max(200).regex(
    /^([\w.:/@+\\-]+)?$/,
    "must be a model name the LLM server lists, such as qwen3:latest",
  ).nullish().transform((v) => v || undefined),
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

/** A `session_id` field: one a previous reply gave. */
export const SessionField = z.string().regex(
  /^[A-Za-z0-9_-]{16,64}$/,
  "must be the session_id a previous reply gave",
).optional();

/** `POST /chat` bodies. */
export const ChatSchema = z.object({
  message: z.string().trim().min(1).max(MAX_TEXT),
  ...GenerationFields,
  session_id: SessionField,
  dry_run: z.boolean().optional(),
});

/** `POST /persona-chat` bodies. */
export const PersonaChatSchema = z.object({
  message: z.string().trim().min(1).max(MAX_TEXT),
  persona_id: z.string().trim().min(1).max(100),
  ...GenerationFields,
  session_id: SessionField,
  dry_run: z.boolean().optional(),
});

const BatchText = z.string().trim().min(1).max(MAX_TEXT);

/** `POST /generate-batch` bodies: `inputs`, or `input` with `variations` or `sweep`. */
export const BatchSchema = z.object({
  inputs: z.array(BatchText).min(1).max(MAX_BATCH).optional(),
  input: BatchText.optional(),
  variations: z.number().int().min(1).max(50).optional(),
  sweep: z.partialRecord(z.enum(SWEEP_FIELDS), z.array(z.string().max(200)).min(1).max(20))
    .optional(),
  concurrency: z.number().int().min(1).max(4).optional(),
  engine: z.enum(["ollama", "composer"]).optional(),
  ...GenerationFields,
  dry_run: z.boolean().optional(),
});

/** `POST /api/comfyui/send` bodies. */
export const SendSchema = z.object({
  workflow_id: z.number().int().positive(),
  history_id: z.number().int().positive().optional(),
  positive: z.string().trim().min(1).max(20_000).optional(),
  negative: z.string().max(20_000).nullish(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  unload_llm: z.boolean().optional(),
});

/** `POST /api/tokens` bodies: the text to count and the target whose encoders count it. */
export const TokensSchema = z.object({
  text: z.string().min(1).max(20_000),
  model: z.string().trim().min(1).max(40).optional(),
  /** Words that must reach every encoder (LoRA triggers, the subject): warned about when late. */
  important: z.array(z.string().trim().min(1).max(200)).max(20).optional(),
  chunk_rule: z.enum(["comfyui", "a1111"]).optional(),
});
