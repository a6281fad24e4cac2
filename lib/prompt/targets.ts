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

/** System prompt templates by `<style>_<mode>`, read on first use and again on reload. */
let templates = new Map<string, string>();

function template(name: string): string {
  let t = templates.get(name);
  if (t === undefined) {
    t = readBundledText(`presets/prompts/${name}.md`).trim();
    templates.set(name, t);
  }
  return t;
}

const MODES: PromptMode[] = ["oneshot", "chat"];

/**
 * Reads `presets/targets.json` and every system prompt template again and puts them in use:
 * `targets` (the list the app holds) gets the new contents. Everything is read and checked
 * before anything changes, so a broken file throws its problem and the old prompts stay.
 * Returns the prompts now in use as the original app named them: `flux`, `flux_chat`, ….
 */
export function reloadSystemPrompts(targets: Target[], read = readBundledText): string[] {
  let fresh: Target[];
  try {
    fresh = loadTargets(read("presets/targets.json"));
  } catch (err) {
    const message = (err as Error).message;
    throw new Error(
      message.startsWith("presets/targets.json") ? message : `presets/targets.json: ${message}`,
    );
  }
  const texts = new Map<string, string>();
  for (const style of TargetSchema.shape.style.options) {
    for (const mode of MODES) {
      const file = `presets/prompts/${style}_${mode}.md`;
      const text = read(file).trim();
      if (!text) throw new Error(`${file}: the prompt is empty`);
      texts.set(`${style}_${mode}`, text);
    }
  }
  templates = texts;
  targets.splice(0, targets.length, ...fresh);
  return [...fresh.map((t) => t.id), ...fresh.map((t) => `${t.id}_chat`)];
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
