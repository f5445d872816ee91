import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseZoneLocated, type ZoneDiagnostic } from '../dns/zone-file.ts';
import { PRESETS } from '../world/presets/index.ts';
import { loadPublicSuffixList } from './dmarc/org-domain.ts';
import { checkZone, lintRecords, type RecordLintOptions } from './record-lint.ts';

// The rua check compares organizational domains with the Public Suffix List, loaded on first need.
beforeAll(() => loadPublicSuffixList());

const HEAD = [
  '$ORIGIN example.com.',
  '$TTL 3600',
  '@ SOA ns hostmaster 1 7200 3600 1209600 300',
  '@ NS ns',
  'ns A 192.0.2.53',
  'mail A 192.0.2.25',
  '@ MX 10 mail',
];

/** A finding as a row: code, severity, line, and the source text it underlines. */
type Row = [code: string, severity: 'error' | 'warning', line: number, underlined: string];

/** The record diagnostics of HEAD plus `lines` (HEAD ends on line 7), as rows. */
function lint(lines: readonly string[], options: RecordLintOptions = {}): Row[] {
  return diagnostics(lines, options).map((d) => row([...HEAD, ...lines], d));
}

function diagnostics(lines: readonly string[], options: RecordLintOptions = {}): ZoneDiagnostic[] {
  return lintRecords(parseZoneLocated([...HEAD, ...lines].join('\n')), options);
}

function row(source: readonly string[], d: ZoneDiagnostic): Row {
  return [d.code, d.severity, d.line, source[d.line - 1]!.slice(d.column - 1, d.endColumn - 1)];
}

/** Applies a diagnostic's first fix to the zone text. */
function applyFix(lines: readonly string[], d: ZoneDiagnostic): string {
  const source = [...HEAD, ...lines];
  const fix = d.fixes?.[0];
  if (fix === undefined) throw new Error(`${d.code} has no fix`);
  const offsets = [0];
  for (const l of source) offsets.push(offsets[offsets.length - 1]! + l.length + 1);
  const text = source.join('\n');
  const at = (line: number, column: number) =>
    Math.min(text.length, (offsets[line - 1] ?? text.length) + column - 1);
  let out = text;
  for (const e of [...fix.edits].reverse()) {
    out = out.slice(0, at(e.line, e.column)) + e.text + out.slice(at(e.endLine, e.endColumn));
  }
  return out;
}

describe('record checks: SPF', () => {
  it('places a syntax error on the term the parser stopped at (RFC 7208 §4.6)', () => {
    expect(lint(['@ TXT "v=spf1 ip4:192.0.2.300 -all"'])).toEqual([
      ['spf-syntax', 'error', 8, '192.0.2.300'],
    ]);
    const [d] = diagnostics(['@ TXT "v=spf1 mx inclde:x.example -all"']);
    expect(d?.message).toBe(
      "SPF syntax error: unknown mechanism 'inclde' (RFC 7208 §5: all, include, a, mx, ptr, ip4, ip6, exists)",
    );
    expect([d?.line, d?.column, d?.endColumn]).toEqual([8, 18, 34]);
  });

  it('finds the error inside a record split over strings and lines', () => {
    expect(lint(['@ TXT ( "v=spf1 mx "', '        "ip6:zz -all" )'])).toEqual([
      ['spf-syntax', 'error', 9, 'zz'],
    ]);
  });

  it('flags +all as an error and offers ~all and -all', () => {
    const lines = ['@ TXT "v=spf1 mx +all"'];
    const [d] = diagnostics(lines);
    expect(row([...HEAD, ...lines], d!)).toEqual(['spf-pass-all', 'error', 8, '+all']);
    expect(d!.fixes!.map((f) => f.title)).toEqual([
      'Replace with ~all (softfail)',
      'Replace with -all (fail)',
    ]);
    expect(applyFix(lines, d!).split('\n')[7]).toBe('@ TXT "v=spf1 mx ~all"');
    expect(lint(['@ TXT "v=spf1 mx all"'])).toEqual([['spf-pass-all', 'error', 8, 'all']]);
  });

  it('warns about ?all and fixes it to ~all', () => {
    const lines = ['@ TXT "v=spf1 mx ?all"'];
    const [d] = diagnostics(lines);
    expect(row([...HEAD, ...lines], d!)).toEqual(['spf-neutral-all', 'warning', 8, '?all']);
    expect(applyFix(lines, d!).split('\n')[7]).toBe('@ TXT "v=spf1 mx ~all"');
  });

  it('warns about ptr and %{p}, which RFC 7208 §5.5 deprecates', () => {
    expect(lint(['@ TXT "v=spf1 ptr exists:%{p}.x.example -all"'])).toEqual([
      ['spf-ptr', 'warning', 8, 'ptr'],
      ['spf-ptr', 'warning', 8, 'exists:%{p}.x.example'],
    ]);
  });

  it('warns about terms after all and a redirect beside all (RFC 7208 §5.1, §6.1)', () => {
    expect(lint(['@ TXT "v=spf1 -all mx redirect=_spf.example.com"', '_spf TXT "v=spf1 -all"'])).toEqual([
      ['spf-after-all', 'warning', 8, 'mx'],
      ['spf-redirect-ignored', 'warning', 8, 'redirect=_spf.example.com'],
    ]);
  });

  it('counts lookups through includes and redirects, and flags the term that passes ten (RFC 7208 §4.6.4)', () => {
    const lines = [
      '@ TXT "v=spf1 mx include:a.example.com include:b.example.com -all"',
      'a TXT "v=spf1 a:mail.example.com mx mx mx mx -all"',
      'b TXT "v=spf1 redirect=c.example.com"',
      'c TXT "v=spf1 a:mail.example.com mx -all"',
      'a MX 10 mail',
      'b MX 10 mail',
      'c MX 10 mail',
    ];
    // mx 1; include:a 1 + 5 = 7; include:b 1 + redirect 1 + c's 2 = 11.
    const [d] = diagnostics(lines);
    expect(row([...HEAD, ...lines], d!)).toEqual([
      'spf-too-many-lookups',
      'error',
      8,
      'include:b.example.com',
    ]);
    expect(d!.message).toBe(
      "too many DNS lookups: with 'include:b.example.com' a check reaches 11, and the whole record needs 11 when no term matches; at most 10 are allowed, includes and redirects counted, so receivers give permerror (RFC 7208 §4.6.4)",
    );
    expect(lint(lines.map((l) => l.replace(' mx mx mx mx', ' mx mx mx')))).toEqual([]);
  });

  it('says "or more" when a target is outside the zones at hand', () => {
    const [d] = diagnostics(['@ TXT "v=spf1 mx mx mx mx mx mx mx mx mx mx include:_spf.google.com -all"']);
    expect(d!.code).toBe('spf-too-many-lookups');
    expect(d!.message).toContain('needs 11, or more: _spf.google.com could not be followed in these zones');
  });

  it('follows includes into the other zones of the world', () => {
    const lines = ['@ TXT "v=spf1 include:_spf.example.net -all"'];
    const otherZones = [
      {
        origin: 'example.net',
        records: parseZoneLocated('$ORIGIN example.net.\n_spf 60 TXT "v=spf1 a:nothing.example.net -all"')
          .records,
      },
    ];
    expect(lint(lines, { otherZones })).toEqual([
      ['spf-void-lookup', 'warning', 8, 'include:_spf.example.net'],
    ]);
    expect(diagnostics(lines, { otherZones })[0]!.message).toBe(
      "'a:nothing.example.net' finds no A or AAAA record at nothing.example.net (in the record of _spf.example.net, reached by example.com → _spf.example.net): a void lookup; receivers allow 2 per check, then give permerror (RFC 7208 §4.6.4)",
    );
    expect(lint(lines)).toEqual([]);
  });

  it('flags void lookups, and the third as a permerror (RFC 7208 §4.6.4)', () => {
    expect(lint(['@ TXT "v=spf1 a:x.example.com mx:y.example.com exists:z.example.com mx -all"'])).toEqual([
      ['spf-void-lookup', 'warning', 8, 'a:x.example.com'],
      ['spf-void-lookup', 'warning', 8, 'mx:y.example.com'],
      ['spf-void-lookup', 'warning', 8, 'exists:z.example.com'],
      ['spf-too-many-void-lookups', 'error', 8, 'exists:z.example.com'],
    ]);
  });

  it('flags includes that give permerror: no record, two records, a syntax error, a loop', () => {
    expect(
      lint([
        '@ TXT "v=spf1 include:none.example.com include:two.example.com include:bad.example.com include:loop.example.com -all"',
        'none TXT "not spf"',
        'two TXT "v=spf1 -all"',
        'two TXT "v=spf1 mx -all"',
        'bad TXT "v=spf1 ip4:1 -all"',
        'loop TXT "v=spf1 include:example.com -all"',
      ]).filter(([, , line]) => line === 8),
    ).toEqual([
      ['spf-include-none', 'error', 8, 'include:none.example.com'],
      ['spf-include-many', 'error', 8, 'include:two.example.com'],
      ['spf-include-syntax', 'error', 8, 'include:bad.example.com'],
      ['spf-include-loop', 'error', 8, 'include:loop.example.com'],
    ]);
  });

  it('flags an mx with more than ten names (RFC 7208 §4.6.4)', () => {
    const mxs = Array.from({ length: 11 }, (_, i) => `big MX ${i} mail`);
    expect(lint(['@ TXT "v=spf1 mx:big.example.com -all"', ...mxs])).toEqual([
      ['spf-mx-too-many', 'error', 8, 'mx:big.example.com'],
    ]);
  });

  it('flags a second SPF record at a name and removes it as a fix (RFC 7208 §4.5)', () => {
    const lines = [
      '@ TXT "v=spf1 mx -all"',
      '@ TXT "other"',
      '@ TXT ( "v=spf1"',
      '  " -all" )',
      'x A 192.0.2.9',
    ];
    const found = diagnostics(lines);
    expect(found.map((d) => row([...HEAD, ...lines], d))).toEqual([['multiple-spf', 'error', 10, 'v=spf1']]);
    expect(found[0]!.message).toBe(
      "'example.com' already has an SPF record (line 8): with two, every SPF check of the name ends in permerror (RFC 7208 §4.5); merge them into one",
    );
    expect(applyFix(lines, found[0]!).split('\n').slice(7)).toEqual([
      '@ TXT "v=spf1 mx -all"',
      '@ TXT "other"',
      'x A 192.0.2.9',
    ]);
  });
});

describe('record checks: DMARC', () => {
  it('finds nothing wrong in a good record', () => {
    expect(lint(['_dmarc TXT "v=DMARC1; p=reject; rua=mailto:reports@example.com"'])).toEqual([]);
  });

  it('flags a missing p= and adds p=none as a fix (RFC 7489 §6.6.3)', () => {
    const lines = ['_dmarc TXT "v=DMARC1; rua=mailto:reports@example.com"'];
    const [d] = diagnostics(lines);
    expect(row([...HEAD, ...lines], d!)).toEqual(['dmarc-no-policy', 'error', 8, 'v=DMARC1']);
    expect(applyFix(lines, d!).split('\n')[7]).toBe(
      '_dmarc TXT "v=DMARC1; p=none; rua=mailto:reports@example.com"',
    );
    const bare = ['_dmarc TXT "v=DMARC1"'];
    expect(applyFix(bare, diagnostics(bare)[0]!).split('\n')[7]).toBe('_dmarc TXT "v=DMARC1; p=none"');
  });

  it('flags an invalid policy value', () => {
    expect(lint(['_dmarc TXT "v=DMARC1; p=rejected"'])).toEqual([
      ['dmarc-bad-policy', 'error', 8, 'rejected'],
    ]);
  });

  it('flags a record that does not start with v=DMARC1, which discovery discards', () => {
    expect(lint(['_dmarc TXT "v=DMARC1 p=none"'])).toEqual([['dmarc-syntax', 'error', 8, 'p=none']]);
    expect(lint(['_dmarc TXT "v=DMARC1; p=none"', '_dmarc TXT "v=DMARC1 p=none"'])).toEqual([]);
    expect(lint(['_dmarc TXT "some verification token"'])).toEqual([]);
  });

  it('flags unknown, obsolete, repeated and misplaced tags', () => {
    expect(
      lint(['_dmarc TXT "v=DMARC1; rua=mailto:r@example.com; p=none; pct=50; foo=bar; p=reject; adkim=x"']),
    ).toEqual([
      ['dmarc-obsolete-tag', 'warning', 8, 'pct=50'],
      ['dmarc-unknown-tag', 'warning', 8, 'foo=bar'],
      ['dmarc-duplicate-tag', 'warning', 8, 'p=reject'],
      ['dmarc-bad-value', 'warning', 8, 'x'],
      ['dmarc-tag-order', 'warning', 8, 'p=none'],
    ]);
    expect(lint(['_dmarc TXT "v=DMARC1; p=none; np=reject"'], { dmarcMode: 'rfc7489' })).toEqual([
      ['dmarc-obsolete-tag', 'warning', 8, 'np=reject'],
    ]);
  });

  it('flags a DMARC record away from _dmarc', () => {
    expect(lint(['dmarc TXT "v=DMARC1; p=none"'])).toEqual([
      ['dmarc-misplaced', 'warning', 8, 'v=DMARC1; p=none'],
    ]);
  });

  it('flags a second DMARC record at a name', () => {
    expect(lint(['_dmarc TXT "v=DMARC1; p=none"', '_dmarc TXT "v=DMARC1; p=reject"'])).toEqual([
      ['multiple-dmarc', 'error', 9, 'v=DMARC1; p=reject'],
    ]);
  });

  it('checks that an external report destination authorises the domain (RFC 7489 §7.1)', () => {
    const lines = ['_dmarc TXT "v=DMARC1; p=none; rua=mailto:agg@reports.example.net,mailto:me@example.com"'];
    expect(lint(lines)).toEqual([
      ['dmarc-report-unverified', 'warning', 8, 'mailto:agg@reports.example.net'],
    ]);
    const net = (text: string) => [
      { origin: 'example.net', records: parseZoneLocated(`$ORIGIN example.net.\n$TTL 60\n${text}`).records },
    ];
    expect(lint(lines, { otherZones: net('reports A 192.0.2.7') })).toEqual([
      ['dmarc-report-unauthorized', 'warning', 8, 'mailto:agg@reports.example.net'],
    ]);
    expect(lint(lines, { otherZones: net('example.com._report._dmarc.reports TXT "v=DMARC1"') })).toEqual([]);
  });
});

describe('record checks: DKIM', () => {
  const preset = PRESETS.default!.dns!.zones!.find((z) => z.origin === 'example.com')!.text as string;

  it('finds the default world’s keys sound', () => {
    const zone = parseZoneLocated(preset, { origin: 'example.com' });
    expect(lintRecords(zone)).toEqual([]);
  });

  it('flags a key that does not parse, at the tag at fault', () => {
    expect(lint(['s1._domainkey TXT "v=DKIM1; k=rsa; p=not*base64"'])).toEqual([
      ['dkim-key-invalid', 'error', 8, 'not*base64'],
    ]);
    expect(lint(['s1._domainkey TXT "v=DKIM1; k=dsa; p=AAAA"'])).toEqual([
      ['dkim-key-invalid', 'error', 8, 'dsa'],
    ]);
    expect(lint(['s1._domainkey TXT "v=DKIM1; k=rsa"'])).toEqual([
      ['dkim-key-invalid', 'error', 8, 'v=DKIM1; k=rsa'],
    ]);
  });

  it('flags an RSA key under 1024 bits as an error and under 2048 as a warning (RFC 8301 §3.2)', () => {
    // SubjectPublicKeyInfo of 512- and 1024-bit RSA keys, made with openssl genpkey.
    const k512 =
      'MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBANYwS/Sc8SpSH0Q8IDqyA1z6I6m+b/qbJTkDoQi3Yy5kkU7sDo9f+b8711rdVPzdWT7iS+RxD0gUyZ2EjL2VdMcCAwEAAQ==';
    const k1024 =
      'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDN1NmR81oVDEa/Sqs0zhXM2C90E+YLpthJpobWAo2dzrA2WjomLmDzuuJ65/IbhQeeXFqlbo0lb7M2/MwCD2CCDwKt3iwg7MEVr3QLaWjrGjahOzUSsrrHqCu9h6ecm44CueYLG63Fojs+nWcchA9/0KWm8mXrkHjGaeaLKNgRlQIDAQAB';
    expect(lint([`s1._domainkey TXT "v=DKIM1; k=rsa; p=${k512}"`])).toEqual([
      ['dkim-key-too-short', 'error', 8, k512],
    ]);
    expect(lint([`s1._domainkey TXT "v=DKIM1; k=rsa; p=${k1024}"`])).toEqual([
      ['dkim-key-warning', 'warning', 8, k1024],
    ]);
  });

  it('warns about a revoked key, testing mode, and a key away from _domainkey', () => {
    expect(lint(['s1._domainkey TXT "v=DKIM1; t=y; p="'])).toEqual([
      ['dkim-key-revoked', 'warning', 8, 'p='],
      ['dkim-key-testing', 'warning', 8, 'y'],
    ]);
    expect(lint(['key TXT "v=DKIM1; p="'])).toEqual([['dkim-misplaced', 'warning', 8, 'v=DKIM1; p=']]);
  });
});

describe('checkZone', () => {
  it('gives the parse diagnostics and the record checks in file order, with the record terms', () => {
    const text = [...HEAD, 'www A 192.0.2.300', '@ TXT "v=spf1 +all"'].join('\n');
    const check = checkZone(text);
    expect(check.diagnostics.map((d) => [d.line, d.code])).toEqual([
      [8, 'bad-address'],
      [9, 'spf-pass-all'],
    ]);
    expect(check.terms).toEqual([
      {
        protocol: 'spf',
        kind: 'version',
        name: 'v',
        text: 'v=spf1',
        owner: 'example.com',
        line: 9,
        column: 8,
        endColumn: 14,
      },
      {
        protocol: 'spf',
        kind: 'mechanism',
        name: 'all',
        qualifier: '+',
        text: '+all',
        owner: 'example.com',
        line: 9,
        column: 15,
        endColumn: 19,
      },
    ]);
    expect(check.zone.records).toHaveLength(6);
  });

  it('outlines DMARC and DKIM tags, and SPF records that do not parse yet', () => {
    const text = [
      ...HEAD,
      '_dmarc TXT "v=DMARC1;  P=none"',
      's._domainkey TXT "v=DKIM1; k=ed25519; p="',
      '@ TXT "v=spf1 ~incl"',
    ].join('\n');
    expect(checkZone(text).terms.map((t) => [t.protocol, t.kind, t.name, t.text, t.column])).toEqual([
      ['dmarc', 'version', 'v', 'v=DMARC1', 13],
      ['dmarc', 'tag', 'p', 'P=none', 24],
      ['dkim', 'version', 'v', 'v=DKIM1', 19],
      ['dkim', 'tag', 'k', 'k=ed25519', 28],
      ['dkim', 'tag', 'p', 'p=', 39],
      ['spf', 'version', 'v', 'v=spf1', 8],
      ['spf', 'mechanism', 'incl', '~incl', 15],
    ]);
  });

  it('never throws, and places every diagnostic inside the text (random zones)', () => {
    const pieces = [
      '@',
      '_dmarc',
      's._domainkey',
      'TXT',
      'IN',
      'A 192.0.2.1',
      'MX 10 mail',
      '"v=spf1',
      '"v=DMARC1;',
      '"v=DKIM1;',
      'include:example.com',
      'redirect=_spf.example.com',
      '+all"',
      '?all',
      'p=none;',
      'rua=mailto:x@example.net"',
      'p=AAAA"',
      'ptr',
      '"',
      '(',
      ')',
      ';@timeout example.com. TXT',
      '\\"',
      '\\065',
      'a:%{i}.x.example',
      '\n',
      ' ',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 6 })), { maxLength: 40 }),
        (parts) => {
          const text = [...HEAD, parts.join(' ')].join('\n');
          const lines = text.split('\n');
          const check = checkZone(text);
          for (const d of check.diagnostics) {
            expect(d.line).toBeGreaterThanOrEqual(1);
            expect(d.line).toBeLessThanOrEqual(lines.length);
            expect(d.endColumn).toBeGreaterThanOrEqual(d.column);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
