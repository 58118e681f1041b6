import { describe, expect, it } from "vitest";
import { hashSubscriberToken, isSubscriberTokenShape, newSubscriberToken, openSubscriberToken, sealSubscriberToken } from "./subscriber-token";
import { parseSubscriberCsv } from "./validation/subscriber";

describe("subscriber tokens", () => {
  it("are 256 random bits, looked up by hash, sealed so only this server's secret opens them", () => {
    const token = newSubscriberToken();
    expect(isSubscriberTokenShape(token)).toBe(true);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(newSubscriberToken()).not.toBe(token);
    expect(hashSubscriberToken(token)).toMatch(/^[0-9a-f]{64}$/);
    const sealed = sealSubscriberToken(token);
    expect(sealed).not.toContain(token);
    expect(sealSubscriberToken(token)).not.toBe(sealed); // a fresh IV each time
    expect(openSubscriberToken(sealed)).toBe(token);
    // A changed byte (or another server's secret) opens nothing: GCM refuses it.
    const raw = Buffer.from(sealed, "base64url");
    raw[raw.length - 1]! ^= 1;
    expect(openSubscriberToken(raw.toString("base64url"))).toBeNull();
    expect(openSubscriberToken("not sealed")).toBeNull();
    expect(isSubscriberTokenShape("../../etc/passwd")).toBe(false);
  });
});

describe("parseSubscriberCsv", () => {
  it("reads name,email lines with quotes, an optional header, and reports each bad line by number", () => {
    const { rows, errors } = parseSubscriberCsv('\uFEFFName,E-mail\n"Smith, ""Jo""", JO@Example.com \n\nbroken "quote,x@example.com\n"open,x@example.com\nonly-one-column');
    expect(rows).toEqual([{ line: 2, input: { name: 'Smith, "Jo"', email: "jo@example.com" } }, { line: 4, input: { name: 'broken "quote', email: "x@example.com" } }]);
    expect(errors).toEqual([
      { line: 5, message: "Unbalanced quotes." },
      { line: 6, message: "Expected 2 columns (name,email), found 1." },
    ]);
    // Without a header the first line is a subscriber.
    expect(parseSubscriberCsv("Ann,ann@example.com").rows).toHaveLength(1);
  });
});
