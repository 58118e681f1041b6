import { describe, expect, it } from "vitest";
import { MAX_IMPORT_LINES, parseSubscriberCsv } from "./subscriber";

const names = (csv: string) => parseSubscriberCsv(csv).rows.map((r) => [r.line, r.input.name, r.input.email]);

describe("parseSubscriberCsv, with hostile files", () => {
  it("reads a quoted cell across lines as RFC 4180 says, instead of cutting it into a second subscriber", () => {
    const { rows, errors } = parseSubscriberCsv('name,email\r\n"Ann\r\nof Green Gables",ann@example.com\r\n"Bo ""B"", Jr.",bo@example.com\r\n');
    expect(errors).toEqual([]);
    expect(rows.map((r) => [r.line, r.input.name, r.input.email])).toEqual([
      [2, "Ann\r\nof Green Gables", "ann@example.com"],
      [4, 'Bo "B", Jr.', "bo@example.com"],
    ]);
  });

  it("reports a quote that never closes on its own line and still reads the lines after it", () => {
    const { rows, errors } = parseSubscriberCsv('A,a@example.com\n"Broken,b@example.com\nC,c@example.com\n');
    expect(errors).toEqual([{ line: 2, message: "Unbalanced quotes." }]);
    expect(rows.map((r) => r.input.email)).toEqual(["a@example.com", "c@example.com"]);
  });

  it("takes exactly the most subscribers at once, with a header and a final newline, and refuses one more", () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `N${i},n${i}@example.com`);
    expect(parseSubscriberCsv(["name,email", ...lines(MAX_IMPORT_LINES), ""].join("\n")).rows).toHaveLength(MAX_IMPORT_LINES);
    const over = parseSubscriberCsv(lines(MAX_IMPORT_LINES + 1).join("\n"));
    expect(over.rows).toEqual([]);
    expect(over.errors).toEqual([{ line: MAX_IMPORT_LINES + 1, message: `At most ${MAX_IMPORT_LINES} subscribers at once.` }]);
  });

  it("refuses a line that was not UTF-8 (a spreadsheet's Windows-1252 export) instead of storing J\uFFFDrg", () => {
    const latin1 = new TextDecoder().decode(Buffer.from("J\xfcrg,j@example.com\nAnn,a@example.com\n", "latin1"));
    const { rows, errors } = parseSubscriberCsv(latin1);
    expect(errors).toEqual([{ line: 1, message: 'This line is not UTF-8 text: save the file as "CSV UTF-8" and import it again.' }]);
    expect(rows.map((r) => r.input.name)).toEqual(["Ann"]);
  });

  it("still skips a BOM, a header, blank lines and lone CRs", () => {
    expect(names("\uFEFFName,E-mail\r\rA,a@example.com\rB,b@example.com")).toEqual([
      [3, "A", "a@example.com"],
      [4, "B", "b@example.com"],
    ]);
  });
});
