"use client";

import { useFormStatus } from "react-dom";
import type { ComponentProps, ReactNode } from "react";
import { buttonClass, inputClass } from "./styles";

export { buttonClass };

/** A submit button that shows it is busy while its form's action runs. */
export function SubmitButton({ children, pendingText, variant }: { children: ReactNode; pendingText?: string; variant?: "primary" | "danger" }) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className={buttonClass(variant)} disabled={pending} aria-busy={pending}>
      {pending ? (pendingText ?? "Saving…") : children}
    </button>
  );
}

interface FieldProps {
  label: string;
  name: string;
  error?: string;
  hint?: string;
  children?: ReactNode;
}

function FieldShell({ label, name, error, hint, children }: FieldProps) {
  return (
    <div className="space-y-1">
      <label htmlFor={name} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children}
      {hint && !error && (
        <p id={`${name}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${name}-error`} className="text-sm text-red-600" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

const describedBy = (name: string, error?: string, hint?: string) =>
  error ? `${name}-error` : hint ? `${name}-hint` : undefined;

export function TextField({ label, name, error, hint, ...rest }: FieldProps & ComponentProps<"input">) {
  return (
    <FieldShell label={label} name={name} error={error} hint={hint}>
      <input
        id={name}
        name={name}
        className={inputClass}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(name, error, hint)}
        {...rest}
      />
    </FieldShell>
  );
}

export function TextAreaField({ label, name, error, hint, ...rest }: FieldProps & ComponentProps<"textarea">) {
  return (
    <FieldShell label={label} name={name} error={error} hint={hint}>
      <textarea
        id={name}
        name={name}
        rows={5}
        className={inputClass}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(name, error, hint)}
        {...rest}
      />
    </FieldShell>
  );
}

export function SelectField({ label, name, error, hint, children, ...rest }: FieldProps & ComponentProps<"select">) {
  return (
    <FieldShell label={label} name={name} error={error} hint={hint}>
      <select
        id={name}
        name={name}
        className={inputClass}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(name, error, hint)}
        {...rest}
      >
        {children}
      </select>
    </FieldShell>
  );
}

export function CheckboxField({ label, name, error, ...rest }: { label: string; name: string; error?: string } & ComponentProps<"input">) {
  return (
    <div className="space-y-1">
      <label className="inline-flex min-h-11 items-center gap-2 text-sm font-medium text-slate-700">
        <input type="checkbox" name={name} className="h-4 w-4 rounded border-slate-300 text-indigo-600" {...rest} />
        {label}
      </label>
      {error && <p className="text-sm text-red-600" role="alert">{error}</p>}
    </div>
  );
}

/** The form-level message after a submit: an error summary or a confirmation. */
export function FormMessage({ message, ok }: { message?: string; ok?: boolean }) {
  if (!message) return null;
  return (
    <div
      role={ok ? "status" : "alert"}
      className={`rounded-md px-4 py-3 text-sm ${ok ? "bg-green-50 text-green-800" : "bg-red-50 text-red-800"}`}
    >
      {message}
    </div>
  );
}
