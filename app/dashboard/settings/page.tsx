import type { Metadata } from "next";
import { DeleteButton } from "@/components/delete-button";
import { requireViewer } from "@/lib/auth/session";
import { formatDate } from "@/lib/dashboard";
import { listApiTokens } from "@/lib/data/tokens";
import { revokeTokenAction } from "./actions";
import { ChangePasswordForm, SignOutEverywhereForm } from "./account-forms";
import { TokenForm } from "./token-form";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const viewer = await requireViewer();
  const tokens = await listApiTokens(viewer);
  return (
    <>
      <h1 className="text-2xl font-semibold">Settings</h1>
      <section className="space-y-4 rounded-lg border border-slate-200 bg-white p-6">
        <h2 className="text-lg font-semibold">Password</h2>
        <p className="text-sm text-slate-600">
          Changing it signs you out everywhere, this browser included, and revokes every API token.
        </p>
        <ChangePasswordForm />
      </section>
      <section className="space-y-4 rounded-lg border border-slate-200 bg-white p-6">
        <h2 className="text-lg font-semibold">Sessions</h2>
        <p className="text-sm text-slate-600">
          Signs out every browser signed in to your account, this one included. API tokens keep working: revoke them below.
        </p>
        <SignOutEverywhereForm />
      </section>
      <section className="space-y-4 rounded-lg border border-slate-200 bg-white p-6">
        <h2 className="text-lg font-semibold">API tokens</h2>
        <p className="text-sm text-slate-600">
          Scripts use these as <code>Authorization: Bearer &lt;token&gt;</code> with the REST API at <code>/api/v1</code> (
          <a className="text-indigo-700 underline" href="/api/v1/openapi.json">OpenAPI</a>).
        </p>
        <TokenForm />
        {tokens.length === 0 ? (
          <p className="text-sm text-slate-500">No active tokens.</p>
        ) : (
          <ul className="divide-y divide-slate-200" aria-label="API tokens">
            {tokens.map((t) => (
              <li key={t.id} className="flex flex-wrap items-center justify-between gap-2 py-3 text-sm">
                <span>
                  <span className="font-medium">{t.name}</span> <span className="font-mono text-slate-500">…{t.lastFour}</span>
                  <span className="block text-slate-500">
                    expires {formatDate(t.expiresAt)} · last used {formatDate(t.lastUsedAt)}
                  </span>
                </span>
                <DeleteButton action={revokeTokenAction.bind(null, t.id)} what="token" />
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
