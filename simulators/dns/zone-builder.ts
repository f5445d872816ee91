/**
 * The record builder of the zone-file parser: it reads the entries that
 * {@link lexZone} made, one at a time, as directives (`$ORIGIN`, `$TTL`) or
 * records, keeping the state RFC 1035 §5.1 carries from line to line (the
 * current origin, the previous owner, the default TTL). A bad entry yields a
 * diagnostic and no record; the builder never throws.
 */
import { RR_TYPES, type RData, type RRType, type ResourceRecord } from './records.ts';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip.ts';
import { decodeToken, diagnostic, type ZoneEntry, type ZoneToken } from './zone-lexer.ts';
import type { LocatedRecord, Span } from './zone-lint.ts';
import type { ParseZoneOptions, ZoneDiagnostic } from './zone-file.ts';
import { utf8Bytes, utf8Text } from '../core/bytes.ts';

// RFC 2181 §8: a TTL is 0 to 2^31 - 1 seconds.
const MAX_TTL = 2 ** 31 - 1;
const MAX_U32 = 2 ** 32 - 1;
// RFC 1035 §2.3.4: labels are 63 octets or less, names 255 octets or less.
const MAX_LABEL = 63;
const MAX_NAME = 255;
// RFC 1035 §3.3: a <character-string> is a length octet and at most 255 octets.
const MAX_STRING = 255;
// TOLERANCE: with no TTL anywhere BIND refuses the record; the simulator warns and uses an hour.
const FALLBACK_TTL = 3600;

const CLASSES = new Set(['IN', 'CH', 'CHAOS', 'HS', 'HESIOD', 'CS', 'NONE', 'ANY']);
// Real types the simulator does not serve: named so the message can say "not supported", not "unknown".
const OTHER_TYPES = new Set(
  'SRV CAA TLSA DS DNSKEY RRSIG NSEC NSEC3 NSEC3PARAM CDS CDNSKEY HINFO NAPTR SSHFP DNAME LOC RP AFSDB SVCB HTTPS URI OPENPGPKEY SMIMEA ZONEMD CERT KEY SIG KX APL DHCID IPSECKEY WKS NULL'.split(
    ' ',
  ),
);

/** What each type's data looks like, for "missing data" messages. */
const RDATA_FORM: Record<RRType, string> = {
  A: 'an IPv4 address, e.g. `A 192.0.2.10`',
  AAAA: 'an IPv6 address, e.g. `AAAA 2001:db8::10`',
  MX: 'a preference and a host name, e.g. `MX 10 mx.example.net.`',
  TXT: 'one or more strings, e.g. `TXT "v=spf1 -all"`',
  CNAME: 'one target name, e.g. `CNAME www.example.com.`',
  PTR: 'one host name, e.g. `PTR mx.example.net.`',
  NS: 'one name server, e.g. `NS ns.example.com.`',
  SOA: 'seven fields: primary server, mailbox, serial, refresh, retry, expire, minimum',
};

/** A TTL in seconds, or BIND's units (`1h30m`, `2d`, `1W`); undefined if malformed or above `max`. */
export function parseTtl(text: string, max = MAX_TTL): number | undefined {
  let seconds: number;
  if (/^[0-9]+$/.test(text)) {
    seconds = Number(text);
  } else {
    if (!/^(?:[0-9]+[wdhms])+$/i.test(text)) return undefined;
    const unit: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
    seconds = 0;
    for (const [, n, u] of text.matchAll(/([0-9]+)([wdhms])/gi))
      seconds += Number(n) * unit[u!.toLowerCase()]!;
  }
  return seconds <= max ? seconds : undefined;
}

/** Reads one entry at a time, keeping the RFC 1035 §5.1 state between entries. */
export class ZoneBuilder {
  /** The records read so far, with where they were written. */
  readonly records: LocatedRecord[] = [];
  /** The problems found so far, in the order found. */
  readonly diagnostics: ZoneDiagnostic[] = [];
  /** The first origin known: the option or the first `$ORIGIN`. */
  zoneOrigin: string | undefined;
  #origin: string | undefined;
  #defaultTtl: number | undefined;
  #lastTtl: number | undefined;
  #soaMinimum: number | undefined;
  #lastOwner: string | undefined;
  #ownerFailed = false;

  constructor(options: ParseZoneOptions) {
    if (options.origin !== undefined) {
      const origin = normaliseName(options.origin);
      if (origin === undefined) {
        this.#error(
          { line: 1, column: 1, endColumn: 1 },
          'bad-origin',
          `the origin '${options.origin}' is not a domain name`,
        );
      } else {
        this.#origin = this.zoneOrigin = origin;
      }
    }
    if (options.defaultTtl !== undefined) this.#defaultTtl = options.defaultTtl;
  }

  /** Reads one entry: a directive changes the state, a record is added to `records`. */
  entry(entry: ZoneEntry): void {
    // The tokenizer reported the problem; guessing the record would only mislead.
    if (entry.broken) return;
    const first = entry.tokens[0]!;
    if (!entry.ownerOmitted && first.raw.startsWith('$')) this.#directive(entry.tokens);
    else this.#record(entry);
  }

  #directive(tokens: readonly ZoneToken[]): void {
    const [keyword, ...args] = tokens as [ZoneToken, ...ZoneToken[]];
    const name = keyword.raw.toUpperCase();
    if (name === '$INCLUDE') {
      this.#error(
        keyword,
        'include-unsupported',
        '$INCLUDE is not supported in the simulator: put the records in this zone',
      );
      return;
    }
    if (name !== '$ORIGIN' && name !== '$TTL') {
      this.#error(keyword, 'unknown-directive', `'${keyword.raw}' is not a directive: use $ORIGIN or $TTL`);
      return;
    }
    const arg = args[0];
    if (arg === undefined || args.length > 1) {
      const what = name === '$ORIGIN' ? 'one domain name' : 'one TTL';
      this.#error(args[1] ?? after(keyword), 'bad-directive', `${name} takes ${what}`);
      return;
    }
    if (name === '$ORIGIN') {
      // RFC 1035 §5.1: a relative $ORIGIN is relative to the current origin.
      const origin = this.#name(arg);
      if (origin === undefined) return;
      this.#origin = origin;
      this.zoneOrigin ??= origin;
    } else {
      // RFC 2308 §4: $TTL sets the TTL of records that give none.
      const ttl = parseTtl(arg.raw);
      if (ttl === undefined) this.#error(arg, 'bad-ttl', badTtlMessage(arg.raw));
      else this.#defaultTtl = ttl;
    }
  }

  #record(entry: ZoneEntry): void {
    const tokens = entry.tokens;
    const first = tokens[0]!;
    let i = 0;
    let owner: string;
    let hint = '';
    if (entry.ownerOmitted) {
      // After an owner that failed to parse, the lines that repeat it were reported with it.
      if (this.#ownerFailed) return;
      if (this.#lastOwner === undefined) {
        this.#error(
          first,
          'no-owner',
          'this line starts with a blank, which repeats the previous owner name, but there is none yet',
        );
        return;
      }
      owner = this.#lastOwner;
    } else {
      const name = this.#name(first);
      this.#ownerFailed = name === undefined;
      if (name === undefined) return;
      owner = this.#lastOwner = name;
      i = 1;
      const word = first.raw.toUpperCase();
      if (isRRType(word) || CLASSES.has(word)) {
        hint = ` ('${first.raw}' at the start of the line was read as the owner name; indent the line to reuse the previous owner)`;
      }
    }

    // RFC 1035 §5.1: TTL and class are optional and may come in either order.
    let ttl: number | undefined;
    let classSeen = false;
    for (; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.quoted) break;
      if (ttl === undefined && /^[0-9]/.test(t.raw)) {
        ttl = parseTtl(t.raw);
        if (ttl === undefined) return this.#error(t, 'bad-ttl', badTtlMessage(t.raw) + hint);
      } else if (!classSeen && (CLASSES.has(t.raw.toUpperCase()) || /^CLASS[0-9]+$/i.test(t.raw))) {
        // RFC 3597 §5: CLASS1 is IN written generically.
        if (!/^(?:IN|CLASS0*1)$/i.test(t.raw)) {
          return this.#error(
            t,
            'bad-class',
            `the simulator serves class IN only, not ${t.raw.toUpperCase()}`,
          );
        }
        classSeen = true;
      } else break;
    }

    const typeToken = tokens[i];
    if (typeToken === undefined) {
      return this.#error(
        after(tokens[tokens.length - 1]!),
        'missing-type',
        `a record type (A, MX, TXT, …) is missing${hint}`,
      );
    }
    const type = typeToken.raw.toUpperCase();
    if (!isRRType(type)) {
      let message = `'${typeToken.raw}' is not a record type the simulator knows${hint}`;
      if (type.startsWith('$'))
        message = `'${typeToken.raw}' looks like a directive: directives start at the beginning of the line`;
      else if (type === 'SPF')
        message = 'the SPF record type is obsolete (RFC 7208 §3.1): publish SPF as TXT';
      else if (OTHER_TYPES.has(type)) message = `${type} records are not supported by the simulator`;
      return this.#error(typeToken, 'unknown-type', message);
    }
    const data = tokens.slice(i + 1);
    const rdata = this.#rdata(type, typeToken, data);
    if (rdata === undefined) return;

    const ttlWarning = (seconds: number, why: string): number => {
      this.#warn(typeToken, 'missing-ttl', `no TTL here and no $TTL before: ${why}`);
      this.#lastTtl = seconds;
      return seconds;
    };
    const minimum = rdata.type === 'SOA' ? rdata.minimum : this.#soaMinimum;
    let effectiveTtl: number;
    if (ttl !== undefined) effectiveTtl = this.#lastTtl = ttl;
    else if (this.#defaultTtl !== undefined) effectiveTtl = this.#defaultTtl;
    // RFC 1035 §5.1: without $TTL, an omitted TTL is the last one given.
    else if (this.#lastTtl !== undefined) effectiveTtl = this.#lastTtl;
    else if (minimum !== undefined)
      effectiveTtl = ttlWarning(
        minimum,
        `using the SOA minimum, ${minimum} s, as BIND does; add $TTL at the top`,
      );
    else
      effectiveTtl = ttlWarning(
        FALLBACK_TTL,
        `using ${FALLBACK_TTL} s; add a line such as '$TTL 1h' at the top`,
      );
    if (rdata.type === 'SOA') this.#soaMinimum ??= rdata.minimum;

    if (!entry.ownerOmitted && /^IN$/i.test(first.raw)) {
      this.#warn(
        first,
        'owner-is-class',
        `this record belongs to '${owner}': a line that starts in column 1 starts with an owner name; indent it to reuse the previous owner`,
      );
    }
    const rr: ResourceRecord = { name: owner, ttl: effectiveTtl, class: 'IN', ...rdata };
    const target = rdata.type === 'MX' ? data[1]! : data[0]!;
    this.records.push({
      rr,
      owner: span(first),
      type: span(typeToken),
      data: span(target),
      ...(rdata.type === 'TXT' ? { strings: data } : {}),
      firstLine: entry.firstLine,
      lastLine: entry.lastLine,
    });
  }

  #rdata(type: RRType, typeToken: ZoneToken, data: readonly ZoneToken[]): RData | undefined {
    if (type === 'TXT') return this.#txt(typeToken, data);
    const count = { A: 1, AAAA: 1, MX: 2, CNAME: 1, PTR: 1, NS: 1, SOA: 7 }[type];
    if (data.length < count) {
      this.#error(
        after(data[data.length - 1] ?? typeToken),
        'missing-rdata',
        `${type} needs ${RDATA_FORM[type]}`,
      );
      return undefined;
    }
    if (data.length > count) {
      this.#error(data[count]!, 'extra-rdata', `too much data for ${type}, which takes ${RDATA_FORM[type]}`);
      return undefined;
    }
    const [d0, d1] = data as [ZoneToken, ZoneToken];
    switch (type) {
      case 'A': {
        const bytes = d0.quoted ? undefined : parseIPv4(d0.raw);
        if (bytes !== undefined) return { type, address: formatIPv4(bytes) };
        const hint = parseIPv6(d0.raw) ? '; an IPv6 address goes in an AAAA record' : '';
        this.#error(
          d0,
          'bad-address',
          `'${d0.raw}' is not an IPv4 address: four numbers 0–255 separated by dots (RFC 1035 §3.4.1)${hint}`,
        );
        return undefined;
      }
      case 'AAAA': {
        const bytes = d0.quoted ? undefined : parseIPv6(d0.raw);
        if (bytes !== undefined) return { type, address: formatIPv6(bytes) };
        const hint = parseIPv4(d0.raw) ? '; an IPv4 address goes in an A record' : '';
        this.#error(
          d0,
          'bad-address',
          `'${d0.raw}' is not an IPv6 address (RFC 4291 §2.2 text forms, e.g. 2001:db8::25)${hint}`,
        );
        return undefined;
      }
      case 'MX': {
        // RFC 1035 §3.3.9: PREFERENCE is a 16-bit integer.
        const preference = this.#number(d0, 0xffff, 'an MX preference');
        const exchange = this.#name(d1);
        if (preference === undefined || exchange === undefined) return undefined;
        const literal = d1.raw.replace(/\.$/, '');
        if (parseIPv4(literal) || parseIPv6(literal)) {
          this.#warn(
            d1,
            'mx-is-address',
            `an MX names a host, not an address (RFC 5321 §5.1): mail servers will look up '${exchange}' as a name and find nothing; name a host that has an A record`,
          );
        }
        return { type, preference, exchange };
      }
      case 'CNAME':
      case 'PTR': {
        const target = this.#name(d0);
        return target === undefined ? undefined : { type, target };
      }
      case 'NS': {
        const host = this.#name(d0);
        return host === undefined ? undefined : { type, host };
      }
      case 'SOA':
        return this.#soa(data as readonly ZoneToken[] as [ZoneToken, ZoneToken, ...ZoneToken[]]);
    }
  }

  #txt(typeToken: ZoneToken, data: readonly ZoneToken[]): RData | undefined {
    if (data.length === 0) {
      this.#error(after(typeToken), 'missing-rdata', `TXT needs ${RDATA_FORM.TXT}`);
      return undefined;
    }
    const strings: string[] = [];
    for (const token of data) {
      const octets = decodeToken(token);
      if (!Array.isArray(octets)) return this.#push(octets);
      if (octets.length > MAX_STRING) {
        this.#error(
          token,
          'txt-too-long',
          `this string is ${octets.length} octets; a TXT string holds at most ${MAX_STRING} (RFC 1035 §3.3): split it into several quoted strings, which SPF and DKIM join back together (RFC 7208 §3.3)`,
        );
        return undefined;
      }
      strings.push(utf8Text(Uint8Array.from(octets, (o) => o.value)));
    }
    const unquoted = data.filter((t) => !t.quoted);
    if (unquoted.length > 1) {
      this.#warn(
        unquoted[1]!,
        'txt-unquoted',
        'each unquoted word is a separate string, and SPF and DKIM join strings without spaces (RFC 7208 §3.3): quote the whole text',
      );
    }
    return { type: 'TXT', strings };
  }

  #soa(data: readonly ZoneToken[]): RData | undefined {
    const [m, r, serialToken, ...timerTokens] = data as [ZoneToken, ZoneToken, ZoneToken, ...ZoneToken[]];
    const mname = this.#name(m);
    const rname = this.#name(r);
    if (mname === undefined || rname === undefined) return undefined;
    if (r.raw.includes('@')) {
      this.#warn(
        r,
        'soa-rname-at',
        "the SOA mailbox is written as a name: the first dot stands for '@' (hostmaster.example.com. for hostmaster@example.com, RFC 1035 §8)",
      );
    }
    // RFC 1035 §3.3.13: SERIAL is an unsigned 32-bit number (RFC 1982 arithmetic); no units.
    const serial = this.#number(serialToken, MAX_U32, 'an SOA serial');
    if (serial === undefined) return undefined;
    const timers: number[] = [];
    for (const t of timerTokens) {
      const seconds = parseTtl(t.raw, MAX_U32);
      if (seconds === undefined) return this.#error(t, 'bad-ttl', badTtlMessage(t.raw));
      timers.push(seconds);
    }
    const [refresh, retry, expire, minimum] = timers as [number, number, number, number];
    return { type: 'SOA', mname, rname, serial, refresh, retry, expire, minimum };
  }

  #number(token: ZoneToken, max: number, what: string): number | undefined {
    const n = /^[0-9]+$/.test(token.raw) ? Number(token.raw) : undefined;
    if (n !== undefined && n <= max) return n;
    this.#error(token, 'bad-number', `'${token.raw}' is not ${what}: a whole number from 0 to ${max}`);
    return undefined;
  }

  /**
   * Reads a domain name: `@` is the origin, a name ending in an unescaped dot
   * is absolute, any other is relative to the origin (RFC 1035 §5.1).
   */
  #name(token: ZoneToken): string | undefined {
    if (token.quoted) {
      return this.#error(token, 'bad-name', 'a domain name is written without quotes');
    }
    const noOrigin = (): undefined =>
      this.#error(
        token,
        'no-origin',
        `'${token.raw}' is relative to the origin, but no origin is known: add '$ORIGIN example.com.' above, or end the name with a dot`,
      );
    if (token.raw === '@') return this.#origin ?? noOrigin();
    const octets = decodeToken(token);
    if (!Array.isArray(octets)) return this.#push(octets);
    const labels: number[][] = [[]];
    let absolute = false;
    for (let k = 0; k < octets.length; k++) {
      const o = octets[k]!;
      if (o.value === 0x2e && o.escaped) {
        return this.#error(
          token,
          'escaped-dot',
          'a dot inside a label (\\. or \\046) is not supported by the simulator: names are kept as dotted text',
        );
      }
      if (o.value !== 0x2e) labels[labels.length - 1]!.push(o.value);
      else if (k === octets.length - 1) absolute = true;
      else labels.push([]);
    }
    if (absolute && labels.length === 1 && labels[0]!.length === 0) return ''; // '.' is the root
    if (labels.some((l) => l.length === 0)) {
      return this.#error(
        token,
        'empty-label',
        `'${token.raw}' has an empty label: two dots in a row or a leading dot`,
      );
    }
    const long = labels.find((l) => l.length > MAX_LABEL);
    if (long !== undefined) {
      return this.#error(
        token,
        'label-too-long',
        `a label of ${long.length} octets: labels hold at most ${MAX_LABEL} (RFC 1035 §2.3.4)`,
      );
    }
    let name = labels.map((l) => asciiLower(utf8Text(Uint8Array.from(l)))).join('.');
    if (!absolute) {
      const origin = this.#origin;
      if (origin === undefined) return noOrigin();
      if (origin !== '' && (name === origin || name.endsWith(`.${origin}`))) {
        this.#warn(
          token,
          'origin-repeated',
          `'${token.raw}' has no final dot, so it is relative and means '${name}.${origin}'; end it with a dot if you meant '${name}'`,
        );
      }
      if (origin !== '') name = name === '' ? origin : `${name}.${origin}`;
    }
    if (wireLength(name) > MAX_NAME) {
      return this.#error(
        token,
        'name-too-long',
        `'${name}' is longer than ${MAX_NAME} octets (RFC 1035 §2.3.4)`,
      );
    }
    return name;
  }

  #push(d: ZoneDiagnostic): undefined {
    this.diagnostics.push(d);
    return undefined;
  }

  #error(at: Span, code: string, message: string): undefined {
    return this.#push(diagnostic(at.line, at.column, at.endColumn, code, message, 'error'));
  }

  #warn(at: Span, code: string, message: string): void {
    this.#push(diagnostic(at.line, at.column, at.endColumn, code, message, 'warning'));
  }
}

function isRRType(word: string): word is RRType {
  return (RR_TYPES as readonly string[]).includes(word);
}

function span(t: ZoneToken): Span {
  return { line: t.line, column: t.column, endColumn: t.endColumn };
}

/** The place just after a token, where something missing should have been. */
function after(t: ZoneToken): Span {
  return { line: t.line, column: t.endColumn, endColumn: t.endColumn + 1 };
}

function badTtlMessage(raw: string): string {
  return `'${raw}' is not a TTL: give seconds (3600) or units such as 30m, 1h, 2d, 1w, up to ${MAX_TTL} s (RFC 2181 §8)`;
}

// RFC 4343: DNS compares names case-insensitively in ASCII only.
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** Length of a name in wire format: each label with its length octet, plus the root's zero octet. */
function wireLength(name: string): number {
  return name === '' ? 1 : utf8Bytes(name).length + 2;
}

/**
 * Normalises a plain domain name given outside a zone file (an `--origin`
 * option, a query typed by a learner): lower-case, no trailing dot. Returns
 * undefined for text that is not a sequence of non-empty labels of at most
 * 63 octets.
 */
export function normaliseName(text: string): string | undefined {
  const name = asciiLower(text.endsWith('.') ? text.slice(0, -1) : text);
  if (name === '') return '';
  if (/[\s;()"\\]/.test(name)) return undefined;
  const labels = name.split('.');
  if (labels.some((l) => l.length === 0 || utf8Bytes(l).length > MAX_LABEL)) return undefined;
  return wireLength(name) <= MAX_NAME ? name : undefined;
}
