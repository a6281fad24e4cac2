import { z } from "zod";
import { GenerationFields, MAX_TEXT } from "./schemas.ts";

/** `POST /api/images/prompt` and `/prompt-stream`, besides the image itself. */
export const ImagePromptSchema = z.object({
  /** Direction added to the picture ("as a Ghibli still"); optional. */
  input: z.string().trim().max(MAX_TEXT).optional(),
  ...GenerationFields,
  dry_run: z.boolean().optional(),
});

/** `POST /api/images/read`, besides the image itself. */
export const ImageReadSchema = z.object({
  /** Keep the reading in history, with a thumbnail. */
  save: z.boolean().optional(),
  /** The target a saved reading is filed under (default flux). */
  model: z.string().trim().min(1).max(40).optional(),
});
