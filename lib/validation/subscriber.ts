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

/** The most subscribers one CSV import takes. */
export const MAX_IMPORT_LINES = 10_000;

/**
 * `name,email` lines (a header line is optional; quotes as in RFC 4180, so a quoted cell may
 * hold commas, doubled quotes and line breaks). Blank lines are skipped; a bad line is reported
 * with its number and the rest still go in.
 */
export function parseSubscriberCsv(text: string): { rows: { line: number; input: CreateSubscriberInput }[]; errors: { line: number; message: string }[] } {
  const rows: { line: number; input: CreateSubscriberInput }[] = [];
  const errors: { line: number; message: string }[] = [];
  const records = csvRecords(text.replace(/^\uFEFF/, ""));
  const first = records.find((r) => r.cells);
  const header = first?.cells && first.cells.length === 2 && /^name$/i.test(first.cells[0]!.trim()) && /^e-?mail$/i.test(first.cells[1]!.trim()) ? first : null;
  const data = records.filter((r) => r !== header && !(r.cells?.length === 1 && r.cells[0]!.trim() === ""));
  if (data.length > MAX_IMPORT_LINES) {
    return { rows: [], errors: [{ line: data[MAX_IMPORT_LINES]!.line, message: `At most ${MAX_IMPORT_LINES} subscribers at once.` }] };
  }
  for (const { line, cells, raw } of data) {
    if (!cells) {
      errors.push({ line, message: "Unbalanced quotes." });
      continue;
    }
    if (cells.length !== 2) {
      errors.push({ line, message: `Expected 2 columns (name,email), found ${cells.length}.` });
      continue;
    }
    // TextDecoder turned bytes that were not UTF-8 into U+FFFD: the name would be stored garbled.
    const problem = raw.includes("\uFFFD") ? 'This line is not UTF-8 text: save the file as "CSV UTF-8" and import it again.' : unstorableTextProblem(raw);
    if (problem) {
      errors.push({ line, message: problem });
      continue;
    }
    const parsed = createSubscriberSchema.safeParse({ name: cells[0], email: cells[1] });
    if (!parsed.success) errors.push({ line, message: parsed.error.issues[0]?.message ?? "Not valid." });
    else rows.push({ line, input: parsed.data });
  }
  return { rows, errors };
}

/**
 * RFC 4180 records with the line each starts on. A quote that never closes makes that line a
 * record without cells (reported as such), and reading goes on at the next line.
 */
function csvRecords(text: string): { line: number; cells: string[] | null; raw: string }[] {
  const records: { line: number; cells: string[] | null; raw: string }[] = [];
  let i = 0;
  let line = 1;
  const newlineAt = (at: number) => (text[at] === "\r" ? (text[at + 1] === "\n" ? 2 : 1) : text[at] === "\n" ? 1 : 0);
  while (i < text.length) {
    const start = i;
    const startLine = line;
    const cells: string[] = [];
    let cell = "";
    let quoted = false;
    let broken = false;
    for (;;) {
      if (i >= text.length) {
        if (quoted) broken = true;
        break;
      }
      const c = text[i]!;
      const nl = newlineAt(i);
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (c === '"') {
          quoted = false;
          i++;
        } else {
          if (nl) line++;
          cell += text.slice(i, i + (nl || 1));
          i += nl || 1;
        }
      } else if (nl) {
        i += nl;
        line++;
        break;
      } else if (c === '"' && cell.trim() === "") {
        quoted = true;
        cell = "";
        i++;
      } else if (c === ",") {
        cells.push(cell);
        cell = "";
        i++;
      } else {
        cell += c;
        i++;
      }
    }
    if (broken) {
      // Go on after the line the broken record started on.
      const rest = text.slice(start).search(/\r\n|\n|\r/);
      i = rest < 0 ? text.length : start + rest + newlineAt(start + rest);
      line = startLine + 1;
      records.push({ line: startLine, cells: null, raw: text.slice(start, rest < 0 ? text.length : start + rest) });
      continue;
    }
    cells.push(cell);
    records.push({ line: startLine, cells, raw: text.slice(start, i) });
  }
  return records;
}
