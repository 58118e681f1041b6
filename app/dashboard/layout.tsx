import type { ReactNode } from "react";
import { SiteChrome } from "@/components/site-chrome";
import { requireViewer } from "@/lib/auth/session";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  await requireViewer();
  return (
    <SiteChrome>
      <div className="space-y-6">{children}</div>
    </SiteChrome>
  );
}
