"use client";

import { useEffect, useId, useRef, useState } from "react";
import { buttonClass, inputClass } from "./styles";

/** Puts `text` on the clipboard: the async Clipboard API, or the selected input and execCommand where that API is missing or refused. */
async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!input) return false;
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }
}

/** A read-only value (a feed URL) with a Copy button; the result is announced to screen readers. */
export function CopyField({ label, value, hint }: { label: string; value: string; hint?: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState("");
  useEffect(() => {
    if (!status) return;
    const t = setTimeout(() => setStatus(""), 4000);
    return () => clearTimeout(t);
  }, [status]);
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">{label}</label>
      <div className="mt-1 flex gap-2">
        <input
          id={id}
          ref={input}
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          className={`${inputClass} min-w-0 flex-1 font-mono text-sm`}
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
        <button
          type="button"
          className={`${buttonClass("secondary")} min-h-11 shrink-0`}
          onClick={() => void copyText(value, input.current).then((ok) => setStatus(ok ? "Copied" : "Could not copy: select the address and copy it"))}
        >
          Copy<span className="sr-only"> {label}</span>
        </button>
      </div>
      {hint && <p id={`${id}-hint`} className="mt-1 text-sm text-slate-600">{hint}</p>}
      <p aria-live="polite" role="status" className="mt-1 min-h-5 text-sm text-emerald-700" data-testid="copy-status">{status}</p>
    </div>
  );
}
