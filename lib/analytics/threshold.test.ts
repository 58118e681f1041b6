import { describe, expect, it } from "vitest";
import { addDays, dateRangeSchema, daysBetween, reportQuerySchema, utcDay } from "./days";
import { addInterval, coveredBytes, downloadThreshold, id3TagBytes, requestedInterval } from "./threshold";

describe("download threshold", () => {
  it("is one minute at the file's average rate", () => {
    // 60 minutes in 57.6 MB: 16,000 bytes a second.
    expect(downloadThreshold(57_600_000, 3600)).toBe(960_000);
  });

  it("is the whole file when it is shorter than a minute", () => {
    expect(downloadThreshold(300_000, 20)).toBe(300_000);
  });

  it("adds the headers to a minute of audio at the audio's own rate", () => {
    // A 1 MB tag (cover art) before 60 minutes of audio in 57.6 MB.
    expect(downloadThreshold(58_600_000, 3600, 1_000_000)).toBe(1_960_000);
    expect(downloadThreshold(1_200_000, 30, 1_000_000)).toBe(1_200_000);
  });

  it("reads the ID3v2 tag size from a file's first bytes", () => {
    const head = (version: number, flags: number, size: number[]) => Uint8Array.from([0x49, 0x44, 0x33, version, 0, flags, ...size]);
    expect(id3TagBytes(head(3, 0, [0, 0, 0x02, 0x01]))).toBe(10 + 257);
    expect(id3TagBytes(head(4, 0x10, [0, 0x40, 0, 0]))).toBe(10 + (0x40 << 14) + 10); // v2.4 footer
    expect(id3TagBytes(head(3, 0, [0, 0x80, 0, 0]))).toBe(0); // not syncsafe: not a tag
    expect(id3TagBytes(Uint8Array.from([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0, 0, 0]))).toBe(0); // an MPEG frame
  });

  it("assumes 128 kbit/s when the duration is unknown", () => {
    expect(downloadThreshold(50_000_000, null)).toBe(960_000);
    expect(downloadThreshold(500_000, null)).toBe(500_000);
  });
});

describe("byte intervals", () => {
  it("merges overlapping and adjacent ranges and counts each byte once", () => {
    let r = addInterval([], [0, 99]);
    r = addInterval(r, [50, 149]);
    r = addInterval(r, [150, 199]);
    expect(r).toEqual([[0, 199]]);
    expect(coveredBytes(r)).toBe(200);
  });

  it("keeps gaps, in order, and closes them when filled", () => {
    let r = addInterval([], [1000, 1999]);
    r = addInterval(r, [0, 99]);
    r = addInterval(r, [5000, 5099]);
    expect(r).toEqual([[0, 99], [1000, 1999], [5000, 5099]]);
    r = addInterval(r, [50, 5010]);
    expect(r).toEqual([[0, 5099]]);
  });

  it("repeated two-byte probes stay two bytes", () => {
    let r = addInterval([], [0, 1]);
    for (let i = 0; i < 100; i++) r = addInterval(r, [0, 1]);
    expect(coveredBytes(r)).toBe(2);
  });

  it("clamps the requested range to the file; no range is the whole file", () => {
    expect(requestedInterval(null, 1000)).toEqual([0, 999]);
    expect(requestedInterval({ start: 900, end: 5000 }, 1000)).toEqual([900, 999]);
    expect(requestedInterval({ start: 10, end: 5 }, 1000)).toBeNull();
    expect(requestedInterval({ start: 0, end: 1 }, 0)).toBeNull();
  });
});

describe("days and ranges", () => {
  it("moves across months and lists a range", () => {
    expect(addDays("2024-02-28", 2)).toBe("2024-03-01");
    expect(daysBetween("2024-12-30", "2025-01-02")).toEqual(["2024-12-30", "2024-12-31", "2025-01-01", "2025-01-02"]);
    expect(utcDay(new Date("2025-01-01T23:59:59.999Z"))).toBe("2025-01-01");
  });

  it("defaults to the last 30 days and refuses bad ranges", () => {
    const r = dateRangeSchema.parse({});
    expect(r.to).toBe(utcDay(new Date()));
    expect(daysBetween(r.from, r.to)).toHaveLength(30);
    expect(dateRangeSchema.safeParse({ from: "2025-02-01", to: "2025-01-01" }).success).toBe(false);
    expect(dateRangeSchema.safeParse({ from: "2020-01-01", to: "2025-01-01" }).success).toBe(false);
    expect(dateRangeSchema.safeParse({ from: "2025-02-30" }).success).toBe(false);
    expect(reportQuerySchema.parse({ from: "2025-01-01", to: "2025-01-07", episodeId: "x", other: "y" })).toEqual({
      from: "2025-01-01",
      to: "2025-01-07",
      episodeId: "x",
    });
  });
});
