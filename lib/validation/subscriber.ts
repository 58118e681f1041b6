import { z } from "zod";
import { unstorableTextProblem } from "./text";

const email = z
  .string({ error: "Enter an e-mail address." })
  .trim()
  .toLowerCase()
  .max(254, "At most 254 characters.")
  .pipe(z.email({ error: "Enter a valid e-mail address." }));

export const createSubscriberSchema = z.strictObject({
  name: z.string({ error: "Enter a name." }).trim().min(1, "Enter a name.").max(200, "At most 200 characters."),
  email,
});
export type CreateSubscriberInput = z.infer<typeof createSubscriberSchema>;

export const subscriberSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  /** The subscriber's private feed URL; null once revoked (or when it cannot be shown: rotate it). */
  feedUrl: z.string().nullable(),
  downloads: z.number().int(),
  lastSeenAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});

export const subscriberImportSchema = z.object({
  created: z.number().int(),
  skipped: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), message: z.string() })),
});

/** The most lines one CSV import takes. */
export const MAX_IMPORT_LINES = 10_000;

/**
 * `name,email` lines (a header line is optional; quotes as in RFC 4180). Blank lines are
 * skipped; a bad line is reported with its number and the rest still go in.
 */
export function parseSubscriberCsv(text: string): { rows: { line: number; input: CreateSubscriberInput }[]; errors: { line: number; message: string }[] } {
  const rows: { line: number; input: CreateSubscriberInput }[] = [];
  const errors: { line: number; message: string }[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  if (lines.length > MAX_IMPORT_LINES + 1) {
    return { rows: [], errors: [{ line: MAX_IMPORT_LINES + 1, message: `At most ${MAX_IMPORT_LINES} lines at once.` }] };
  }
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === "") return;
    const cells = splitCsvLine(raw);
    if (!cells) return void errors.push({ line, message: "Unbalanced quotes." });
    if (i === 0 && /^name$/i.test(cells[0]?.trim() ?? "") && /^e-?mail$/i.test(cells[1]?.trim() ?? "")) return;
    if (cells.length !== 2) return void errors.push({ line, message: `Expected 2 columns (name,email), found ${cells.length}.` });
    const unstorable = unstorableTextProblem(raw);
    if (unstorable) return void errors.push({ line, message: unstorable });
    const parsed = createSubscriberSchema.safeParse({ name: cells[0], email: cells[1] });
    if (!parsed.success) return void errors.push({ line, message: parsed.error.issues[0]?.message ?? "Not valid." });
    rows.push({ line, input: parsed.data });
  });
  return { rows, errors };
}

function splitCsvLine(line: string): string[] | null {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell.trim() === "") {
      quoted = true;
      cell = "";
    } else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else cell += c;
  }
  if (quoted) return null;
  cells.push(cell);
  return cells;
}
