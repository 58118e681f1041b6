import { describe, expect, it } from "vitest";
import { isUuid, newId } from "./ids";

describe("newId", () => {
  it("makes valid version-7 UUIDs that sort in creation order", () => {
    const ids = Array.from({ length: 5000 }, newId);
    for (const id of ids.slice(0, 20)) {
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe("7");
      expect("89ab").toContain(id[19]);
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
