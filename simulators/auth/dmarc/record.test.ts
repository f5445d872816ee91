import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDmarcRecord, parseDmarcRecord, type DmarcMode } from './record.ts';

describe('parseDmarcRecord: the version tag (RFC 7489 §6.4, RFC 9989 §4.8)', () => {
  it.each([
    ['', 'the record is empty; it must start with v=DMARC1', 0],
    [' v=DMARC1; p=none', 'the record must start with v=DMARC1, not with whitespace', 0],
    ['p=none; v=DMARC1', 'the record must start with v=DMARC1, but its first tag is "p"', 0],
    ['v; p=none', 'the v tag has no "=" (expected v=DMARC1)', 1],
    ['v=DMARC1 p=none', 'v=DMARC1 must be followed by ";" before the next tag', 8],
    ['v=dmarc1; p=none', 'the version must be exactly "DMARC1" (upper case), not "dmarc1"', 2],
    ['v=DMARC2; p=none', 'the version must be DMARC1, not "DMARC2"', 2],
    ['v = spf1 -all', 'the version must be DMARC1, not "spf1 -all"', 4],
  ])('%j is not a DMARC record: %s', (text, message, position) => {
    const parsed = parseDmarcRecord(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toEqual({ message, position });
    expect(isDmarcRecord(text)).toBe(false);
  });

  it.each(['v=DMARC1', 'v=DMARC1;', 'v = DMARC1 ; p=none', 'V=DMARC1; p=reject'])('%j is one', (text) => {
    expect(isDmarcRecord(text)).toBe(true);
    expect(parseDmarcRecord(text).ok).toBe(true);
  });
});

describe('parseDmarcRecord: tags', () => {
  it('reads every RFC 7489 tag', () => {
    const text =
      'v=DMARC1; p=Reject; sp=quarantine; adkim=s; aspf=s; pct=25; rua=mailto:agg@example.com!10m, mailto:b@x.example; ruf=mailto:f@example.com; fo=1:d; rf=afrf; ri=3600';
    const parsed = parseDmarcRecord(text, 'rfc7489');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.warnings).toEqual([]);
    expect(parsed.record).toMatchObject({
      p: 'reject',
      sp: 'quarantine',
      adkim: 's',
      aspf: 's',
      pct: 25,
      fo: ['1', 'd'],
      rf: ['afrf'],
      ri: 3600,
      invalidPolicyTags: [],
    });
    expect(parsed.record.rua).toEqual([
      {
        uri: 'mailto:agg@example.com',
        scheme: 'mailto',
        host: 'example.com',
        maxSize: 10 * 2 ** 20,
        position: text.indexOf('mailto:agg'),
      },
      { uri: 'mailto:b@x.example', scheme: 'mailto', host: 'x.example', position: text.indexOf('mailto:b@') },
    ]);
  });

  it('reads the RFC 9989 tags and defaults the rest', () => {
    const parsed = parseDmarcRecord('v=DMARC1; p=none; np=reject; psd=y; t=y', 'rfc9989');
    expect(parsed.ok && parsed.record).toMatchObject({
      p: 'none',
      np: 'reject',
      psd: 'y',
      t: 'y',
      adkim: 'r',
      aspf: 'r',
      pct: 100,
      fo: ['0'],
    });
  });

  type Row = [mode: DmarcMode, text: string, message: string, position: number];
  it.each<Row>([
    [
      'rfc7489',
      'v=DMARC1; p=none; adkim=x',
      'adkim=x is not valid (expected r or s); the default r (relaxed) is used',
      24,
    ],
    [
      'rfc7489',
      'v=DMARC1; p=none; pct=101',
      'pct=101 is not valid (expected an integer from 0 to 100); the default 100 is used',
      22,
    ],
    [
      'rfc7489',
      'v=DMARC1; p=none; fo=2',
      'fo=2 is not valid (expected a colon-separated list of 0, 1, d, s); the default 0 is used',
      21,
    ],
    [
      'rfc7489',
      'v=DMARC1; p=none; ri=abc',
      'ri=abc is not valid (expected a 32-bit unsigned integer of seconds); the default 86400 is used',
      21,
    ],
    ['rfc7489', 'v=DMARC1; p=none; foo=bar', 'unknown tag foo= ignored (RFC 7489 §6.3)', 18],
    [
      'rfc7489',
      'v=DMARC1; p=none; np=reject',
      'np= is not part of RFC 7489 (it comes from RFC 9091 and RFC 9989 §4.7); ignored',
      18,
    ],
    ['rfc7489', 'v=DMARC1; p=none; t=y', 't= is not part of RFC 7489 (RFC 9989 §4.7); ignored', 18],
    [
      'rfc7489',
      'v=DMARC1; sp=none; p=none',
      'p= should come right after v=DMARC1 (RFC 7489 §6.4); accepted anyway',
      19,
    ],
    ['rfc9989', 'v=DMARC1; p=none; pct=50', 'pct= was removed by RFC 9989 (see t=, §4.7); ignored', 18],
    [
      'rfc9989',
      'v=DMARC1; p=none; ri=60',
      'ri= was removed by RFC 9989 (RFC 9990 reports daily); ignored',
      18,
    ],
    [
      'rfc9989',
      'v=DMARC1; p=none; psd=x',
      'psd=x is not valid (expected y, n or u); the default u is used',
      22,
    ],
    ['rfc9989', 'v=DMARC1; p=none; t=1', 't=1 is not valid (expected y or n); the default n is used', 20],
    [
      'rfc9989',
      'v=DMARC1; p=none; p=reject',
      'p= appears more than once; only the first one counts (RFC 6376 §3.2)',
      18,
    ],
    ['rfc9989', 'v=DMARC1; p=none; junk', '"junk" is not a tag=value pair; ignored (RFC 7489 §6.3)', 18],
    [
      'rfc9989',
      'v=DMARC1; p=none; rua=reports@example.com',
      'rua=: "reports@example.com" is not a URI (e.g. mailto:reports@example.com); ignored (RFC 7489 §6.4)',
      22,
    ],
    [
      'rfc9989',
      'v=DMARC1; p=none; rua=mailto:a@example.com!5m',
      'rua=: the "!5m" size limit is obsolete and ignored (RFC 9989 §4.8)',
      22,
    ],
    [
      'rfc9989',
      'v=DMARC1; p=none; ruf=https://example.com/r',
      'ruf=: only mailto: URIs are used for reports (RFC 7489 §7.1); "https://example.com/r" is kept but unused',
      22,
    ],
  ])('%s %j warns: %s', (mode, text, message, position) => {
    const parsed = parseDmarcRecord(text, mode);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.warnings).toContainEqual(expect.objectContaining({ message, position }));
    expect(text.slice(position)).not.toBe('');
  });

  it('flags a missing or invalid policy tag without failing the parse', () => {
    const missing = parseDmarcRecord('v=DMARC1; rua=mailto:a@example.com');
    expect(missing.ok && missing.record.invalidPolicyTags).toEqual(['p']);
    expect(missing.ok && missing.warnings.map((w) => w.message)).toEqual([
      'the record has no p= tag (required for policy records)',
    ]);
    const bad = parseDmarcRecord('v=DMARC1; p=rejcet; sp=quarantin', 'rfc7489');
    expect(bad.ok && bad.record.invalidPolicyTags).toEqual(['p', 'sp']);
    expect(bad.ok && bad.record.p).toBeUndefined();
  });

  it('never throws on random text (property)', () => {
    const chars = fc.constantFrom(...'v=DMARC1;pnoerjctuaqisfd:,!@.% \tmlx0129'.split(''));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: chars }).map((s) => `v=DMARC1;${s}`),
        ),
        (text) => {
          for (const mode of ['rfc7489', 'rfc9989'] as const) {
            const parsed = parseDmarcRecord(text, mode);
            if (parsed.ok) {
              for (const w of parsed.warnings) expect(w.position).toBeLessThanOrEqual(text.length);
            } else expect(parsed.error.message).not.toBe('');
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
