import type { ReactNode } from "react";
import { requireViewer } from "@/lib/auth/session";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  await requireViewer();
  return <div className="space-y-6">{children}</div>;
}
