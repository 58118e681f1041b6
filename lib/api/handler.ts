import "server-only";
import type { z } from "zod";
import type { Viewer } from "@/lib/auth/viewer";
import { authenticateApiToken } from "@/lib/data/tokens";
import { AppError, fieldErrorsFromIssues } from "@/lib/errors";
import { log, requestIdFrom, withLogContext } from "@/lib/log";
import { unstorableTextIssues } from "@/lib/validation/text";
import { errorResponse } from "./respond";

const MAX_JSON_BYTES = 1024 * 1024;

interface Args<P> {
  req: Request;
  params: P;
}

type RouteContext<P> = { params: Promise<P> };

/** The viewer named by the request's bearer token, or an `unauthorized` error. */
async function requireApiViewer(req: Request): Promise<Viewer> {
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AppError("unauthorized", "Send a bearer token: Authorization: Bearer <token>.");
  const viewer = await authenticateApiToken(match[1]!);
  if (!viewer) throw new AppError("unauthorized", "The token is invalid, expired or revoked.");
  return viewer;
}

/**
 * The viewer of a request that carries no bearer token but the dashboard's session cookie
 * (uploads and previews from the browser). Writes must come from our own pages: the browser's
 * Origin must match, so another site cannot ride on the cookie.
 */
async function sessionViewer(req: Request): Promise<Viewer | null> {
  if (!["GET", "HEAD"].includes(req.method)) {
    const origin = req.headers.get("origin");
    const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
    if (!origin || !host || new URL(origin).host !== host) return null;
  }
  const { getSessionUser } = await import("@/lib/auth/session");
  const user = await getSessionUser();
  return user ? { userId: user.id } : null;
}

/** The response with `X-Request-Id` set (copied when its headers are immutable). */
function withRequestId(res: Response, requestId: string): Response {
  try {
    res.headers.set("X-Request-Id", requestId);
    return res;
  } catch {
    const headers = new Headers(res.headers);
    headers.set("X-Request-Id", requestId);
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  }
}

/**
 * Runs one API request with a request id (the caller's `X-Request-Id` if sane, else a new one)
 * in the log context, so every line logged while handling it carries the id; logs one line
 * for the request (method, path, status, ms — never the query string, headers or a subscriber's
 * token) and echoes the id.
 */
async function observe(req: Request, handle: (who: { userId?: string }) => Promise<Response>): Promise<Response> {
  const requestId = requestIdFrom(req.headers.get("x-request-id"));
  const started = performance.now();
  return withLogContext({ requestId }, async () => {
    const who: { userId?: string } = {};
    let res: Response;
    try {
      res = await handle(who);
    } catch (err) {
      res = errorResponse(err);
    }
    const fields = {
      method: req.method,
      // A subscriber's token is a credential: never in a log line.
      path: new URL(req.url).pathname.replace(/^\/s\/[^/]+/, "/s/[token]"),
      status: res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      userId: who.userId,
    };
    if (res.status >= 500) log.warn("request failed", fields);
    else log.info("request", fields);
    return withRequestId(res, requestId);
  });
}

/**
 * A route handler that needs a bearer token (or, with `allowSession`, the dashboard's session);
 * errors of any kind become JSON errors.
 */
export function authed<P = Record<string, never>>(
  fn: (args: Args<P> & { viewer: Viewer }) => Promise<Response>,
  opts: { allowSession?: boolean } = {},
) {
  return (req: Request, ctx: RouteContext<P>) =>
    observe(req, async (who) => {
      const viewer =
        opts.allowSession && !req.headers.has("authorization")
          ? ((await sessionViewer(req)) ?? (await requireApiViewer(req)))
          : await requireApiViewer(req);
      who.userId = viewer.userId;
      return await fn({ req, params: await ctx.params, viewer });
    });
}

/** A route handler open to anyone; errors of any kind become JSON errors. */
export function open<P = Record<string, never>>(fn: (args: Args<P>) => Promise<Response>) {
  return (req: Request, ctx: RouteContext<P>) => observe(req, async () => fn({ req, params: await ctx.params }));
}

/**
 * Validates `value` with `schema`; failures are `invalid` with per-field messages. Text no field
 * may hold (control characters, lone surrogates: lib/validation/text.ts) fails on its field too.
 */
function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const textIssues = unstorableTextIssues(value);
  const result = schema.safeParse(value);
  if (!result.success || textIssues.length) {
    throw new AppError("invalid", "Some fields are not valid.", { fields: fieldErrorsFromIssues([...textIssues, ...(result.error?.issues ?? [])]) });
  }
  return result.data;
}

/** The request's JSON body validated by `schema`: 415 for another type, 400 if malformed, 422 if invalid. */
export async function readJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new AppError("unsupported_media", "Send the body as JSON with Content-Type: application/json.");
  }
  const length = Number(req.headers.get("content-length") ?? 0);
  if (length > MAX_JSON_BYTES) throw new AppError("too_large", "The JSON body is larger than 1 MB.");
  const text = await readTextLimited(req, MAX_JSON_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The body is not valid JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new AppError("bad_request", "The body must be a JSON object.");
  }
  return parseWith(schema, body);
}

/** The body as text, refusing it as soon as it passes `limit` bytes (whatever Content-Length said). */
export async function readTextLimited(req: Request, limit: number, tooLargeMessage = "The JSON body is larger than 1 MB."): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new AppError("too_large", tooLargeMessage);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Query-string parameters validated by `schema`. */
export function readQuery<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  return parseWith(schema, Object.fromEntries(new URL(req.url).searchParams));
}
