type HeaderSource = Headers | Record<string, string | string[] | undefined> | undefined | null;

/**
 * The client's address as the nearest proxy saw it: the LAST X-Forwarded-For entry (a reverse
 * proxy appends the peer it saw; Next sets it to the socket peer when there is none; earlier
 * entries are whatever the client claimed), else X-Real-IP, else null. IPv4 seen through an IPv6
 * socket is the same client. Rate limits and analytics both use this, so they agree.
 */
export function clientIp(headers: HeaderSource): string | null {
  const get = (name: string): string | undefined => {
    if (!headers) return undefined;
    if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
    const v = (headers as Record<string, string | string[] | undefined>)[name];
    return Array.isArray(v) ? v.join(",") : v;
  };
  const forwarded = get("x-forwarded-for");
  const last = forwarded?.split(",").map((s) => s.trim()).filter(Boolean).at(-1);
  const ip = last ?? get("x-real-ip")?.trim();
  return ip ? ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "").slice(0, 64) : null;
}

