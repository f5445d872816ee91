import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZoneData } from '../../dns/zone-data.ts';
import { parseZone } from '../../dns/zone-file.ts';
import { knownDns } from '../lint-support.ts';
import { evaluateSpf } from './evaluate.ts';
import { countSpfLookups, lintSpfRecord, SPF_LOOKUP_LIMIT } from './lint.ts';

const DOMAINS = ['d0.example', 'd1.example', 'd2.example', 'd3.example', 'd4.example'];

/** A record for domain `i` whose terms never match 192.0.2.1, pointing only at later domains (no loops). */
function recordArb(i: number): fc.Arbitrary<string> {
  const later = DOMAINS.slice(i + 1);
  const terms: fc.Arbitrary<string>[] = [
    fc.constant('a'),
    fc.constant('mx'),
    fc.constantFrom('ip4:10.0.0.1', 'ip6:2001:db8::1', '-ip4:10.0.0.0/8'),
    ...(later.length === 0
      ? []
      : [
          fc.constantFrom(...later).map((d) => `include:${d}`),
          fc.constantFrom(...later).map((d) => `~a:${d}`),
          fc.constantFrom(...later).map((d) => `?mx:${d}/24`),
        ]),
  ];
  const endings = fc.oneof(
    fc.constantFrom('-all', '~all', '?all', ''),
    ...(later.length === 0 ? [] : [fc.constantFrom(...later).map((d) => `redirect=${d}`)]),
  );
  return fc
    .tuple(fc.array(fc.oneof(...terms), { maxLength: 6 }), endings)
    .map(([t, end]) => ['v=spf1', ...t, end].filter((x) => x !== '').join(' '));
}

const zoneArb = fc
  .tuple(...DOMAINS.map((_, i) => recordArb(i)))
  .map((records) =>
    DOMAINS.flatMap((d, i) => [
      `${d}. 60 IN TXT "${records[i]}"`,
      `${d}. 60 IN A 198.51.100.9`,
      `${d}. 60 IN MX 10 ${d}.`,
    ]).join('\n'),
  );

describe('SPF record checks', () => {
  it('count what check_host() counts when no term matches (RFC 7208 §4.6.4)', () => {
    fc.assert(
      fc.property(zoneArb, (text) => {
        const records = parseZone(text).records;
        const data = ZoneData.fromRecords(records);
        const dns = knownDns([{ origin: 'example', records }]);
        const top = records.find((r) => r.type === 'TXT' && r.name === 'd0.example');
        const spf = top?.type === 'TXT' ? top.strings.join('') : '';
        const counted = countSpfLookups(spf, 'd0.example', dns);
        const evaluated = evaluateSpf(
          { ip: '192.0.2.1', domain: 'd0.example', sender: 'x@d0.example', helo: 'h.example' },
          (q) => data.query(q),
        );
        expect(evaluated.result).not.toBe('pass');
        expect(counted).toEqual({ lookups: expect.any(Number), voids: 0, complete: true });
        expect(evaluated.lookups).toBe(Math.min(counted!.lookups, SPF_LOOKUP_LIMIT + 1));
        const over = lintSpfRecord(spf, 'd0.example', dns).some((p) => p.code === 'spf-too-many-lookups');
        expect(over).toBe(evaluated.result === 'permerror');
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random record text', () => {
    const dns = knownDns([]);
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (tail) => {
        for (const p of lintSpfRecord(`v=spf1 ${tail}`, 'example.com', dns)) {
          expect(p.start).toBeGreaterThanOrEqual(0);
          expect(p.end).toBeGreaterThanOrEqual(p.start);
          expect(p.end).toBeLessThanOrEqual(tail.length + 7);
        }
      }),
    );
  });
});
