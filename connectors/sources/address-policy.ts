import ipaddr from 'ipaddr.js';

// Wording for the ipaddr.js ranges an outbound fetch must never reach. Anything not listed but
// also not plain `unicast` is refused with its range name: an allowlist, so new ranges fail closed.
const RANGE_WORDING: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a carrier-grade NAT (100.64/10) address',
  uniqueLocal: 'a unique-local address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'a broadcast address',
  reserved: 'a reserved address',
  deprecatedSiteLocal: 'a site-local address',
  teredo: 'a Teredo tunnel address',
};

const CLOUD_METADATA = new Set(['169.254.169.254', 'fd00:ec2::254']);

export type AddressVerdict = { allowed: true } | { allowed: false; why: string };

/**
 * Decides whether an outbound request may connect to `ip`. IPv6 forms that carry an IPv4 address
 * (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by
 * the IPv4 address inside, since that is where the packets can end up.
 */
export function classifyAddress(ip: string): AddressVerdict {
  if (!ipaddr.isValid(ip)) return { allowed: false, why: 'not an IP address' };
  const parsed = ipaddr.parse(ip);
  if (parsed.kind() === 'ipv6') {
    const embedded = embeddedIPv4(parsed as ipaddr.IPv6);
    if (embedded) {
      const inner = classifyAddress(embedded.toString());
      return inner.allowed ? inner : { allowed: false, why: `${inner.why} (embedded in IPv6)` };
    }
  }
  const normalized = parsed.toString();
  const range = parsed.range();
  if (range === 'unicast') return { allowed: true };
  const wording = RANGE_WORDING[range] ?? `a non-public address (${range})`;
  return { allowed: false, why: CLOUD_METADATA.has(normalized) ? `${wording} (cloud metadata endpoint)` : wording };
}

export function isPublicAddress(ip: string): boolean {
  return classifyAddress(ip).allowed;
}

function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | null {
  const range = v6.range();
  const bytes = v6.toByteArray();
  if (range === 'ipv4Mapped' || range === 'rfc6052') return new ipaddr.IPv4(bytes.slice(12));
  if (range === '6to4') return new ipaddr.IPv4(bytes.slice(2, 6));
  // IPv4-compatible ::a.b.c.d (deprecated) — ipaddr.js calls it unicast, the kernel may not.
  if (bytes.slice(0, 12).every((b) => b === 0) && !(range === 'loopback' || range === 'unspecified')) {
    return new ipaddr.IPv4(bytes.slice(12));
  }
  return null;
}

/** Raised before any byte is sent to a refused address; its message is what users see. */
export class SsrfRefusedError extends Error {
  constructor(
    readonly address: string,
    why: string,
  ) {
    super(`refused: ${address} is ${why} (SSRF protection)`);
    this.name = 'SsrfRefusedError';
  }
}

/** Strips the brackets WHATWG URL keeps around IPv6 hosts; null for host names. */
export function ipLiteralOf(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) && (bare.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(bare)) ? bare : null;
}
