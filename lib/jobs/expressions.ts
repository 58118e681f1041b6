/**
 * The small subset of Inngest's expression language (CEL) the embedded executor evaluates:
 * equalities joined by `&&`, between `event.…` / `async.…` paths and literals, e.g.
 * `event.data.episodeId == async.data.episodeId`. Anything else throws, so an unsupported rule
 * is refused when functions are loaded instead of being ignored.
 */
type Operand = { path: string[]; root: "event" | "async" } | { literal: unknown };
interface Comparison {
  left: Operand;
  op: "==" | "!=";
  right: Operand;
}

export interface ExpressionScope {
  event?: unknown;
  async?: unknown;
}

export class UnsupportedExpressionError extends Error {
  constructor(expression: string, why: string) {
    super(
      `The expression "${expression}" is not supported by the embedded executor (${why}). ` +
        `It evaluates only equalities such as "event.data.id == async.data.id", joined by "&&". ` +
        `Simplify it, or configure an Inngest server (see docs/ARCHITECTURE.md, Jobs).`,
    );
    this.name = "UnsupportedExpressionError";
  }
}

const TOKEN = /\s*(?:(==|!=|&&)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)|([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*))/y;

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < expression.length) {
    if (/^\s*$/.test(expression.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(expression);
    if (!m) throw new UnsupportedExpressionError(expression, `unexpected "${expression.slice(pos).trim().slice(0, 12)}"`);
    tokens.push(m[0].trim());
    pos = TOKEN.lastIndex;
  }
  return tokens;
}

function operand(expression: string, token: string | undefined, roots: ReadonlyArray<"event" | "async">): Operand {
  if (token === undefined) throw new UnsupportedExpressionError(expression, "it ends too early");
  if (token.startsWith("'") || token.startsWith('"')) {
    const body = token.slice(1, -1).replace(/\\(.)/g, "$1");
    return { literal: body };
  }
  if (/^-?\d/.test(token)) return { literal: Number(token) };
  if (token === "true" || token === "false") return { literal: token === "true" };
  if (token === "null") return { literal: null };
  const [root, ...path] = token.split(".");
  if ((root === "event" || root === "async") && roots.includes(root) && path.length > 0) return { root, path };
  throw new UnsupportedExpressionError(expression, `"${token}" is not ${roots.map((r) => `${r}.…`).join(" or ")} or a literal`);
}

function parse(expression: string, roots: ReadonlyArray<"event" | "async">): Comparison[] {
  const tokens = tokenize(expression);
  const out: Comparison[] = [];
  let i = 0;
  for (;;) {
    const left = operand(expression, tokens[i++], roots);
    const op = tokens[i++];
    if (op !== "==" && op !== "!=") throw new UnsupportedExpressionError(expression, `expected == or != after the ${out.length + 1}. operand`);
    const right = operand(expression, tokens[i++], roots);
    out.push({ left, op, right });
    if (i >= tokens.length) return out;
    if (tokens[i++] !== "&&") throw new UnsupportedExpressionError(expression, `only "&&" may join comparisons`);
  }
}

function valueAt(scope: ExpressionScope, o: Operand): unknown {
  if ("literal" in o) return o.literal;
  let v: unknown = scope[o.root];
  for (const key of o.path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

// A missing field never equals anything (CEL would error); values compare strictly, like CEL.
const same = (a: unknown, b: unknown) => a !== undefined && b !== undefined && a === b;

/** Compiles a condition over `event` (and, for cancellation rules, `async`): throws if unsupported. */
export function compileCondition(
  expression: string,
  roots: ReadonlyArray<"event" | "async"> = ["event"],
): (scope: ExpressionScope) => boolean {
  const comparisons = parse(expression, roots);
  return (scope) =>
    comparisons.every((c) => {
      const eq = same(valueAt(scope, c.left), valueAt(scope, c.right));
      return c.op === "==" ? eq : !eq;
    });
}

/** Compiles a concurrency key such as `event.data.showId` into the key's string value. */
export function compileKey(expression: string): (event: unknown) => string {
  const tokens = tokenize(expression);
  if (tokens.length !== 1) throw new UnsupportedExpressionError(expression, "a key must be a single event.… path");
  const o = operand(expression, tokens[0], ["event"]);
  if ("literal" in o) throw new UnsupportedExpressionError(expression, "a key must be an event.… path");
  return (event) => JSON.stringify(valueAt({ event }, o) ?? null);
}
