import { NonRetriableError } from "inngest";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { MediaError } from "@/lib/media";
import { SERVER_FAILURE_REASON, failureReason, inStep, toStepError } from "./errors";

/** The Inngest boundary's mapper: who is to blame decides whether a step is retried and what the owner reads. */
describe("toStepError", () => {
  it("stops the run with the file's plain-words reason when the file is at fault", () => {
    const mapped = toStepError(new MediaError("corrupt", "The recording could not be decoded to the end.", "ffmpeg: invalid data at 0x10"));
    expect(mapped).toBeInstanceOf(NonRetriableError);
    expect((mapped as Error).message).toBe("The recording could not be decoded to the end.");
  });

  it("stops a cancelled run without blaming anyone", () => {
    expect((toStepError(new MediaError("cancelled", "cancelled")) as Error).message).toBe("The processing was cancelled.");
  });

  it("retries ffmpeg failures of ours (timeout, memory, a missing binary)", () => {
    for (const code of ["timeout", "memory", "failed", "missing_binary"] as const) {
      const err = new MediaError(code, "ours");
      expect(toStepError(err), code).toBe(err);
    }
  });

  it("stops the run with an AppError's message, including server-side ones", () => {
    const full = toStepError(new AppError("unavailable", "The server ran out of disk space."));
    expect(full).toBeInstanceOf(NonRetriableError);
    expect((full as Error).message).toBe("The server ran out of disk space.");
    expect(toStepError(new AppError("unsupported_media", "The intro is not audio."))).toBeInstanceOf(NonRetriableError);
  });

  it("retries anything it does not know (a missing file, a reset connection)", async () => {
    const lost = Object.assign(new Error("ENOENT: no such file or directory"), { code: "ENOENT" });
    expect(toStepError(lost)).toBe(lost);
    await expect(inStep(async () => Promise.reject(lost))).rejects.toBe(lost);
    await expect(inStep(async () => Promise.reject(new AppError("not_found", "gone")))).rejects.toBeInstanceOf(NonRetriableError);
    await expect(inStep(async () => 42)).resolves.toBe(42);
  });
});

describe("failureReason", () => {
  it("shows a non-retriable reason as written, and blames the server for anything else", () => {
    expect(failureReason({ name: "NonRetriableError", message: "The intro is not audio." })).toBe("The intro is not audio.");
    expect(failureReason({ name: "Error", message: "ENOENT: /data/tmp/work/x/episode.mp3" })).toBe(SERVER_FAILURE_REASON);
    expect(failureReason({ name: "MediaError", message: "The recording could not be decoded to the end." })).toBe(SERVER_FAILURE_REASON);
    expect(SERVER_FAILURE_REASON).toMatch(/on our side/);
    expect(SERVER_FAILURE_REASON).not.toMatch(/\/|Error|ENOENT/);
  });
});
