import { describe, expect, it } from "vitest";
import { sanitizeShowNotes, showNotesText } from "./sanitize";

describe("sanitizeShowNotes", () => {
  it("keeps the formatting podcast apps show and drops scripts, handlers and bad links", () => {
    const html = sanitizeShowNotes(
      '<p onclick="x()">Hi <strong>there</strong> <a href="https://ex.com/a" target="_blank">link</a> <a href="javascript:alert(1)">bad</a></p>' +
        '<script>alert(1)</script><img src=x onerror=alert(1)><ul><li>one</li></ul><iframe src="https://evil"></iframe><style>p{}</style>',
    );
    expect(html).toBe(
      '<p>Hi <strong>there</strong> <a href="https://ex.com/a" rel="nofollow noopener noreferrer">link</a> <a rel="nofollow noopener noreferrer">bad</a></p><ul><li>one</li></ul>',
    );
  });

  it("turns plain text into paragraphs, breaks and links, escaping what looks like markup", () => {
    expect(sanitizeShowNotes("First line\nsecond & more: https://ex.com/x.\n\nNext 1 < 2")).toBe(
      '<p>First line<br />second &amp; more: <a href="https://ex.com/x" rel="nofollow noopener noreferrer">https://ex.com/x</a>.</p>\n<p>Next 1 &lt; 2</p>',
    );
    expect(sanitizeShowNotes("   ")).toBe("");
  });

  it("gives a one-line plain text, cut on a word", () => {
    expect(showNotesText("<p>Fish &amp; chips</p><p>on <b>Friday</b></p><script>x</script>")).toBe("Fish & chips on Friday");
    expect(showNotesText("one two three four", 12)).toBe("one two…");
    expect(showNotesText("&amp;lt;")).toBe("&lt;");
  });
});
