import { describe, expect, it } from "vitest";
import { titleFromFileName } from "./title-from-file";

describe("titleFromFileName", () => {
  it.each([
    ["ep_12-the-pilot.wav", "ep 12 the pilot"],
    ["Interview with Ada.mp3", "Interview with Ada"],
    ["__take--2__.flac", "take 2"],
    ["v1.2 final.m4a", "v1.2 final"],
    ["no-extension", "no extension"],
    ["C:\\recordings\\show_01.aiff", "show 01"],
    [".wav", ""],
  ])("%s → %s", (name, title) => {
    expect(titleFromFileName(name)).toBe(title);
  });
});
