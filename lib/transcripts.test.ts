import { describe, expect, it } from "vitest";
import { cueSpeaker, cueText, detectTranscriptFormat, formatSrt, formatVtt, parseSrt, parseTranscript, parseVtt } from "./transcripts";

const srt = `1
00:00:01,000 --> 00:00:04,000
Welcome to the show.

2
00:00:04,500 --> 00:00:07,250
Today: <i>chapters</i>
and transcripts.
`;

const vtt = `WEBVTT - an episode
Kind: captions

NOTE written by hand
over two lines

STYLE
::cue { color: yellow }

intro
00:01.000 --> 00:04.000 align:start
<v Ann>Welcome to the show.

00:00:04.500 --> 00:00:07.250
Today &amp; tomorrow.

01:00:00.000 --> 01:00:02.000
`;

describe("parseSrt", () => {
  it("reads numbered cues with multi-line text, CRLF and a BOM", () => {
    const r = parseSrt(`\uFEFF${srt.replace(/\n/g, "\r\n")}`);
    expect(r).toEqual({
      ok: true,
      cues: [
        { start: 1, end: 4, text: "Welcome to the show." },
        { start: 4.5, end: 7.25, text: "Today: <i>chapters</i>\nand transcripts." },
      ],
    });
  });

  it("accepts cues without numbers and extra blank lines", () => {
    const r = parseSrt("\n\n00:00:01,000 --> 00:00:02,000\nHi\n\n\n00:00:03,000 --> 00:00:04,000\nBye");
    expect(r.ok && r.cues.length).toBe(2);
  });

  it.each([
    ["a missing timing line", "1\nWelcome\n", 2, "expected a timing line like 00:00:01,000 --> 00:00:04,000"],
    ["a lone cue number", "1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\n\n", 5, 'expected a timing line like 00:00:01,000 --> 00:00:04,000 after "2"'],
    ["WebVTT-style dots without hours", "1\n00:01.000 --> 00:04.000\nHi\n", 2, "expected a timing line"],
    ["a dot before the milliseconds", "1\n00:00:01.000 --> 00:00:04.000\nHi\n", 2, "expected a timing line"],
    ["minutes past 59", "1\n00:61:00,000 --> 00:62:00,000\nHi\n", 2, "expected a timing line"],
    ["a cue ending before it starts", "1\n00:00:05,000 --> 00:00:04,000\nHi\n", 2, "the cue ends before it starts"],
    ["a cue without text", "1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:03,000 --> 00:00:04,000\nHi\n", 3, "expected the cue's text"],
    ["a missing blank line between cues", "1\n00:00:01,000 --> 00:00:02,000\nHi\n00:00:03,000 --> 00:00:04,000\nThere\n", 4, "is a blank line missing"],
    ["an empty file", "\n\n", 1, "no cues"],
  ])("names the line of %s", (_, text, line, message) => {
    const r = parseSrt(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.line).toBe(line);
    expect(r.message).toBe(`Line ${line}: ${r.message.replace(/^Line \d+: /, "")}`);
    expect(r.message).toContain(message);
  });

  it("counts lines from the top of the file in a later cue", () => {
    const bad = `${srt}\n3\n00:00:08,000 -> 00:00:09,000\nOops\n`;
    expect(parseSrt(bad)).toMatchObject({ ok: false, line: 11, message: "Line 11: expected a timing line like 00:00:01,000 --> 00:00:04,000" });
  });
});

describe("parseVtt", () => {
  it("reads the header, skips NOTE and STYLE blocks, takes cue ids, settings and empty cues", () => {
    const r = parseVtt(vtt);
    expect(r).toEqual({
      ok: true,
      cues: [
        { start: 1, end: 4, text: "<v Ann>Welcome to the show." },
        { start: 4.5, end: 7.25, text: "Today &amp; tomorrow." },
        { start: 3600, end: 3602, text: "" },
      ],
    });
  });

  it.each([
    ["a missing WEBVTT header", "00:01.000 --> 00:02.000\nHi\n", 1, 'a WebVTT file starts with "WEBVTT"'],
    ["WEBVTT followed by other text", "WEBVTTX\n\n00:01.000 --> 00:02.000\nHi\n", 1, "starts with"],
    ["a cue right after the header", "WEBVTT\n00:01.000 --> 00:02.000\nHi\n", 2, "expected a blank line after the WEBVTT header"],
    ["an SRT comma", "WEBVTT\n\n1\n00:00:01,000 --> 00:00:02,000\nHi\n", 4, "expected a timing line like 00:00:01.000 --> 00:00:04.000"],
    ["an id without a timing line", "WEBVTT\n\nintro\nHello\n", 4, "expected a timing line"],
    ["an id at the end of the file", "WEBVTT\n\nhello\n", 3, 'expected a timing line like 00:00:01.000 --> 00:00:04.000 after "hello"'],
    ["a cue ending before it starts", "WEBVTT\n\n00:05.000 --> 00:04.000\nHi\n", 3, "the cue ends before it starts"],
    ["cues out of order", "WEBVTT\n\n00:05.000 --> 00:06.000\nA\n\n00:01.000 --> 00:02.000\nB\n", 6, "in order"],
    ["a missing blank line between cues", "WEBVTT\n\n00:01.000 --> 00:02.000\nA\n00:03.000 --> 00:04.000\nB\n", 5, 'cannot contain "-->"'],
    ["no cues", "WEBVTT\n\nNOTE nothing\n", 4, "no cues"],
  ])("names the line of %s", (_, text, line, message) => {
    const r = parseVtt(text);
    expect(r).toMatchObject({ ok: false, line });
    if (!r.ok) expect(r.message).toMatch(new RegExp(`^Line ${line}: .*${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  });
});

describe("transcript helpers", () => {
  it("refuses a file over 1 MB", () => {
    expect(parseTranscript("x".repeat(1024 * 1024 + 1), "srt")).toMatchObject({ ok: false, message: "The transcript is larger than 1 MB." });
  });

  it("detects the format from the name, else from the header", () => {
    expect(detectTranscriptFormat("anything", "Episode 1.VTT")).toBe("vtt");
    expect(detectTranscriptFormat("WEBVTT\n", "notes.srt")).toBe("srt");
    expect(detectTranscriptFormat("\uFEFFWEBVTT\n")).toBe("vtt");
    expect(detectTranscriptFormat(srt)).toBe("srt");
  });

  it("converts between the formats without losing cues", () => {
    const fromSrt = parseSrt(srt);
    if (!fromSrt.ok) throw new Error(fromSrt.message);
    const asVtt = formatVtt(fromSrt.cues);
    expect(asVtt).toContain("00:00:04.500 --> 00:00:07.250");
    expect(parseVtt(asVtt)).toEqual(fromSrt);
    const fromVtt = parseVtt(vtt);
    if (!fromVtt.ok) throw new Error(fromVtt.message);
    const withText = fromVtt.cues.filter((c) => c.text);
    expect(parseSrt(formatSrt(withText))).toEqual({ ok: true, cues: withText });
  });

  it("shows cue text without markup and names the speaker", () => {
    expect(cueText("<v.loud Ann>Fish &amp; <i>chips</i> &lt;3")).toBe("Fish & chips <3");
    expect(cueSpeaker("<v.loud Ann Lee>Hi")).toBe("Ann Lee");
    expect(cueSpeaker("Hi")).toBeNull();
  });
});
