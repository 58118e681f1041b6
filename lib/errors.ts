/**
 * The one error type the data layer throws for anything a user can cause, or for a server-side
 * failure it can explain (`unavailable`). Each boundary has a single mapper: HTTP
 * (lib/api/respond.ts), form state (lib/form-state.ts), Inngest (inngest/errors.ts).
 */
export type AppErrorCode =
  | "invalid" // 422: fields fail validation
  | "bad_request" // 400: malformed request
  | "unauthorized" // 401
  | "forbidden" // 403
  | "not_found" // 404, also for someone else's resource
  | "conflict" // 409
  | "too_large" // 413
  | "unsupported_media" // 415
  | "rate_limited" // 429
  | "unavailable" // 503: the server cannot do it (disk full, a stored file lost); the message blames the server
  | "not_implemented"; // 501: a protocol option we do not offer (e.g. oEmbed's format=xml)

export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly fields?: FieldErrors;
  readonly details?: Record<string, unknown>;

  constructor(
    code: AppErrorCode,
    message: string,
    opts: { fields?: FieldErrors; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    // The cause is for logs (e.g. the ENOSPC behind "the disk is full"), never shown.
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    this.fields = opts.fields;
    this.details = opts.details;
  }
}

export const notFound = (what = "Resource") => new AppError("not_found", `${what} not found.`);

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** zod issues → `{ field: message }`, first message per field. */
export function fieldErrorsFromIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".") || "_";
    fields[key] ??= issue.message;
  }
  return fields;
}
