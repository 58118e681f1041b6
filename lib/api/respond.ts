import { NextResponse } from "next/server";
import { AppError, type AppErrorCode } from "@/lib/errors";
import { log } from "@/lib/log";

const STATUS: Record<AppErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media: 415,
  invalid: 422,
  rate_limited: 429,
  unavailable: 503,
  not_implemented: 501,
};

export interface ApiErrorBody {
  error: { code: AppErrorCode | "internal"; message: string; fields?: Record<string, string>; [k: string]: unknown };
}

/** A JSON response; dates become ISO strings. */
export function json(body: unknown, status = 200, headers?: HeadersInit) {
  const h = new Headers(headers);
  h.set("X-Content-Type-Options", "nosniff");
  return NextResponse.json(body, { status, headers: h });
}

/** The one mapping from any thrown value to an API error response. Unknown errors are logged, not shown. */
export function errorResponse(err: unknown, context = "api"): Response {
  if (err instanceof AppError) {
    const body: ApiErrorBody = { error: { code: err.code, message: err.message, ...err.details } };
    if (err.fields) body.error.fields = err.fields;
    const headers: Record<string, string> = {};
    if (err.code === "unauthorized") headers["WWW-Authenticate"] = 'Bearer realm="podcastpro"';
    if (err.code === "rate_limited" && typeof err.details?.retryAfter === "number") {
      headers["Retry-After"] = String(err.details.retryAfter);
    }
    return json(body, STATUS[err.code], headers);
  }
  log.error("unexpected error", { component: context, err });
  return json({ error: { code: "internal", message: "Something went wrong on our side. Please try again." } }, 500);
}
