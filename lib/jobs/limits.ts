import type { SerializedError } from "./run-state";

/**
 * What an Inngest server refuses (https://www.inngest.com/docs/usage-limits/inngest), enforced
 * by the embedded executor too, so a function that works here also works on Inngest Cloud.
 */
export interface RunLimits {
  /** Steps per run. */
  maxSteps: number;
  /** Bytes of JSON one step may return. */
  maxStepOutputBytes: number;
  /** Bytes of a run's state: its event, every step result and the function's return value. */
  maxStateBytes: number;
}

export const INNGEST_LIMITS: RunLimits = {
  maxSteps: 1000,
  maxStepOutputBytes: 4 * 1024 * 1024,
  maxStateBytes: 32 * 1024 * 1024,
};

/** Size of a value as stored and sent back to the SDK (JSON, UTF-8). */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null) ?? "null");
}

function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  return `${Number((bytes / 1024).toFixed(1))} KB`;
}

export function stepOutputTooLarge(step: string, bytes: number, limits: RunLimits): SerializedError {
  return {
    name: "StepOutputTooLargeError",
    message:
      `The step "${step}" returned ${bytes.toLocaleString("en")} bytes, more than the ${size(limits.maxStepOutputBytes)} a step result may hold ` +
      `(Inngest refuses it too: "step output size is greater than the limit"). Store large data elsewhere and return its key.`,
  };
}

export function tooManySteps(limits: RunLimits): SerializedError {
  return {
    name: "FunctionOverflowedError",
    message: `The function run exceeded the step limit of ${limits.maxSteps} steps. Fan big work out as one event per item.`,
  };
}

export function stateTooLarge(bytes: number, limits: RunLimits): SerializedError {
  return {
    name: "StateOverflowedError",
    message:
      `The function run's state (its event, step results and return value) reached ${size(bytes)}, more than the ` +
      `${size(limits.maxStateBytes)} a run may hold. Store large data elsewhere and hand over keys.`,
  };
}
