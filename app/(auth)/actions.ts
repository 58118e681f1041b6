"use server";

import { headers } from "next/headers";
import { clientIp, limitSignUp } from "@/lib/auth/rate-limit";
import { createUser } from "@/lib/data/users";
import { formStateFromError, parseForm, type FormState } from "@/lib/form-state";
import { signUpSchema } from "@/lib/validation/user";

/** Creates the account (under the sign-up rate limit); the form then signs in with the same credentials. */
export async function signUpAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = parseForm(
    signUpSchema,
    { name: formData.get("name"), email: formData.get("email"), password: formData.get("password") },
    formData,
  );
  if (parsed.state) return parsed.state;
  try {
    await limitSignUp({ email: parsed.data.email, ip: clientIp(await headers()) });
    await createUser(parsed.data);
    return { ok: true };
  } catch (err) {
    return formStateFromError(err, formData);
  }
}
