import { describe, expect, it } from "vitest";
import { formatChapterLines, formatChapterTime, parseChapterLines, parseChapterTime, parseJsonChapters, toJsonChapters, validateChapters } from "./chapters";

describe("parseJsonChapters", () => {
  const good = { version: "1.2.0", chapters: [{ startTime: 0, title: "Intro", img: "https://x/y.png" }, { startTime: 754.5, title: " Interview " }] };

  it("keeps start times and trimmed titles, from an object or its text", () => {
    const expected = { ok: true, chapters: [{ startSeconds: 0, title: "Intro" }, { startSeconds: 754.5, title: "Interview" }] };
    expect(parseJsonChapters(good)).toEqual(expected);
    expect(parseJsonChapters(JSON.stringify(good, null, 2))).toEqual(expected);
    expect(parseJsonChapters({ version: "1.2.0", chapters: [] })).toEqual({ ok: true, chapters: [] });
  });

  it("names the line of malformed JSON", () => {
    const r = parseJsonChapters('{\n  "version": "1.2.0",\n  "chapters": [\n    {"startTime": 0 "title": "x"}\n  ]\n}');
    expect(r).toMatchObject({ ok: false, line: 4, message: "Line 4: this is not valid JSON." });
  });

  it.each([
    ["not an object", [], undefined, "Expected a JSON object"],
    ["a missing version", { chapters: [] }, "version", "version: expected"],
    ["a numeric version", { version: 1.2, chapters: [] }, "version", "version: expected"],
    ["no chapters array", { version: "1.2.0", chapters: {} }, "chapters", "chapters: expected an array"],
    ["a string start time", { version: "1.2.0", chapters: [{ startTime: "0", title: "A" }] }, "chapters[0].startTime", "chapters[0].startTime: expected a number"],
    ["a negative start time", { version: "1.2.0", chapters: [{ startTime: -1, title: "A" }] }, "chapters[0]", "0 or more"],
    ["a missing title", { version: "1.2.0", chapters: [{ startTime: 0 }] }, "chapters[0].title", "needs a title"],
    ["a blank title", { version: "1.2.0", chapters: [{ startTime: 0, title: "  " }] }, "chapters[0]", "needs a title"],
    [
      "start times out of order",
      { version: "1.2.0", chapters: [{ startTime: 0, title: "A" }, { startTime: 60, title: "B" }, { startTime: 60, title: "C" }] },
      "chapters[2]",
      "chapters[2]: starts at 1:00, not after the chapter before it (1:00)",
    ],
  ])("refuses %s, naming where", (_, doc, path, message) => {
    const r = parseJsonChapters(doc);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.path).toBe(path);
    expect(r.message).toContain(message);
  });

  it("writes Podcasting 2.0 JSON chapters", () => {
    expect(toJsonChapters([{ startSeconds: 0, title: "Intro" }])).toEqual({ version: "1.2.0", chapters: [{ startTime: 0, title: "Intro" }] });
  });
});

describe("chapter lines", () => {
  it("reads times with and without hours, fractions, separators and blank lines", () => {
    const r = parseChapterLines("0:00 Intro\n\n12:34 - Interview\r\n1:02:03.5 — Questions & answers\n75:00   Late");
    expect(r).toEqual({
      ok: true,
      chapters: [
        { startSeconds: 0, title: "Intro" },
        { startSeconds: 754, title: "Interview" },
        { startSeconds: 3723.5, title: "Questions & answers" },
        { startSeconds: 4500, title: "Late" },
      ],
    });
    expect(parseChapterLines("  \n")).toEqual({ ok: true, chapters: [] });
  });

  it.each([
    ["a line without a time", "0:00 Intro\nInterview", 2, "Line 2: expected a start time and a title, like 12:34 Interview."],
    ["a time without a title", "0:00 Intro\n\n12:34", 3, "Line 3: expected a start time and a title"],
    ["seconds past 59", "0:00 Intro\n1:75 Oops", 2, 'Line 2: minutes and seconds go up to 59 in "1:75".'],
    ["minutes past 59 with hours", "1:60:00 Oops", 1, "go up to 59"],
    ["times out of order", "0:00 Intro\n\n10:00 B\n5:00 C", 4, "Line 4: starts at 5:00, not after the chapter before it (10:00)"],
  ])("names the line of %s", (_, text, line, message) => {
    const r = parseChapterLines(text);
    expect(r).toMatchObject({ ok: false, line });
    if (!r.ok) expect(r.message).toContain(message);
  });

  it("round-trips through the editor's lines", () => {
    const chapters = [{ startSeconds: 0, title: "Intro" }, { startSeconds: 754, title: "Interview" }, { startSeconds: 3723.25, title: "Outro" }];
    const lines = formatChapterLines(chapters);
    expect(lines).toBe("0:00 Intro\n12:34 Interview\n1:02:03.250 Outro");
    expect(parseChapterLines(lines)).toEqual({ ok: true, chapters });
  });

  it("formats and parses single times", () => {
    expect(formatChapterTime(0)).toBe("0:00");
    expect(formatChapterTime(3600)).toBe("1:00:00");
    expect(parseChapterTime("01:02:03,5")).toBe(3723.5);
    expect(parseChapterTime("12")).toBeNull();
  });

  it("holds a built list to the same rules", () => {
    expect(validateChapters([{ startSeconds: 5, title: "B" }, { startSeconds: 1, title: "A" }])).toMatchObject({ ok: false, message: expect.stringMatching(/^Chapter 2: /) });
    expect(validateChapters(Array.from({ length: 501 }, (_, i) => ({ startSeconds: i, title: "x" })))).toMatchObject({ ok: false });
  });
});
