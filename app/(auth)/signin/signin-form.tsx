"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, useTransition } from "react";
import { FormMessage, TextField, buttonClass } from "@/components/ui";
import { fieldErrorsFromIssues } from "@/lib/errors";
import { credentialsSchema } from "@/lib/validation/user";

// Mirrors RATE_LIMIT_MESSAGE_PREFIX in lib/auth/rate-limit.ts (server-only, not importable here).
const RATE_LIMIT_MESSAGE_PREFIX = "Too many attempts.";

export function SignInForm({ callbackUrl, notice }: { callbackUrl: string; notice?: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    const parsed = credentialsSchema.safeParse({ email: fd.get("email"), password: fd.get("password") });
    if (!parsed.success) {
      setFields(fieldErrorsFromIssues(parsed.error.issues));
      setMessage(undefined);
      return;
    }
    setFields({});
    startTransition(async () => {
      const res = await signIn("credentials", { ...parsed.data, redirect: false });
      if (res?.ok && !res.error) {
        router.push(callbackUrl);
        router.refresh();
      } else if (res?.error?.startsWith(RATE_LIMIT_MESSAGE_PREFIX) || res?.error?.startsWith("Signing in failed")) {
        setMessage(res.error);
      } else {
        setMessage("E-mail or password is incorrect.");
      }
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {!message && <FormMessage message={notice} ok />}
      <FormMessage message={message} />
      <TextField label="E-mail" name="email" type="email" autoComplete="email" required error={fields.email} />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required error={fields.password} />
      <button type="submit" className={buttonClass()} disabled={pending} aria-busy={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
      <p className="text-sm text-slate-600">
        New here? <Link href="/signup" className="text-indigo-700 underline">Create an account</Link>
      </p>
    </form>
  );
}
