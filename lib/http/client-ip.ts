type HeaderSource = Pick<Headers, "get"> | Record<string, string | string[] | undefined> | undefined | null;

/**
 * The address of the TCP peer of a request, as the Node server saw it: set on every incoming
 * request by `tagPeerAddress()` (lib/http/peer-address.ts, installed from instrumentation.ts),
 * replacing anything a client sent under that name.
 */
export const PEER_HEADER = "x-podcastpro-peer";

/**
 * The client's address, for rate limits and analytics (they agree). With the Node server's
 * peer known: the peer itself, or with `trustedHops` reverse proxies in front (TRUST_PROXY_HOPS,
 * e.g. 1 behind nginx) the X-Forwarded-For entry that many hops back — entries before that are
 * whatever the client claimed, so a client cannot pick its address by sending the header.
 * Without a peer (a platform such as Vercel that runs the handler itself): the last
 * X-Forwarded-For entry, which the platform's edge appends, else X-Real-IP. IPv4 seen through an
 * IPv6 socket is the same client. Null when nothing says.
 */
export function clientIp(headers: HeaderSource, trustedHops = 0): string | null {
  const get = (name: string): string | undefined => {
    if (!headers) return undefined;
    if (typeof (headers as Headers).get === "function") return (headers as Pick<Headers, "get">).get(name) ?? undefined;
    const v = (headers as Record<string, string | string[] | undefined>)[name];
    return Array.isArray(v) ? v.join(",") : v;
  };
  const forwarded = get("x-forwarded-for")?.split(",").map((s) => s.trim()).filter(Boolean) ?? [];
  const peer = get(PEER_HEADER)?.trim();
  let ip: string | undefined;
  if (peer) {
    const chain = [...forwarded, peer];
    ip = chain[Math.max(0, chain.length - 1 - trustedHops)];
  } else {
    ip = forwarded.at(-1) ?? get("x-real-ip")?.trim();
  }
  return ip ? ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "").slice(0, 64) : null;
}
