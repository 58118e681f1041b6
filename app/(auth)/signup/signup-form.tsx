"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useActionState, useEffect, useRef, useState } from "react";
import { FormMessage, SubmitButton, TextField } from "@/components/ui";
import { initialFormState } from "@/lib/form-state";
import { signUpAction } from "../actions";

export function SignUpForm() {
  const [state, action] = useActionState(signUpAction, initialFormState);
  const credentials = useRef<{ email: string; password: string } | null>(null);
  const [signInError, setSignInError] = useState<string>();
  const router = useRouter();

  useEffect(() => {
    if (!state.ok || !credentials.current) return;
    const { email, password } = credentials.current;
    credentials.current = null;
    const failed = () => setSignInError("Your account was created, but signing in failed. Please sign in.");
    signIn("credentials", { email, password, redirect: false }).then((res) => {
      if (res?.ok) {
        router.push("/dashboard");
        router.refresh();
      } else {
        failed();
      }
    }, failed);
  }, [state, router]);

  return (
    <form
      action={action}
      noValidate
      onSubmit={(e) => {
        const fd = new FormData(e.currentTarget);
        credentials.current = { email: String(fd.get("email") ?? ""), password: String(fd.get("password") ?? "") };
      }}
      className="space-y-4"
    >
      <FormMessage message={signInError ?? (state.ok ? undefined : state.message)} />
      <TextField label="Name" name="name" autoComplete="name" required defaultValue={state.values?.name} error={state.fields?.name} />
      <TextField label="E-mail" name="email" type="email" autoComplete="email" required defaultValue={state.values?.email} error={state.fields?.email} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        hint="At least 8 characters."
        error={state.fields?.password}
      />
      <SubmitButton pendingText="Creating account…">Create account</SubmitButton>
      <p className="text-sm text-slate-600">
        Already have an account? <Link href="/signin" className="text-indigo-700 underline">Sign in</Link>
      </p>
    </form>
  );
}
