/**
 * Test helpers: fast-check arbitraries for aggregate reports in the
 * canonical form of each schema (what the writer emits and the parser
 * reads back unchanged), so round trips and schema checks can be
 * property tests.
 */
import fc from 'fast-check';
import type {
  DkimAuthResult,
  FeedbackReport,
  PolicyOverride,
  ReportFormat,
  ReportRecord,
  SpfAuthResult,
} from '../report-types.ts';

/** Text XML 1.0 can carry (§2.2). */
export const xmlText = fc
  .string({ unit: 'grapheme-composite', maxLength: 20 })
  .map((s) => s.replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, ''));

const domain = fc.domain();
const policy = fc.constantFrom('none' as const, 'quarantine' as const, 'reject' as const);
const mode = fc.constantFrom('r' as const, 's' as const);
const dkimResult = fc.constantFrom(
  ...(['none', 'pass', 'fail', 'policy', 'neutral', 'temperror', 'permerror'] as const),
);
const spfResult = fc.constantFrom(
  ...(['none', 'neutral', 'pass', 'fail', 'softfail', 'temperror', 'permerror'] as const),
);
const REASONS: Readonly<Record<ReportFormat, readonly PolicyOverride[]>> = {
  rfc9990: ['local_policy', 'mailing_list', 'other', 'policy_test_mode', 'trusted_forwarder'],
  rfc7489: ['forwarded', 'sampled_out', 'trusted_forwarder', 'mailing_list', 'local_policy', 'other'],
};

/** An optional field: present or absent, never `undefined`-valued. */
function maybe<K extends string, T>(key: K, arb: fc.Arbitrary<T>): fc.Arbitrary<Partial<Record<K, T>>> {
  return fc
    .option(arb, { nil: undefined })
    .map((v) => (v === undefined ? {} : ({ [key]: v } as Record<K, T>)));
}

function recordArb(format: ReportFormat): fc.Arbitrary<ReportRecord> {
  const nine = format === 'rfc9990';
  const dkim: fc.Arbitrary<DkimAuthResult> = fc
    .tuple(
      domain,
      nine ? domain.map((s) => ({ selector: s.split('.')[0]! })) : maybe('selector', xmlText),
      dkimResult,
      maybe('humanResult', xmlText),
    )
    .map(([d, sel, result, human]) => ({ domain: d, ...sel, result, ...human }));
  const spf: fc.Arbitrary<SpfAuthResult> = nine
    ? fc
        .tuple(
          domain,
          maybe('scope', fc.constant('mfrom' as const)),
          spfResult,
          maybe('humanResult', xmlText),
        )
        .map(([d, scope, result, human]) => ({ domain: d, ...scope, result, ...human }))
    : fc
        .tuple(domain, fc.constantFrom('mfrom' as const, 'helo' as const), spfResult)
        .map(([d, scope, result]) => ({ domain: d, scope, result }));
  return fc
    .record({
      sourceIp: fc.oneof(fc.ipV4(), fc.ipV6()),
      count: fc.nat({ max: 100_000 }),
      disposition: nine
        ? fc.constantFrom('none' as const, 'pass' as const, 'quarantine' as const, 'reject' as const)
        : policy,
      dkim: fc.constantFrom('pass' as const, 'fail' as const),
      spf: fc.constantFrom('pass' as const, 'fail' as const),
      reasons: fc.array(
        fc
          .tuple(fc.constantFrom(...REASONS[format]), maybe('comment', xmlText))
          .map(([type, comment]) => ({ type, ...comment })),
        { maxLength: 2 },
      ),
      headerFrom: domain,
      envelopeFrom: nine
        ? fc.option(fc.oneof(domain, fc.constant('')), { nil: undefined })
        : fc.oneof(domain, fc.constant('')),
      envelopeTo: fc.option(domain, { nil: undefined }),
      dkimResults: fc.array(dkim, { maxLength: 3 }),
      spfResults: fc.array(spf, { minLength: nine ? 0 : 1, maxLength: nine ? 1 : 2 }),
    })
    .map(({ envelopeFrom, envelopeTo, ...r }) => ({
      ...r,
      ...(envelopeFrom === undefined ? {} : { envelopeFrom }),
      ...(envelopeTo === undefined ? {} : { envelopeTo }),
    }));
}

/** A report as the writer of `format` writes it. */
export function reportArb(format: ReportFormat): fc.Arbitrary<FeedbackReport> {
  const nine = format === 'rfc9990';
  const metadata = fc
    .tuple(
      fc.record({ orgName: xmlText, email: xmlText, reportId: xmlText, begin: fc.nat(), end: fc.nat() }),
      maybe('extraContactInfo', xmlText),
      fc.array(
        xmlText.filter((e) => e !== ''),
        { maxLength: nine ? 1 : 3 },
      ),
      nine ? maybe('generator', xmlText) : fc.constant({}),
    )
    .map(([m, extra, errors, generator]) => ({ ...m, ...extra, errors, ...generator }));
  const published = nine
    ? fc
        .tuple(
          domain,
          policy,
          maybe('discoveryMethod', fc.constantFrom('psl' as const, 'treewalk' as const)),
          maybe('adkim', mode),
          maybe('aspf', mode),
          maybe('sp', policy),
          maybe('np', policy),
          maybe('fo', fc.constantFrom('0', '1', 'd:s')),
          maybe('testing', fc.constantFrom('y' as const, 'n' as const)),
        )
        .map(([d, p, ...rest]) => Object.assign({ domain: d, p }, ...rest) as FeedbackReport['policy'])
    : fc
        .tuple(
          domain,
          policy,
          policy,
          fc.integer({ min: 0, max: 100 }),
          fc.constantFrom('0', '1', 'd:s'),
          maybe('adkim', mode),
          maybe('aspf', mode),
        )
        .map(([d, p, sp, pct, fo, adkim, aspf]) => ({ domain: d, ...adkim, ...aspf, p, sp, pct, fo }));
  return fc
    .tuple(metadata, published, fc.array(recordArb(format), { minLength: 1, maxLength: 4 }))
    .map(([m, p, records]) => ({ format, version: '1.0', metadata: m, policy: p, records }));
}
