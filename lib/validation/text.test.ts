import { describe, expect, it } from "vitest";
import { unstorableTextIssues, unstorableTextProblem } from "./text";

describe("unstorable text", () => {
  it("lets through everything XML 1.0 and PostgreSQL take: tab, newlines, DEL, bidi marks, astral characters", () => {
    for (const ok of ["plain", "a\tb\nc\r\nd", "\u007f", "\u202eevil", "🎙️ emoji", "𝄞", "\ud83c\udf99", "\ufffd", "]]>"]) {
      expect(unstorableTextProblem(ok), JSON.stringify(ok)).toBeNull();
    }
  });

  it("finds NUL and other C0 controls, U+FFFE/U+FFFF and surrogate halves on either side", () => {
    expect(unstorableTextProblem("ab\u0000")).toBe("Remove the control character U+0000 at character 3: it cannot be stored or put in a feed.");
    for (const bad of ["\u0001", "\u0008", "\u000b", "\u000c", "\u001f", "\ufffe", "\uffff", "x\ud800", "\ud800x", "\udc00", "\udc00\ud800"]) {
      expect(unstorableTextProblem(bad), JSON.stringify(bad)).not.toBeNull();
    }
    expect(unstorableTextProblem("🎙\ud800")).toMatch(/at character 3 \(half of a UTF-16 surrogate pair, U\+D800\)/);
  });

  it("walks nested values and names the path, keys included", () => {
    expect(unstorableTextIssues({ a: [{ b: "ok" }, { b: "\u0000" }], n: 1, nil: null, ["k\u0001"]: "v" }).map((i) => i.path.join("."))).toEqual(["a.1.b", "k\u0001"]);
    expect(unstorableTextIssues({ a: ["ok"], b: { c: true } })).toEqual([]);
  });
});
