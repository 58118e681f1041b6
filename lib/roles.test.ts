import { describe, expect, it } from "vitest";
import { forbiddenMessage, roleAtLeast } from "./roles";

describe("roles", () => {
  it("rank owner > admin > editor > viewer", () => {
    expect(roleAtLeast("owner", "admin")).toBe(true);
    expect(roleAtLeast("admin", "editor")).toBe(true);
    expect(roleAtLeast("editor", "admin")).toBe(false);
    expect(roleAtLeast("viewer", "editor")).toBe(false);
    expect(roleAtLeast("viewer", "viewer")).toBe(true);
  });

  it("say in plain English who may do it", () => {
    expect(forbiddenMessage("viewer", "editor")).toBe("You are a viewer of this show; only an editor, admin or the owner of this show can do this.");
    expect(forbiddenMessage("editor", "admin")).toBe("You are an editor of this show; only an admin or the owner of this show can do this.");
    expect(forbiddenMessage("admin", "owner")).toBe("You are an admin of this show; only the owner of this show can do this.");
  });
});
