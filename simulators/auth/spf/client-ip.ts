/**
 * The SMTP client's address as SPF sees it: the `<ip>` argument of
 * check_host() (RFC 7208 §4.1), its text forms for the `i`, `c` and `v`
 * macros (§7.3), its reverse-DNS name for `ptr` and `%{p}` (§5.5), and prefix
 * matching for `ip4`, `ip6`, `a` and `mx` (§5.3, §5.6).
 *
 * RFC 7208 §5 (last paragraph): an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`,
 * RFC 4291 §2.5.5.2) "MUST still be considered an IPv4 address", so it is
 * turned into its IPv4 form here, once, and nothing downstream sees the IPv6
 * form: it matches `ip4:` but never `ip6:`, `a` asks for A records, `%{v}` is
 * `in-addr`.
 */
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../../dns/ip.ts';

/** A client address: 4 bytes for IPv4, 16 for IPv6. */
export interface ClientIp {
  readonly version: 4 | 6;
  readonly bytes: readonly number[];
}

/**
 * Parses the client address, folding IPv4-mapped IPv6 into IPv4 (RFC 7208
 * §5). Returns undefined when the text is neither a dotted quad nor an IPv6
 * address.
 */
export function parseClientIp(text: string): ClientIp | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return { version: 4, bytes: v4 };
  const v6 = parseIPv6(text);
  if (v6 === undefined) return undefined;
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? { version: 4, bytes: v6.slice(12) } : { version: 6, bytes: v6 };
}

/** `%{c}` (RFC 7208 §7.3): the dotted quad, or the RFC 5952 text of an IPv6 address. */
export function readableIp(ip: ClientIp): string {
  return ip.version === 4 ? formatIPv4(ip.bytes) : formatIPv6(ip.bytes);
}

/** The 32 nibbles of an IPv6 address, most significant first, lower-case hex. */
function nibbles(bytes: readonly number[]): string[] {
  const out: string[] = [];
  for (const b of bytes) out.push((b >> 4).toString(16), (b & 0xf).toString(16));
  return out;
}

/**
 * `%{i}` (RFC 7208 §7.3): the dotted quad, or for IPv6 the 32 nibbles
 * separated by dots. Lower-case, as in the §7.4 example
 * (`1.0.b.c.0.0.…8.b.d.0.1.0.0.2`).
 */
export function dottedIp(ip: ClientIp): string {
  return ip.version === 4 ? formatIPv4(ip.bytes) : nibbles(ip.bytes).join('.');
}

/** `%{v}` (RFC 7208 §7.3): `in-addr` for IPv4, `ip6` for IPv6. */
export function ipVersionLabel(ip: ClientIp): 'in-addr' | 'ip6' {
  return ip.version === 4 ? 'in-addr' : 'ip6';
}

/** The reverse-mapping name queried for PTR records (RFC 1035 §3.5, RFC 3596 §2.5). */
export function reverseName(ip: ClientIp): string {
  if (ip.version === 4) return `${[...ip.bytes].reverse().join('.')}.in-addr.arpa`;
  return `${nibbles(ip.bytes).reverse().join('.')}.ip6.arpa`;
}

/** Whether `a` and `b` (same length) agree on their first `prefix` bits. */
export function prefixMatches(a: readonly number[], b: readonly number[], prefix: number): boolean {
  if (a.length !== b.length) return false;
  let bits = prefix;
  for (let i = 0; i < a.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((a[i] ?? 0) & mask) !== ((b[i] ?? 0) & mask)) return false;
  }
  return true;
}

/**
 * Parses an address from an A or AAAA record, as bytes of the given family;
 * undefined for data that is not an address of that family (the evaluator
 * skips such records rather than failing).
 */
export function recordAddress(text: string, version: 4 | 6): readonly number[] | undefined {
  return version === 4 ? parseIPv4(text) : parseIPv6(text);
}
