import { AppError } from "../../lib/app/errors.ts";
import { describeIssue } from "./request_body.ts";

/** A zod-like schema: what the form helper needs of one. */
export interface FormSchema<T> {
  safeParse(
    value: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: unknown[] } };
}

/**
 * Validates a form, turned into the API's request shape, with the API's own schema, so a page
 * shows the same message a script gets, under "Check the form".
 */
export function validateForm<T>(schema: FormSchema<T>, request: Record<string, unknown>): T {
  const parsed = schema.safeParse(request);
  if (!parsed.success) {
    throw new AppError(
      400,
      "Check the form",
      describeIssue(parsed.error.issues[0] as never, request),
      "invalid_input",
    );
  }
  return parsed.data;
}
