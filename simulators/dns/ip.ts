/**
 * IP address text forms: the dotted quad (RFC 1035 §3.4.1 A RDATA, written as
 * `inet_pton` reads it) and the IPv6 forms of RFC 4291 §2.2, normalised to the
 * canonical text of RFC 5952. The zone-file parser uses these for A and AAAA
 * records; SPF's `ip4:` and `ip6:` mechanisms (RFC 7208 §5.6) reuse them, so
 * both sides compare the same bytes.
 */

/**
 * Parses a dotted-quad IPv4 address into its four octets, or returns
 * undefined. Strict on purpose: exactly four decimal parts, each 0–255, and
 * no leading zeros, because `inet_aton` reads `010` as octal 8 while
 * `inet_pton` refuses it; refusing is the only reading that cannot surprise.
 */
export function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const part of parts) {
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** Writes four octets as a dotted quad. */
export function formatIPv4(bytes: readonly number[]): string {
  return bytes.join('.');
}

/**
 * Parses the 16-bit groups of one side of a `::`. `allowV4` says whether the
 * last group may be an embedded dotted quad, which RFC 4291 §2.2 form 3 only
 * allows in the low-order 32 bits, i.e. at the very end of the address.
 */
function parseGroups(text: string, allowV4: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (allowV4 && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIPv4(part);
      if (v4 === undefined) return undefined;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/**
 * Parses any RFC 4291 §2.2 text form (`2001:DB8:0:0:8:800:200C:417A`,
 * `2001:db8::1`, `::`, `::ffff:192.0.2.1`) into 16 bytes, or returns
 * undefined. Zone indexes (`%eth0`, RFC 4007) are refused: they have no
 * meaning in DNS data.
 */
export function parseIPv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined; // RFC 4291 §2.2: "::" can only appear once
  let groups: number[];
  if (halves.length === 1) {
    const all = parseGroups(halves[0]!, true);
    if (all === undefined || all.length !== 8) return undefined;
    groups = all;
  } else {
    const head = parseGroups(halves[0]!, false);
    const tail = parseGroups(halves[1]!, true);
    // RFC 4291 §2.2: "::" stands for one or more groups of zeros, so at most 7 are written.
    if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  return bytes;
}

/**
 * Writes 16 bytes in the canonical form of RFC 5952 §4: lower-case hex, no
 * leading zeros, the longest run of two or more zero groups (the first, on a
 * tie) replaced by `::`. IPv4-mapped addresses keep the dotted quad
 * (RFC 5952 §5).
 */
export function formatIPv6(bytes: readonly number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // RFC 5952 §5: ::ffff:0:0/96 is written with its IPv4 address in dotted-quad form.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIPv4(bytes.slice(12, 16))}`;
  }
  let bestStart = -1;
  let bestLength = 1; // RFC 5952 §4.2.2: a single zero group is not shortened
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    // RFC 5952 §4.2.3: the longest run wins; on a tie, the first.
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}
