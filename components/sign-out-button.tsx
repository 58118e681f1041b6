"use client";

import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";

export function SignOutButton({ className = "text-slate-700 hover:underline" }: { className?: string }) {
  const router = useRouter();
  return (
    <button
      type="button"
      // When the request cannot be made (offline, say), next-auth's own sign-out page still works.
      onClick={() => {
        signOut({ callbackUrl: "/" }).catch(() => router.push("/api/auth/signout"));
      }}
      className={className}
    >
      Sign out
    </button>
  );
}
