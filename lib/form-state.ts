import { unstable_rethrow } from "next/navigation";
import { AppError, fieldErrorsFromIssues } from "@/lib/errors";
import { log } from "@/lib/log";
import { unstorableTextIssues } from "@/lib/validation/text";
import type { z } from "zod";

/** What a server action returns to its form (shown with useActionState). */
export interface FormState {
  ok?: boolean;
  message?: string;
  fields?: Record<string, string>;
  /** What the user typed, so a failed submit keeps it. */
  values?: Record<string, string>;
}

export const initialFormState: FormState = {};

/** The form's text values (files and passwords left out), to hand back on failure. */
export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData) {
    if (typeof value === "string" && !key.startsWith("$") && !/password/i.test(key)) values[key] = value;
  }
  return values;
}

/** The one mapping from a thrown value to form state. Unknown errors are logged, not shown. */
export function formStateFromError(err: unknown, formData: FormData): FormState {
  unstable_rethrow(err); // redirect() and notFound() are control flow, not errors
  const values = formValues(formData);
  if (err instanceof AppError) {
    return { message: err.message, fields: err.fields, values };
  }
  log.error("unexpected error", { component: "action", err });
  return { message: "Something went wrong on our side. Please try again.", values };
}

/**
 * Validates with `schema`; on failure the form state to return, with per-field messages. Text no
 * field may hold (control characters, lone surrogates: lib/validation/text.ts) fails on its field.
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  input: unknown,
  formData: FormData,
): { data: z.output<S>; state?: undefined } | { data?: undefined; state: FormState } {
  const textIssues = unstorableTextIssues(input);
  const result = schema.safeParse(input);
  if (result.success && !textIssues.length) return { data: result.data };
  return {
    state: {
      message: "Please correct the highlighted fields.",
      fields: fieldErrorsFromIssues([...textIssues, ...(result.error?.issues ?? [])]),
      values: formValues(formData),
    },
  };
}

/**
 * FormData → a plain object for the shared schemas: checkboxes become booleans, number fields
 * numbers (blank = null), optional text blank = null, and blank `omitIfBlank` fields disappear.
 */
export function formToInput(
  formData: FormData,
  spec: { text?: string[]; booleans?: string[]; numbers?: string[]; nullable?: string[]; omitIfBlank?: string[] },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const get = (k: string) => {
    const v = formData.get(k);
    return typeof v === "string" ? v : "";
  };
  for (const k of spec.text ?? []) out[k] = get(k);
  for (const k of spec.nullable ?? []) out[k] = get(k).trim() === "" ? null : get(k);
  for (const k of spec.omitIfBlank ?? []) if (get(k).trim() !== "") out[k] = get(k);
  for (const k of spec.booleans ?? []) out[k] = formData.get(k) === "on" || formData.get(k) === "true";
  for (const k of spec.numbers ?? []) {
    const v = get(k).trim();
    out[k] = v === "" ? null : Number(v);
  }
  return out;
}

/**
 * JSON textareas of a form (`json.<name>`; Podcasting 2.0 lists): the parsed values for the
 * fields the form carries (blank = `blank`), and a plain-words error for malformed JSON.
 */
export function jsonFormFields(formData: FormData, blanks: Record<string, unknown>): { input: Record<string, unknown>; fields: Record<string, string> } {
  const input: Record<string, unknown> = {};
  const fields: Record<string, string> = {};
  for (const [name, blank] of Object.entries(blanks)) {
    const raw = formData.get(`json.${name}`);
    if (typeof raw !== "string") continue;
    if (raw.trim() === "") {
      input[name] = blank;
      continue;
    }
    try {
      input[name] = JSON.parse(raw);
    } catch (err) {
      fields[`json.${name}`] = `This is not valid JSON (${err instanceof Error ? err.message : "parse error"}).`;
    }
  }
  return { input, fields };
}

/** Errors of nested JSON values ("persons.0.role") shown on their textarea, saying where: "Item 1, role: …". */
export function foldJsonFieldErrors(state: FormState, names: string[]): FormState {
  if (!state.fields) return state;
  const fields: Record<string, string> = {};
  for (const [key, message] of Object.entries(state.fields)) {
    const [top, ...rest] = key.split(".");
    if (!top || !names.includes(top)) {
      fields[key] = message;
      continue;
    }
    const where = rest.map((p) => (/^\d+$/.test(p) ? `Item ${Number(p) + 1}` : p)).join(", ");
    fields[`json.${top}`] ??= where ? `${where}: ${message}` : message;
  }
  return { ...state, fields };
}
