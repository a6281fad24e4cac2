import { z } from "zod";
import { readBundledText } from "../app/bundled.ts";
import { formatZodIssue } from "../app/validation.ts";

const TargetSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]+$/),
  name: z.string().min(1),
  family: z.string().min(1),
  style: z.enum(["prose", "tags"]),
  negative: z.boolean(),
  token_budget: z.number().int().positive(),
  encoder: z.string().min(1),
  description: z.string().min(1),
  quality_tags: z.array(z.string()),
  default_negative: z.array(z.string()),
  notes: z.string(),
});

/** A target image model: how its prompts are shaped and how many tokens its encoder reads. */
export type Target = z.infer<typeof TargetSchema>;

/** Generation modes, each with its own system prompt. */
export type PromptMode = "oneshot" | "chat";

/** Reads and validates `presets/targets.json`; throws with the file and JSON path on a bad edit. */
export function loadTargets(text = readBundledText("presets/targets.json")): Target[] {
  const parsed = z.object({ targets: z.array(TargetSchema).min(1) }).safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`presets/targets.json: ${formatZodIssue(parsed.error.issues[0]!)}`);
  }
  return parsed.data.targets;
}

const templates = new Map<string, string>();

function template(name: string): string {
  let t = templates.get(name);
  if (t === undefined) {
    t = readBundledText(`presets/prompts/${name}.md`).trim();
    templates.set(name, t);
  }
  return t;
}

/** The system prompt for a target and mode, filled from the target's data. */
export function systemPrompt(target: Target, mode: PromptMode): string {
  const words = Math.round(target.token_budget * 0.6);
  const values: Record<string, string> = {
    target_name: target.name,
    encoder: target.encoder,
    token_budget: String(target.token_budget),
    word_budget: String(words),
    quality_tags: target.quality_tags.length ? target.quality_tags.join(", ") : "(none)",
    default_negative: target.default_negative.join(", "),
    target_notes: target.notes ? `- ${target.notes}` : "",
    negative_instruction: target.negative
      ? `NEGATIVE: <a short comma-separated list of what to avoid, starting from: ${
        target.default_negative.join(", ")
      }>`
      : "",
  };
  return template(`${target.style}_${mode}`)
    .replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? "")
    .replace(/\n{3,}/g, "\n\n");
}
