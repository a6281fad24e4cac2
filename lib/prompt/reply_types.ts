/** How the target model reads a prompt: one paragraph, or a comma-separated tag list. */
export type PromptStyle = "prose" | "tags";

/** What the caller knows about the target and the turn. */
export interface ParseOptions {
  style: PromptStyle;
  /** Whether the target takes a negative prompt. */
  negative: boolean;
  /** Persona turns: only a marked prompt (label, heading, JSON, fence) counts as a prompt. */
  requireLabel?: boolean;
  /** Answer characters read after reasoning is split off (default 32 KiB); the rest is ignored. */
  maxChars?: number;
}

/** What a reply turned out to be. */
export type ReplyKind = "prompt" | "question" | "reasoning_only" | "empty";

/** A model's reply split into what goes in the Prompt box and everything else. */
export interface ParsedReply {
  /** The prompt, cleaned for the target's style; "" when the reply holds none. */
  positive: string;
  /** The negative prompt; null when the target takes none or the reply gave none. */
  negative: string | null;
  /** Further prompts the model offered (variations 2..n, "Alternate A/B"). */
  alternates: string[];
  /** Everything that is not a prompt: explanations, commentary, questions, settings. */
  notes: string | null;
  /** Whether the reply marked its prompt (a label, heading, lead-in naming it, JSON or fence). */
  labeled: boolean;
  kind: ReplyKind;
  /** Reasoning found inline (`<think>` blocks and their variants). */
  thinking: string | null;
}
