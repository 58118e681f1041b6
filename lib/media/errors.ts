/**
 * Why a media operation failed, in words a podcaster can act on. The boundaries map it:
 * `unsupported`, `no_audio`, `empty`, `corrupt`, `too_long`, `too_large` are the user's file (415/422 at
 * upload, a non-retriable failed run); `timeout`, `memory`, `failed`, `missing_binary` are ours
 * (retriable, logged).
 */
export type MediaErrorCode =
  | "unsupported" // not one of the accepted audio or image formats
  | "no_audio" // a container without an audio stream
  | "empty" // zero duration / no samples
  | "corrupt" // does not decode to the end (truncated, damaged)
  | "too_long" // over the duration limit
  | "too_large" // would decode to more raw audio than the decoded-size limit
  | "cancelled" // the caller aborted
  | "timeout" // ffmpeg ran past its time limit and was killed
  | "memory" // ffmpeg went over its memory cap and was killed
  | "missing_binary" // ffmpeg/ffprobe not found or not executable
  | "verification" // the mastered file missed the loudness target even after one correction
  | "failed"; // ffmpeg failed for another reason

/** Errors the user caused with their file: retrying will not help. */
const USER_CODES: ReadonlySet<MediaErrorCode> = new Set(["unsupported", "no_audio", "empty", "corrupt", "too_long", "too_large"]);

export class MediaError extends Error {
  readonly code: MediaErrorCode;
  /** Plain-words reason, safe to show to the user. */
  readonly reason: string;
  /** Technical detail for logs (ffmpeg's last lines); never shown to users. */
  readonly detail?: string;

  constructor(code: MediaErrorCode, reason: string, detail?: string) {
    super(detail ? `${reason} (${detail.slice(0, 500)})` : reason);
    this.name = "MediaError";
    this.code = code;
    this.reason = reason;
    this.detail = detail;
  }

  /** True when the file itself is the problem, so a retry is pointless (Inngest NonRetriableError). */
  get isUserError(): boolean {
    return USER_CODES.has(this.code) || this.code === "verification";
  }
}

export function isMediaError(err: unknown): err is MediaError {
  return err instanceof MediaError;
}
