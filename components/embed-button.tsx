"use client";

import { useState } from "react";
import { buttonClass } from "./styles";

/**
 * "Embed": copies the episode player's `<iframe>` to the clipboard and shows the code, so it can
 * be copied by hand where the clipboard is refused.
 */
export function EmbedButton({ code }: { code: string }) {
  const [state, setState] = useState<"idle" | "copied" | "refused">("idle");
  return (
    <div className="space-y-2">
      <button
        type="button"
        className={buttonClass("secondary")}
        onClick={() => {
          navigator.clipboard.writeText(code).then(
            () => setState("copied"),
            () => setState("refused"),
          );
        }}
      >
        Embed
      </button>
      {state !== "idle" && (
        <div className="space-y-1">
          <p aria-live="polite" className="text-sm text-slate-600">
            {state === "copied" ? "The player's code is copied: paste it into your site." : "Select the code below and copy it."}
          </p>
          <label htmlFor="embed-code" className="sr-only">Embed code</label>
          <textarea id="embed-code" readOnly rows={3} value={code} className="w-full rounded-md border border-slate-300 bg-slate-50 p-2 font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
        </div>
      )}
    </div>
  );
}
