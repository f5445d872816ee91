import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RData, ResourceRecord } from './records.ts';
import { formatRecord, parseTtl, parseZone, type ZoneDiagnostic } from './zone-file.ts';
import { utf8Bytes } from '../core/bytes.ts';

const rr = (name: string, ttl: number, data: RData): ResourceRecord => ({ name, ttl, class: 'IN', ...data });

/** A zone from lines, so tests can show columns plainly. */
const zone = (...lines: string[]): string => lines.join('\n');

const SOA_LINE = '@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300';

describe('zone-file', () => {
  describe('records', () => {
    it('reads an SOA spread over lines by parentheses, with comments and TTL units (RFC 1035 §5.1)', () => {
      const parsed = parseZone(
        zone(
          '$ORIGIN example.com.',
          '$TTL 1h',
          '@  IN  SOA  ns1.example.com. hostmaster.example.com. (',
          '        2024010101 ; serial',
          '        2h         ; refresh',
          '        15M        ; retry',
          '        1w2d       ; expire',
          '        300 )      ; negative-caching TTL (RFC 2308 §4)',
          '   NS ns1',
          'ns1 A 192.0.2.53',
        ),
      );
      expect(parsed).toEqual({
        origin: 'example.com',
        records: [
          rr('example.com', 3600, {
            type: 'SOA',
            mname: 'ns1.example.com',
            rname: 'hostmaster.example.com',
            serial: 2024010101,
            refresh: 7200,
            retry: 900,
            expire: 9 * 86400,
            minimum: 300,
          }),
          rr('example.com', 3600, { type: 'NS', host: 'ns1.example.com' }),
          rr('ns1.example.com', 3600, { type: 'A', address: '192.0.2.53' }),
        ],
        diagnostics: [],
      });
    });

    it('keeps the character-strings of a multi-string TXT apart (RFC 1035 §3.3.14, RFC 7208 §3.3)', () => {
      const parsed = parseZone(
        zone(SOA_LINE, '@ TXT "v=spf1 " "include:a" " -all"', 'k TXT ( "p=MIIB"', '          "IjAN" )'),
        { origin: 'example.com' },
      );
      expect(parsed.records.slice(1)).toEqual([
        rr('example.com', 3600, { type: 'TXT', strings: ['v=spf1 ', 'include:a', ' -all'] }),
        rr('k.example.com', 3600, { type: 'TXT', strings: ['p=MIIB', 'IjAN'] }),
      ]);
      expect(parsed.diagnostics).toEqual([]);
    });

    it('makes each unquoted TXT word its own string, and warns (RFC 1035 §5.1, RFC 7208 §3.3)', () => {
      const parsed = parseZone('a.example. 60 TXT v=spf1 -all', { origin: 'example' });
      expect(parsed.records).toEqual([rr('a.example', 60, { type: 'TXT', strings: ['v=spf1', '-all'] })]);
      expect(parsed.diagnostics).toEqual([
        {
          severity: 'warning',
          line: 1,
          column: 1,
          endColumn: 11,
          code: 'missing-soa',
          message:
            'this zone has no SOA record: a real server would not load it (RFC 1035 §5.2); the simulator serves it anyway',
        },
        {
          severity: 'warning',
          line: 1,
          column: 26,
          endColumn: 30,
          code: 'txt-unquoted',
          message:
            'each unquoted word is a separate string, and SPF and DKIM join strings without spaces (RFC 7208 §3.3): quote the whole text',
        },
      ]);
    });

    it('resolves @ and relative names against $ORIGIN, which may itself be relative (RFC 1035 §5.1)', () => {
      const parsed = parseZone(
        zone(
          '$ORIGIN Example.COM.',
          SOA_LINE,
          'www 60 A 192.0.2.1',
          'abs.example.net. 60 A 192.0.2.2',
          '$ORIGIN _domainkey',
          'sel 60 TXT "v=DKIM1; p="',
          '@ 60 TXT "policy"',
        ),
      );
      expect(parsed.origin).toBe('example.com');
      expect(parsed.records.slice(1)).toEqual([
        rr('www.example.com', 60, { type: 'A', address: '192.0.2.1' }),
        rr('abs.example.net', 60, { type: 'A', address: '192.0.2.2' }),
        rr('sel._domainkey.example.com', 60, { type: 'TXT', strings: ['v=DKIM1; p='] }),
        rr('_domainkey.example.com', 60, { type: 'TXT', strings: ['policy'] }),
      ]);
      expect(parsed.diagnostics.map((d) => [d.line, d.code])).toEqual([[4, 'out-of-zone']]);
    });

    it('resolves relative names against the origin option when the file has no $ORIGIN (RFC 1035 §5.1)', () => {
      const parsed = parseZone(zone(SOA_LINE, 'mx 60 A 192.0.2.25', '@ 60 MX 10 mx'), {
        origin: 'example.net.',
      });
      expect(parsed.origin).toBe('example.net');
      expect(parsed.records.slice(1)).toEqual([
        rr('mx.example.net', 60, { type: 'A', address: '192.0.2.25' }),
        rr('example.net', 60, { type: 'MX', preference: 10, exchange: 'mx.example.net' }),
      ]);
      expect(parsed.diagnostics).toEqual([]);
    });

    it('takes the origin from the first SOA when every name is absolute', () => {
      const parsed = parseZone('example.org. 60 SOA ns.example.org. h.example.org. 1 2 3 4 5');
      expect(parsed.origin).toBe('example.org');
      expect(parsed.diagnostics).toEqual([]);
    });

    it('repeats the previous owner on lines that start with a blank (RFC 1035 §5.1)', () => {
      const parsed = parseZone(
        zone(
          SOA_LINE,
          'mail 60 A 192.0.2.25',
          '\t60 AAAA 2001:db8::25',
          '  60 TXT "x"',
          'other 60 A 192.0.2.26',
        ),
        { origin: 'example.com' },
      );
      expect(parsed.records.slice(1).map((r) => [r.name, r.type])).toEqual([
        ['mail.example.com', 'A'],
        ['mail.example.com', 'AAAA'],
        ['mail.example.com', 'TXT'],
        ['other.example.com', 'A'],
      ]);
    });

    it('reads CRLF line ends and skips a byte-order mark', () => {
      const parsed = parseZone('\ufeff$ORIGIN example.\r\n@ 60 A 192.0.2.1\r\n  60 TXT "x" \r\n');
      expect(parsed).toEqual({
        origin: 'example',
        records: [
          rr('example', 60, { type: 'A', address: '192.0.2.1' }),
          rr('example', 60, { type: 'TXT', strings: ['x'] }),
        ],
        diagnostics: [expect.objectContaining({ code: 'missing-soa', line: 2, column: 1 })],
      });
    });

    it('ends comments at the line end, but not inside quotes (RFC 1035 §5.1)', () => {
      const parsed = parseZone('a. 60 TXT "v=DKIM1; k=rsa; p=AB" ; a comment "with quotes"');
      expect(parsed.records).toEqual([rr('a', 60, { type: 'TXT', strings: ['v=DKIM1; k=rsa; p=AB'] })]);
    });

    it('decodes \\X and \\DDD escapes in strings (RFC 1035 §5.1)', () => {
      const parsed = parseZone(
        'a. 60 TXT "say \\"hi\\"" semi\\;colon "tab\\009end" \\032lead "back\\\\slash" "\\195\\169"',
      );
      expect(parsed.records).toEqual([
        rr('a', 60, {
          type: 'TXT',
          strings: ['say "hi"', 'semi;colon', 'tab\tend', ' lead', 'back\\slash', 'é'],
        }),
      ]);
    });

    it('decodes escapes in names and lower-cases them (RFC 1035 §5.1, RFC 4343)', () => {
      const parsed = parseZone('My\\032Host.EXAMPLE. 60 CNAME \\065b.example.');
      expect(parsed.records).toEqual([rr('my host.example', 60, { type: 'CNAME', target: 'ab.example' })]);
    });

    it.each([
      ['a. 60 IN A 192.0.2.1', 60],
      ['a. IN 60 A 192.0.2.1', 60],
      ['a. 1h30m IN A 192.0.2.1', 5400],
      ['a. 1W A 192.0.2.1', 604800],
      ['a. IN A 192.0.2.1', 86400],
      ['a. A 192.0.2.1', 86400],
    ])('reads TTL and class in either order, both optional: %s (RFC 1035 §5.1)', (line, ttl) => {
      const parsed = parseZone(`$TTL 1d\n${line}`);
      expect(parsed.records).toEqual([rr('a', ttl, { type: 'A', address: '192.0.2.1' })]);
    });

    it('gives a record without TTL the $TTL, else the last TTL written (RFC 2308 §4, RFC 1035 §5.1)', () => {
      const parsed = parseZone(
        zone(
          'a. 120 A 192.0.2.1',
          'b. A 192.0.2.2',
          '$TTL 5m',
          'c. A 192.0.2.3',
          'd. 7 A 192.0.2.4',
          'e. A 192.0.2.5',
        ),
      );
      expect(parsed.records.map((r) => r.ttl)).toEqual([120, 120, 300, 7, 300]);
    });

    it('falls back to the SOA minimum when no TTL was ever given, with a warning (BIND)', () => {
      const parsed = parseZone(zone('$ORIGIN example.com.', '@ SOA ns h 1 2 3 4 600', 'www A 192.0.2.1'));
      expect(parsed.records.map((r) => r.ttl)).toEqual([600, 600]);
      expect(parsed.diagnostics.map((d) => [d.line, d.severity, d.code])).toEqual([
        [2, 'warning', 'missing-ttl'],
      ]);
    });

    it('normalises AAAA addresses to the RFC 5952 form (RFC 4291 §2.2)', () => {
      const parsed = parseZone(zone('a. 60 AAAA 2001:DB8:0:0:0:0:2:1', 'a. 60 AAAA ::FFFF:192.0.2.1'));
      expect(parsed.records).toEqual([
        rr('a', 60, { type: 'AAAA', address: '2001:db8::2:1' }),
        rr('a', 60, { type: 'AAAA', address: '::ffff:192.0.2.1' }),
      ]);
    });

    it('reads the root, a null MX and a PTR (RFC 7505, RFC 1035 §3.3.12)', () => {
      const parsed = parseZone(
        zone('example. 60 MX 0 .', '$ORIGIN 2.0.192.in-addr.arpa.', '25 60 PTR mx.example.net.'),
      );
      expect(parsed.records).toEqual([
        rr('example', 60, { type: 'MX', preference: 0, exchange: '' }),
        rr('25.2.0.192.in-addr.arpa', 60, { type: 'PTR', target: 'mx.example.net' }),
      ]);
    });
  });

  describe('diagnostics', () => {
    const only = (text: string, options = { origin: 'example.com' }): ZoneDiagnostic[] =>
      parseZone(`${SOA_LINE}\n${text}`, options).diagnostics;

    it.each<[string, string, Omit<ZoneDiagnostic, 'line' | 'severity'>]>([
      [
        'bad IPv4',
        'www 60 A 192.0.2.300',
        {
          column: 10,
          endColumn: 21,
          code: 'bad-address',
          message:
            "'192.0.2.300' is not an IPv4 address: four numbers 0–255 separated by dots (RFC 1035 §3.4.1)",
        },
      ],
      [
        'IPv6 in an A record',
        'www A 2001:db8::1',
        {
          column: 7,
          endColumn: 18,
          code: 'bad-address',
          message:
            "'2001:db8::1' is not an IPv4 address: four numbers 0–255 separated by dots (RFC 1035 §3.4.1); an IPv6 address goes in an AAAA record",
        },
      ],
      [
        'bad IPv6',
        'www AAAA 1::2::3',
        {
          column: 10,
          endColumn: 17,
          code: 'bad-address',
          message: "'1::2::3' is not an IPv6 address (RFC 4291 §2.2 text forms, e.g. 2001:db8::25)",
        },
      ],
      [
        'unknown type',
        'www 60 IN AXFR2 x',
        {
          column: 11,
          endColumn: 16,
          code: 'unknown-type',
          message: "'AXFR2' is not a record type the simulator knows",
        },
      ],
      [
        'unsupported type',
        '_sip._tcp SRV 0 5 5060 sip',
        {
          column: 11,
          endColumn: 14,
          code: 'unknown-type',
          message: 'SRV records are not supported by the simulator',
        },
      ],
      [
        'the obsolete SPF type',
        '@ SPF "v=spf1 -all"',
        {
          column: 3,
          endColumn: 6,
          code: 'unknown-type',
          message: 'the SPF record type is obsolete (RFC 7208 §3.1): publish SPF as TXT',
        },
      ],
      [
        'another class',
        'www CH A 192.0.2.1',
        { column: 5, endColumn: 7, code: 'bad-class', message: 'the simulator serves class IN only, not CH' },
      ],
      [
        'bad TTL',
        'www 1x A 192.0.2.1',
        {
          column: 5,
          endColumn: 7,
          code: 'bad-ttl',
          message:
            "'1x' is not a TTL: give seconds (3600) or units such as 30m, 1h, 2d, 1w, up to 2147483647 s (RFC 2181 §8)",
        },
      ],
      [
        'TTL over 2^31 - 1',
        'www 2147483648 A 192.0.2.1',
        {
          column: 5,
          endColumn: 15,
          code: 'bad-ttl',
          message:
            "'2147483648' is not a TTL: give seconds (3600) or units such as 30m, 1h, 2d, 1w, up to 2147483647 s (RFC 2181 §8)",
        },
      ],
      [
        'missing type',
        'www 60 IN',
        {
          column: 10,
          endColumn: 11,
          code: 'missing-type',
          message: 'a record type (A, MX, TXT, …) is missing',
        },
      ],
      [
        'a type at the start of the line',
        'A 192.0.2.1',
        {
          column: 3,
          endColumn: 12,
          code: 'bad-ttl',
          message:
            "'192.0.2.1' is not a TTL: give seconds (3600) or units such as 30m, 1h, 2d, 1w, up to 2147483647 s (RFC 2181 §8) ('A' at the start of the line was read as the owner name; indent the line to reuse the previous owner)",
        },
      ],
      [
        'missing data',
        '@ MX 10',
        {
          column: 8,
          endColumn: 9,
          code: 'missing-rdata',
          message: 'MX needs a preference and a host name, e.g. `MX 10 mx.example.net.`',
        },
      ],
      [
        'extra data',
        'www A 192.0.2.1 192.0.2.2',
        {
          column: 17,
          endColumn: 26,
          code: 'extra-rdata',
          message: 'too much data for A, which takes an IPv4 address, e.g. `A 192.0.2.10`',
        },
      ],
      [
        'MX preference out of range',
        '@ MX 65536 mx',
        {
          column: 6,
          endColumn: 11,
          code: 'bad-number',
          message: "'65536' is not an MX preference: a whole number from 0 to 65535",
        },
      ],
      [
        '$INCLUDE',
        '$INCLUDE other.zone',
        {
          column: 1,
          endColumn: 9,
          code: 'include-unsupported',
          message: '$INCLUDE is not supported in the simulator: put the records in this zone',
        },
      ],
      [
        'unknown directive',
        '$GENERATE 1-9 h$ A 192.0.2.$',
        {
          column: 1,
          endColumn: 10,
          code: 'unknown-directive',
          message: "'$GENERATE' is not a directive: use $ORIGIN or $TTL",
        },
      ],
      [
        'bad escape',
        'www TXT "a\\300b"',
        {
          column: 11,
          endColumn: 15,
          code: 'bad-escape',
          message:
            "'\\300' is not an escape: \\DDD needs exactly three digits for an octet 000–255 (RFC 1035 §5.1)",
        },
      ],
      [
        'escaped dot in a name',
        'a\\.b A 192.0.2.1',
        {
          column: 1,
          endColumn: 5,
          code: 'escaped-dot',
          message:
            'a dot inside a label (\\. or \\046) is not supported by the simulator: names are kept as dotted text',
        },
      ],
      [
        'empty label',
        'a..b A 192.0.2.1',
        {
          column: 1,
          endColumn: 5,
          code: 'empty-label',
          message: "'a..b' has an empty label: two dots in a row or a leading dot",
        },
      ],
      [
        'label over 63 octets',
        `${'x'.repeat(64)} A 192.0.2.1`,
        {
          column: 1,
          endColumn: 65,
          code: 'label-too-long',
          message: 'a label of 64 octets: labels hold at most 63 (RFC 1035 §2.3.4)',
        },
      ],
      [
        'quoted name',
        '@ CNAME "www"',
        { column: 9, endColumn: 14, code: 'bad-name', message: 'a domain name is written without quotes' },
      ],
      [
        'an indented directive',
        '  $TTL 60',
        {
          column: 3,
          endColumn: 7,
          code: 'unknown-type',
          message: "'$TTL' looks like a directive: directives start at the beginning of the line",
        },
      ],
      [
        'a stray closing parenthesis',
        'www A 192.0.2.1 )',
        { column: 17, endColumn: 18, code: 'unbalanced-paren', message: "this ')' closes no '('" },
      ],
      [
        'unterminated quote',
        'www TXT "abc',
        {
          column: 9,
          endColumn: 13,
          code: 'unterminated-quote',
          message: 'this quoted string has no closing quote on its line',
        },
      ],
    ])('reports %s on line 2 and keeps the other records', (_what, line, expected) => {
      const parsed = parseZone(zone(SOA_LINE, line, 'ok 60 A 192.0.2.99'), { origin: 'example.com' });
      expect(parsed.diagnostics).toEqual([{ severity: 'error', line: 2, ...expected }]);
      expect(parsed.records.map((r) => r.name)).toEqual(['example.com', 'ok.example.com']);
    });

    it('reports a TXT string over 255 octets where it stands (RFC 1035 §3.3)', () => {
      const long = 'a'.repeat(256);
      const parsed = parseZone(zone(SOA_LINE, `k TXT "ok" "${long}"`, 'ok 60 A 192.0.2.99'), {
        origin: 'example.com',
      });
      expect(parsed.diagnostics).toEqual([
        {
          severity: 'error',
          line: 2,
          column: 12,
          endColumn: 12 + 258,
          code: 'txt-too-long',
          message:
            'this string is 256 octets; a TXT string holds at most 255 (RFC 1035 §3.3): split it into several quoted strings, which SPF and DKIM join back together (RFC 7208 §3.3)',
        },
      ]);
      expect(parsed.records).toHaveLength(2);
      expect(parseZone(`a. 60 TXT "${'é'.repeat(127)}"`).records).toHaveLength(1); // 254 octets
      expect(parseZone(`a. 60 TXT "${'é'.repeat(128)}"`).diagnostics.map((d) => d.code)).toEqual([
        'txt-too-long',
      ]); // 256 octets
    });

    it('reports a name over 255 octets (RFC 1035 §2.3.4)', () => {
      const name = `${Array.from({ length: 4 }, () => 'x'.repeat(63)).join('.')}.`;
      expect(parseZone(`${name} 60 A 192.0.2.1`).diagnostics.map((d) => d.code)).toEqual(['name-too-long']);
    });

    it('reports an unclosed parenthesis at the ( and still reads the records after it (RFC 1035 §5.1)', () => {
      const parsed = parseZone(zone(SOA_LINE, 'k TXT ( "a"', 'ok 60 A 192.0.2.99'), {
        origin: 'example.com',
      });
      expect(parsed.diagnostics).toEqual([
        {
          severity: 'error',
          line: 2,
          column: 7,
          endColumn: 8,
          code: 'unbalanced-paren',
          message: "this '(' is never closed, so the record it starts was skipped",
        },
      ]);
      expect(parsed.records.map((r) => r.name)).toEqual(['example.com', 'ok.example.com']);
    });

    it('reports relative names when no origin is known (RFC 1035 §5.1)', () => {
      const parsed = parseZone(zone('www 60 A 192.0.2.1', 'abs. 60 A 192.0.2.2'));
      expect(parsed.diagnostics).toEqual([
        {
          severity: 'error',
          line: 1,
          column: 1,
          endColumn: 4,
          code: 'no-origin',
          message:
            "'www' is relative to the origin, but no origin is known: add '$ORIGIN example.com.' above, or end the name with a dot",
        },
        expect.objectContaining({ code: 'missing-soa', line: 2 }),
      ]);
      expect(parsed.records).toEqual([rr('abs', 60, { type: 'A', address: '192.0.2.2' })]);
    });

    it('reports a blank-led line with no previous owner (RFC 1035 §5.1)', () => {
      expect(parseZone('  60 A 192.0.2.1').diagnostics.map((d) => [d.line, d.column, d.code])).toEqual([
        [1, 3, 'no-owner'],
      ]);
    });

    it('warns when a relative name repeats the origin: a forgotten final dot', () => {
      expect(only('@ MX 10 mx.example.com')).toEqual([
        {
          severity: 'warning',
          line: 2,
          column: 9,
          endColumn: 23,
          code: 'origin-repeated',
          message:
            "'mx.example.com' has no final dot, so it is relative and means 'mx.example.com.example.com'; end it with a dot if you meant 'mx.example.com'",
        },
      ]);
    });

    it('warns about an MX that names an address (RFC 5321 §5.1)', () => {
      expect(
        only('@ MX 10 192.0.2.25.').map((d) => [d.line, d.column, d.endColumn, d.severity, d.code]),
      ).toEqual([[2, 9, 20, 'warning', 'mx-is-address']]);
    });

    it('warns when IN at the start of a line becomes an owner name (RFC 1035 §5.1)', () => {
      expect(only('IN A 192.0.2.1')).toEqual([
        {
          severity: 'warning',
          line: 2,
          column: 1,
          endColumn: 3,
          code: 'owner-is-class',
          message:
            "this record belongs to 'in.example.com': a line that starts in column 1 starts with an owner name; indent it to reuse the previous owner",
        },
      ]);
    });

    it('warns about an @ in the SOA mailbox (RFC 1035 §8)', () => {
      expect(
        parseZone('example. 60 SOA ns.example. me@example.com. 1 2 3 4 5').diagnostics.map((d) => d.code),
      ).toEqual(['soa-rname-at']);
    });
  });

  describe('parseTtl', () => {
    it.each([
      ['0', 0],
      ['3600', 3600],
      ['1h', 3600],
      ['1H30M', 5400],
      ['1w2d3h4m5s', 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5],
      ['2147483647', 2147483647],
    ])('reads %s as %i seconds (RFC 2181 §8, BIND units)', (text, seconds) => {
      expect(parseTtl(text)).toBe(seconds);
    });

    it.each(['', '1h30', 'h', '-1', '1.5h', '1y', '2147483648'])('refuses %j', (text) => {
      expect(parseTtl(text)).toBeUndefined();
    });
  });

  describe('formatRecord', () => {
    it.each<[ResourceRecord, string]>([
      [rr('example.com', 300, { type: 'A', address: '192.0.2.1' }), 'example.com. 300 IN A 192.0.2.1'],
      [
        rr('example.com', 300, { type: 'MX', preference: 10, exchange: 'mx.example.com' }),
        'example.com. 300 IN MX 10 mx.example.com.',
      ],
      [rr('example.com', 300, { type: 'MX', preference: 0, exchange: '' }), 'example.com. 300 IN MX 0 .'],
      [
        rr('example.com', 300, { type: 'TXT', strings: ['v=spf1 ', 'a "quoted" \\ ; x\n'] }),
        'example.com. 300 IN TXT "v=spf1 " "a \\"quoted\\" \\\\ ; x\\010"',
      ],
      [rr('a b.example', 1, { type: 'CNAME', target: '@.x' }), 'a\\032b.example. 1 IN CNAME \\@.x.'],
      [
        rr('example.com', 3600, {
          type: 'SOA',
          mname: 'ns.example.com',
          rname: 'hostmaster.example.com',
          serial: 1,
          refresh: 7200,
          retry: 3600,
          expire: 1209600,
          minimum: 300,
        }),
        'example.com. 3600 IN SOA ns.example.com. hostmaster.example.com. 1 7200 3600 1209600 300',
      ],
    ])('writes %j as one master-file line', (record, line) => {
      expect(formatRecord(record)).toBe(line);
      expect(parseZone(line).records).toEqual([record]);
    });
  });

  describe('properties', () => {
    const label = fc
      .string({
        unit: fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_*') },
          {
            weight: 1,
            arbitrary: fc.constantFrom(' ', ';', '(', ')', '"', '\\', '@', '$', '\t', 'é', '\u{1f600}'),
          },
        ),
        minLength: 1,
        maxLength: 12,
      })
      .filter((l) => utf8Bytes(l).length <= 63);
    const name = fc.array(label, { minLength: 0, maxLength: 4 }).map((ls) => ls.join('.'));
    const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
    const ipv4 = fc
      .array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 })
      .map((b) => b.join('.'));
    const ipv6 = fc.ipV6().map((a) => parseZone(`a. 1 AAAA ${a}`).records[0]);
    const text = fc
      .string({ unit: 'binary', maxLength: 60 })
      .filter(
        (s) =>
          utf8Bytes(s).length <= 255 &&
          !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')),
      );
    const rdata: fc.Arbitrary<RData> = fc.oneof(
      ipv4.map((address) => ({ type: 'A' as const, address })),
      ipv6
        .filter((r) => r?.type === 'AAAA')
        .map((r) => ({ type: 'AAAA' as const, address: (r as { address: string }).address })),
      fc.record({
        type: fc.constant('MX' as const),
        preference: fc.integer({ min: 0, max: 65535 }),
        exchange: name,
      }),
      fc.record({
        type: fc.constant('TXT' as const),
        strings: fc.array(text, { minLength: 1, maxLength: 4 }),
      }),
      fc.record({ type: fc.constantFrom('CNAME' as const, 'PTR' as const), target: name }),
      fc.record({ type: fc.constant('NS' as const), host: name }),
      fc.record({
        type: fc.constant('SOA' as const),
        mname: name,
        rname: name,
        serial: u32,
        refresh: u32,
        retry: u32,
        expire: u32,
        minimum: u32,
      }),
    );
    const record = fc
      .tuple(name, fc.integer({ min: 0, max: 2 ** 31 - 1 }), rdata)
      .map(([n, ttl, data]) => rr(n, ttl, data));

    it('parses what formatRecord writes back to the same record (RFC 1035 §5.1)', () => {
      fc.assert(
        fc.property(record, (r) => {
          const parsed = parseZone(formatRecord(r));
          expect(parsed.records).toEqual([r]);
          expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        }),
        { numRuns: 300 },
      );
    });

    const checkNeverThrows = (input: string, origin?: string): void => {
      const parsed = parseZone(input, origin === undefined ? {} : { origin });
      for (const d of parsed.diagnostics) {
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.column).toBeGreaterThanOrEqual(1);
        expect(d.endColumn).toBeGreaterThanOrEqual(d.column);
      }
      for (const r of parsed.records) expect(parseZone(formatRecord(r)).records).toEqual([r]);
    };

    it('never throws on arbitrary text', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (input) => checkNeverThrows(input)),
        { numRuns: 300 },
      );
    });

    it('never throws on zone-like token soup', () => {
      const token = fc.oneof(
        fc.constantFrom('@', 'www', 'example.com.', 'a.b', '*', '.', '..', 'x\\.y', '\\999', '\\'),
        fc.constantFrom('60', '1h', '1x', '0', '99999999999', 'IN', 'CH', 'in'),
        fc.constantFrom('A', 'AAAA', 'MX', 'TXT', 'CNAME', 'PTR', 'NS', 'SOA', 'SRV', 'BOGUS'),
        fc.constantFrom('192.0.2.1', '2001:db8::1', '::ffff:1.2.3.4', '300.1.1.1', '10'),
        fc.constantFrom('"', '"v=spf1 -all"', '"a\\"b"', '"\\032"', '(', ')', ';', '; c "q"'),
        fc.constantFrom('$ORIGIN', '$TTL', '$INCLUDE', '$FOO', ' ', '\t', '\n', '\r\n'),
      );
      fc.assert(
        fc.property(
          fc.array(token, { maxLength: 40 }),
          fc.constantFrom(undefined, 'example.com'),
          (tokens, origin) => checkNeverThrows(tokens.join(' '), origin),
        ),
        { numRuns: 300 },
      );
    });
  });
});
