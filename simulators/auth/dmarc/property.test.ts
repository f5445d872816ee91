import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DnsAnswer, DnsQuery } from '../../dns/records.ts';
import { evaluateDmarc, MAX_DMARC_QUERIES } from './evaluate.ts';
import { loadPublicSuffixList, TREE_WALK_MAX_QUERIES, treeWalkTargets } from './org-domain.ts';

// RFC 7489's organizational domain needs the Public Suffix List, loaded on first need.
beforeAll(() => loadPublicSuffixList());

const LABELS = ['a', 'b', 'example', 'co', 'uk', 'com', 'mail', 'x1'];
const domainArb = fc
  .array(fc.constantFrom(...LABELS), { minLength: 1, maxLength: 11 })
  .map((l) => l.join('.'));
const TEXTS = [
  'v=DMARC1; p=reject',
  'v=DMARC1; p=none; psd=y; np=reject',
  'v=DMARC1; p=quarantine; psd=n; pct=10',
  'v=DMARC1; sp=bogus; rua=mailto:r@reports.example.net,mailto:a@example.com,mailto:b@b.example',
  'v=DMARC1; p=reject; t=y; ruf=mailto:f@x1.uk',
  'v=spf1 -all',
  'v=DMARC1 p=none',
];
/** A DNS that answers each question at random: any rcode, any records. */
const answerArb: fc.Arbitrary<DnsAnswer> = fc.oneof(
  fc.constantFrom<DnsAnswer>(
    { rcode: 'NXDOMAIN', answers: [] },
    { rcode: 'SERVFAIL', answers: [] },
    { rcode: 'TIMEOUT', answers: [] },
    { rcode: 'NOERROR', answers: [] },
  ),
  fc.array(fc.constantFrom(...TEXTS), { minLength: 1, maxLength: 3 }).map((texts): DnsAnswer => ({
    rcode: 'NOERROR',
    answers: texts.map((t) => ({ name: 'x', ttl: 1, class: 'IN', type: 'TXT', strings: [t] })),
  })),
);

describe('DMARC properties', () => {
  it('a tree walk never asks more than 8 names', () => {
    fc.assert(
      fc.property(domainArb, (d) => {
        const t = treeWalkTargets(d);
        expect(t.length).toBeLessThanOrEqual(TREE_WALK_MAX_QUERIES);
        expect(t[0]).toBe(d);
        expect(t.at(-1)).toBe(d.split('.').at(-1));
      }),
    );
  });

  it('evaluation terminates within the query limit on random DNS answers, in both modes', () => {
    fc.assert(
      fc.property(
        domainArb,
        domainArb,
        fc.array(fc.record({ result: fc.constantFrom('pass', 'fail'), domain: domainArb }), {
          maxLength: 14,
        }),
        fc.constantFrom('rfc9989' as const, 'rfc7489' as const),
        fc.infiniteStream(answerArb),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (from, spfDomain, dkim, mode, answers, draw) => {
          const gen = evaluateDmarc({
            fromDomain: from,
            spf: { result: 'pass', domain: spfDomain },
            dkim,
            mode,
            random: () => draw,
          });
          const asked = new Set<string>();
          let yields = 0;
          let step = gen.next();
          while (step.done !== true) {
            const q: DnsQuery = step.value;
            yields++;
            expect(yields).toBeLessThanOrEqual(MAX_DMARC_QUERIES);
            // Each question is asked once per evaluation.
            expect(asked.has(`${q.type} ${q.name}`)).toBe(false);
            asked.add(`${q.type} ${q.name}`);
            step = gen.next(answers.next().value);
          }
          expect(['pass', 'fail', 'none', 'temperror', 'permerror']).toContain(step.value.result);
          expect(step.value.queries).toBe(yields);
          if (step.value.result !== 'fail') expect(step.value.disposition).toBe('none');
        },
      ),
      { numRuns: 300 },
    );
  });
});
