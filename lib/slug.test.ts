import { describe, expect, it } from "vitest";
import { firstFreeSlug, slugify } from "./slug";

describe("slugify", () => {
  it("makes lowercase ASCII slugs from titles in any script", () => {
    expect(slugify("Hello, World!")).toBe("hello-world");
    expect(slugify("  Crème Brûlée — Épisode 1 ")).toBe("creme-brulee-episode-1");
    expect(slugify("!!!")).toBe("untitled");
    expect(slugify("日本語")).toBe("untitled");
  });

  it("keeps slugs at 60 characters without a trailing hyphen", () => {
    const slug = slugify("a".repeat(59) + " b");
    expect(slug.length).toBeLessThanOrEqual(60);
    expect(slug.endsWith("-")).toBe(false);
  });
});

describe("firstFreeSlug", () => {
  it("numbers from 2 upwards and skips taken numbers", () => {
    expect(firstFreeSlug("show", new Set())).toBe("show");
    expect(firstFreeSlug("show", new Set(["show"]))).toBe("show-2");
    expect(firstFreeSlug("show", new Set(["show", "show-2", "show-3"]))).toBe("show-4");
  });
});
