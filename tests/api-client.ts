/**
 * Calls the app's route handlers in-process with real Request objects, as Next would, so the
 * API contract is tested on both databases without a server.
 */
type Handler = (req: Request, ctx: { params: Promise<Record<string, unknown>> }) => Promise<Response>;

export interface ApiResult {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function call(
  handler: unknown,
  opts: { method?: string; path?: string; params?: Record<string, unknown>; token?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<ApiResult> {
  const headers = new Headers(opts.headers);
  if (opts.token) headers.set("authorization", `Bearer ${opts.token}`);
  let body: string | undefined = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const req = new Request(`http://localhost${opts.path ?? "/api/v1/x"}`, { method: opts.method ?? "GET", headers, body });
  const res = await (handler as Handler)(req, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}
