import { HISTORY_MODES } from "../../lib/history/store.ts";
import { AppError, badInput } from "../../lib/app/errors.ts";

const MODES: readonly string[] = HISTORY_MODES;

/** Parses the `/history` query; every problem is a 400 that names the parameter. */
export function parseHistoryQuery(q: Record<string, string | undefined>) {
  const int = (
    name: string,
    raw: string | undefined,
    min: number,
    max: number,
    fallback: number,
  ) => {
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      throw new AppError(
        400,
        `Invalid ${name}`,
        `${name} must be a whole number from ${min} to ${max}`,
        "invalid_input",
      );
    }
    return n;
  };
  const limit = int("limit", q.limit, 1, 200, 50);
  const offset = int("offset", q.offset, 0, 100_000_000, 0);
  let favorite: boolean | undefined;
  if (q.favorite !== undefined && q.favorite !== "") {
    if (!["true", "false", "1", "0"].includes(q.favorite)) {
      throw badInput("favorite must be true or false");
    }
    favorite = q.favorite === "true" || q.favorite === "1";
  }
  if (q.mode && !MODES.includes(q.mode)) throw badInput(`mode must be one of ${MODES.join(", ")}`);
  if (q.q !== undefined && q.q.length > 500) {
    throw badInput("q is too long: at most 500 characters");
  }
  return {
    limit,
    offset,
    favorite,
    mode: q.mode || undefined,
    model: q.model || undefined,
    q: q.q?.trim() || undefined,
  };
}
