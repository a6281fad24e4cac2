/** The JSON error body every failing route returns, as the API contract fixes it. */
export interface ErrorBody {
  error: string;
  message: string;
  status: number;
  type?: string;
}

/** An error that carries its HTTP status, short title and machine type, so routes can just throw it. */
export class AppError extends Error {
  readonly status: number;
  readonly title: string;
  readonly type: string | undefined;
  /** Extra response headers, such as Retry-After. */
  readonly headers: Record<string, string>;
  /** Extra fields for the error body, such as per-node validation errors. */
  extra: Record<string, unknown> = {};

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
export function badInput(message: string, type = "invalid_input"): AppError {
  return new AppError(400, "Invalid input", message, type);
}

/** A 404 for an id that names nothing. */
export function notFound(title: string, message: string): AppError {
  return new AppError(404, title, message, "not_found");
}
