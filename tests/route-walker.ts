import fs from "node:fs";
import path from "node:path";

/**
 * The app's API routes and dashboard server actions, found by walking app/: shared by
 * tests/cross-user.test.ts and tests/role-matrix.test.ts, so a new route or action is probed by
 * both without editing either (and fails them until it has a row).
 */

export const ROOT = path.resolve(__dirname, "..");
export const API_DIR = path.join(ROOT, "app/api/v1");
export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

export function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

/** Every `route.ts` under `app/api/v1`, as "/segment/[param]/…" templates. */
export function apiRoutes() {
  return walk(API_DIR)
    .filter((f) => path.basename(f) === "route.ts")
    .map((file) => ({ file, template: "/" + path.relative(API_DIR, path.dirname(file)).split(path.sep).join("/") }))
    .map((r) => ({ ...r, template: r.template === "/." ? "/" : r.template }))
    .sort((x, y) => x.template.localeCompare(y.template));
}

/** Every exported function of every dashboard `actions.ts`, with the name of its first parameter. */
export async function serverActions() {
  const files = walk(path.join(ROOT, "app/dashboard")).filter((f) => path.basename(f) === "actions.ts");
  const found: { file: string; name: string; fn: (...args: unknown[]) => Promise<unknown>; arity: number; firstParam: string | undefined }[] = [];
  for (const file of files.sort()) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) {
      if (typeof fn !== "function") continue;
      const firstParam = /^(?:async\s+)?function\s*\w*\s*\(\s*(\w+)/.exec(fn.toString())?.[1];
      found.push({ file: path.relative(ROOT, file), name, fn: fn as (...args: unknown[]) => Promise<unknown>, arity: fn.length, firstParam });
    }
  }
  return found;
}
