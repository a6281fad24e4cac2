import type { z } from "zod";

/** One readable line for a schema problem: the JSON path, then what is wrong. */
export function formatZodIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length ? issue.path.map(String).join(".") : "(root)";
  return `${path}: ${issue.message}`;
}
