import net from "node:net";

/**
 * Which IP addresses a server may fetch users' URLs from: public unicast only. Everything a
 * request could use to reach this machine, its network or a cloud's metadata service is refused.
 * Written out as byte prefixes (not net.BlockList) so IPv4 embedded in IPv6 is checked the same
 * way whatever the notation.
 */

type Range = { bytes: number[]; bits: number; why: string };

const v4 = (cidr: string, why: string): Range => {
  const [addr, bits] = cidr.split("/");
  return { bytes: addr!.split(".").map(Number), bits: Number(bits), why };
};

const V4_BLOCKED: Range[] = [
  v4("0.0.0.0/8", "an unspecified address"),
  v4("10.0.0.0/8", "a private address"),
  v4("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
  v4("127.0.0.0/8", "a loopback address"),
  v4("169.254.0.0/16", "a link-local or cloud metadata address"),
  v4("172.16.0.0/12", "a private address"),
  v4("192.0.0.0/24", "a reserved address"),
  v4("192.0.2.0/24", "a documentation address"),
  v4("192.88.99.0/24", "a reserved address"),
  v4("192.168.0.0/16", "a private address"),
  v4("198.18.0.0/15", "a benchmarking address"),
  v4("198.51.100.0/24", "a documentation address"),
  v4("203.0.113.0/24", "a documentation address"),
  v4("224.0.0.0/4", "a multicast address"),
  v4("240.0.0.0/4", "a reserved or broadcast address"),
];

/** 16 bytes of an IPv6 address, or null if it is not one. */
export function ipv6Bytes(address: string): number[] | null {
  if (!net.isIPv6(address)) return null;
  let a = address.split("%")[0]!;
  // A trailing dotted IPv4 (::ffff:127.0.0.1) becomes two hextets.
  const dotted = a.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const b = dotted[2]!.split(".").map(Number);
    a = `${dotted[1]}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = a.includes("::") ? a.split("::") : [a, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  if (groups.length !== 8) return null;
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

const V6_BLOCKED: Range[] = [
  { bytes: [], bits: 128, why: "an unspecified address" }, // ::
  { bytes: [...Array(15).fill(0), 1], bits: 128, why: "a loopback address" }, // ::1
  { bytes: [0x01, 0x00, ...Array(6).fill(0)], bits: 64, why: "a discard address" }, // 100::/64
  { bytes: [0x20, 0x01, 0x0d, 0xb8], bits: 32, why: "a documentation address" }, // 2001:db8::/32
  { bytes: [0xfc], bits: 7, why: "a private (unique local) address" }, // fc00::/7, incl. AWS fd00:ec2::254
  { bytes: [0xfe, 0x80], bits: 10, why: "a link-local address" }, // fe80::/10
  { bytes: [0xfe, 0xc0], bits: 10, why: "a site-local address" }, // fec0::/10
  { bytes: [0xff], bits: 8, why: "a multicast address" }, // ff00::/8
];

function inRange(addr: number[], range: Range): boolean {
  let bits = range.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const want = range.bytes[i] ?? 0;
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((addr[i] ?? 0) & mask) !== (want & mask)) return false;
  }
  return true;
}

/**
 * Why `address` must not be fetched from (e.g. "a loopback address"), or null for a public
 * address. Anything that is not an IP address at all is refused too.
 */
export function blockedAddressReason(address: string): string | null {
  if (net.isIPv4(address)) {
    const bytes = address.split(".").map(Number);
    return V4_BLOCKED.find((r) => inRange(bytes, r))?.why ?? null;
  }
  const b = ipv6Bytes(address);
  if (!b) return "not an IP address";
  const allZero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const embedded = (from: number) => b.slice(from, from + 4).join(".");
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4
  // (2002:aabb:ccdd::) all reach an IPv4 host: judge that host.
  if (allZero(0, 10) && b[10] === 0xff && b[11] === 0xff) return blockedAddressReason(embedded(12));
  if (allZero(0, 12) && !allZero(12, 15)) return blockedAddressReason(embedded(12));
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && allZero(4, 12)) return blockedAddressReason(embedded(12));
  if (b[0] === 0x20 && b[1] === 0x02) return blockedAddressReason(embedded(2));
  return V6_BLOCKED.find((r) => inRange(b, r))?.why ?? null;
}
