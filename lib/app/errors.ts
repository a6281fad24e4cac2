/** The JSON error body every failing route returns, as the API contract fixes it. */
export interface ErrorBody {
  error: string;
  message: string;
  status: number;
  type?: string;
}

/**
 * Where the valid choices for a field are listed. `lib/` names the list; each front end says how
 * to see it (an API route, a command, a part of the page).
 */
export type Lookup =
  | { list: "legacy"; category: string }
  | { list: "packs" }
  | { list: "categories" }
  | { list: "types"; category: string }
  | { list: "artists"; category: string; type: string }
  | {
    list: "options";
    category: string;
    type: string;
    artist: string;
    level: "technical" | "specifics";
  }
  | { list: "personas" }
  | { list: "targets" }
  | { list: "workflows" }
  | { list: "export" };

/** An error that carries its HTTP status, short title and machine type, so routes can just throw it. */
export class AppError extends Error {
  readonly status: number;
  readonly title: string;
  readonly type: string | undefined;
  /** Extra response headers, such as Retry-After. */
  readonly headers: Record<string, string>;
  /** Extra fields for the error body, such as per-node validation errors. */
  extra: Record<string, unknown> = {};
  /** Where the valid choices are listed, when the error is about a choice. */
  lookup: Lookup | undefined;

  constructor(
    status: number,
    title: string,
    message: string,
    type?: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AppError";
    this.status = status;
    this.title = title;
    this.type = type;
    this.headers = headers;
  }

  /** The reply body for this error. */
  toBody(): ErrorBody {
    const body: ErrorBody = {
      ...this.extra,
      error: this.title,
      message: this.message,
      status: this.status,
    };
    if (this.type) body.type = this.type;
    return body;
  }
}

/** A 400 for a request field that is missing or wrong; the message names the field. */
export function badInput(message: string, type = "invalid_input", lookup?: Lookup): AppError {
  const err = new AppError(400, "Invalid input", message, type);
  err.lookup = lookup;
  return err;
}

/** A 404 for an id that names nothing. */
export function notFound(title: string, message: string, lookup?: Lookup): AppError {
  const err = new AppError(404, title, message, "not_found");
  err.lookup = lookup;
  return err;
}
