import { NonRetriableError } from "inngest";
import { AppError } from "@/lib/errors";
import { MediaError } from "@/lib/media";

/**
 * The Inngest boundary's one error mapper, as lib/api/respond.ts is HTTP's. Steps throw what the
 * code below them throws (AppError from the data layer, MediaError from lib/media, anything
 * else); `inStep()` turns it into what the run should do, and `failureReason()` into the words
 * its owner reads when it failed.
 */

/** What a failed run says when the server, not the podcaster's file, is to blame. */
export const SERVER_FAILURE_REASON =
  "Processing failed on our side after several attempts; nothing is wrong with your files. Try again; if it keeps failing, check the server logs.";

/**
 * A thrown value → a step error. Errors we can explain in plain words stop the run at once
 * (NonRetriableError carrying the reason): the file's faults, a cancellation, and AppErrors
 * (including `unavailable`, whose message blames the server). Anything else is ours and unknown:
 * rethrown as it is, so the step is retried and, if it keeps failing, the run fails with
 * SERVER_FAILURE_REASON.
 */
export function toStepError(err: unknown): unknown {
  if (err instanceof NonRetriableError) return err;
  if (err instanceof MediaError) {
    if (err.isUserError) return new NonRetriableError(err.reason, { cause: err });
    if (err.code === "cancelled") return new NonRetriableError("The processing was cancelled.", { cause: err });
    return err; // timeout, memory, missing binary, ffmpeg failing for another reason: ours, retry
  }
  if (err instanceof AppError) return new NonRetriableError(err.message, { cause: err });
  return err;
}

/** Runs a step body and maps what it throws (see `toStepError`). */
export async function inStep<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toStepError(err);
  }
}

/**
 * The reason shown for a failed run (onFailure's `error`): a NonRetriableError's message was
 * written for people by `toStepError`; anything else means retries ran out on an error of ours.
 */
export function failureReason(error: { name?: string; message?: string }): string {
  return error.name === "NonRetriableError" && error.message ? error.message : SERVER_FAILURE_REASON;
}
