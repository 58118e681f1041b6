"use client";

import { useState } from "react";
import { buttonClass } from "./styles";

/** Copies `text` to the clipboard and says so; `label` names what is copied for screen readers. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <button
      type="button"
      className={buttonClass("secondary")}
      aria-label={label}
      onClick={() => {
        navigator.clipboard.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
    >
      <span aria-live="polite">{copied === null ? "Copy" : copied ? "Copied" : "Select and copy it"}</span>
    </button>
  );
}
