import type { ReactNode } from "react";
import { SiteChrome } from "@/components/site-chrome";

export default function LandingLayout({ children }: { children: ReactNode }) {
  return <SiteChrome>{children}</SiteChrome>;
}
