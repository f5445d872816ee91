import { describe, expect, it } from 'vitest';
import { aggregateReports, policyPublished, type AggregateOptions } from './aggregate-report.ts';
import type { DmarcEvaluationEntry } from './report-types.ts';

const OPTIONS: AggregateOptions = {
  format: 'rfc9990',
  orgName: 'example.net',
  email: 'dmarc-noreply@example.net',
  begin: 1796083200,
  end: 1796169599,
  reportId: (domain) => `id${domain.length}`,
  generator: 'Mailroom',
};

/** Alice's mail from example.com's own server: SPF and DKIM pass and align. */
const OWN: DmarcEvaluationEntry = {
  mode: 'rfc9989',
  sourceIp: '192.0.2.25',
  headerFrom: 'example.com',
  envelopeFrom: 'example.com',
  spf: { domain: 'example.com', scope: 'mfrom', result: 'pass' },
  dkim: [{ domain: 'example.com', selector: 'ed2026', result: 'pass' }],
  result: 'pass',
  spfAligned: true,
  dkimAligned: true,
  policy: 'reject',
  disposition: 'none',
  reasons: [],
  policyDomain: 'example.com',
  record: 'v=DMARC1; p=reject; rua=mailto:r@example.com',
};

/** A forgery with nothing aligned. */
const SPOOF: DmarcEvaluationEntry = {
  ...OWN,
  sourceIp: '203.0.113.66',
  envelopeFrom: 'phish.example',
  spf: { domain: 'phish.example', scope: 'mfrom', result: 'none' },
  dkim: [],
  result: 'fail',
  spfAligned: false,
  dkimAligned: false,
  disposition: 'reject',
};

describe('aggregateReports', () => {
  it('counts messages that share source, verdict and identifiers as one record (RFC 9990 §3.1.1.7)', () => {
    const [report, ...rest] = aggregateReports([OWN, SPOOF, OWN, SPOOF, OWN], OPTIONS);
    expect(rest).toEqual([]);
    expect(report).toEqual({
      format: 'rfc9990',
      version: '1.0',
      metadata: {
        orgName: 'example.net',
        email: 'dmarc-noreply@example.net',
        reportId: 'id11',
        begin: 1796083200,
        end: 1796169599,
        errors: [],
        generator: 'Mailroom',
      },
      policy: {
        domain: 'example.com',
        discoveryMethod: 'treewalk',
        adkim: 'r',
        aspf: 'r',
        p: 'reject',
        sp: 'reject',
        np: 'reject',
        fo: '0',
        testing: 'n',
      },
      records: [
        {
          sourceIp: '192.0.2.25',
          count: 3,
          // RFC 9990: "pass": passing DMARC under an enforcing policy.
          disposition: 'pass',
          dkim: 'pass',
          spf: 'pass',
          reasons: [],
          headerFrom: 'example.com',
          envelopeFrom: 'example.com',
          dkimResults: [{ domain: 'example.com', selector: 'ed2026', result: 'pass' }],
          spfResults: [{ domain: 'example.com', scope: 'mfrom', result: 'pass' }],
        },
        {
          sourceIp: '203.0.113.66',
          count: 2,
          disposition: 'reject',
          dkim: 'fail',
          spf: 'fail',
          reasons: [],
          headerFrom: 'example.com',
          envelopeFrom: 'phish.example',
          dkimResults: [],
          spfResults: [{ domain: 'phish.example', scope: 'mfrom', result: 'none' }],
        },
      ],
    });
  });

  it('makes one report per policy domain, in the order first seen (RFC 9990 §3.1)', () => {
    const other = {
      ...OWN,
      headerFrom: 'example.org',
      policyDomain: 'example.org',
      record: 'v=DMARC1; p=none',
      policy: 'none' as const,
    };
    const reports = aggregateReports([other, OWN, other], OPTIONS);
    expect(reports.map((r) => [r.policy.domain, r.records.map((x) => x.count)])).toEqual([
      ['example.org', [2]],
      ['example.com', [1]],
    ]);
    // A passing message under p=none did nothing: disposition none.
    expect(reports[0]?.records[0]?.disposition).toBe('none');
  });

  it('publishes the last record seen in the period (RFC 9990 §3.1.3)', () => {
    const later = {
      ...SPOOF,
      policy: 'quarantine' as const,
      disposition: 'quarantine' as const,
      record: 'v=DMARC1; p=quarantine; sp=none',
    };
    const [report] = aggregateReports([SPOOF, later], OPTIONS);
    expect(report?.policy).toMatchObject({ p: 'quarantine', sp: 'none', np: 'none' });
    expect(report?.records.map((r) => [r.disposition, r.count])).toEqual([
      ['reject', 1],
      ['quarantine', 1],
    ]);
  });

  it('says why a failing message was not rejected: t=y (RFC 9990) and pct sampling (RFC 7489)', () => {
    const tested = {
      ...SPOOF,
      disposition: 'quarantine' as const,
      reasons: [{ type: 'policy_test_mode' as const, comment: 't=y' }],
    };
    expect(aggregateReports([tested], OPTIONS)[0]?.records[0]?.reasons).toEqual([
      { type: 'policy_test_mode', comment: 't=y' },
    ]);
    const sampled = {
      ...SPOOF,
      mode: 'rfc7489' as const,
      record: 'v=DMARC1; p=reject; pct=20',
      disposition: 'quarantine' as const,
      reasons: [{ type: 'sampled_out' as const, comment: 'pct=20' }],
    };
    const [report] = aggregateReports([sampled], { ...OPTIONS, format: 'rfc7489' });
    expect(report?.records[0]).toMatchObject({
      disposition: 'quarantine',
      reasons: [{ type: 'sampled_out', comment: 'pct=20' }],
    });
    expect(report?.policy).toEqual({
      domain: 'example.com',
      adkim: 'r',
      aspf: 'r',
      p: 'reject',
      sp: 'reject',
      fo: '0',
      pct: 20,
    });
    // RFC 7489 reports have no generator element.
    expect(report?.metadata.generator).toBeUndefined();
  });

  it('lists passing aligned signatures first (RFC 9990 §3.1.3)', () => {
    const signed = {
      ...OWN,
      dkim: [
        { domain: 'example.com', selector: 'nl2026', result: 'permerror' as const, humanResult: 'no key' },
        { domain: 'newsletter.example', selector: 'esp2026', result: 'pass' as const },
        { domain: 'mail.example.com', selector: 'a', result: 'pass' as const },
        { domain: 'example.com', selector: 'b', result: 'pass' as const },
      ],
    };
    expect(
      aggregateReports([signed], OPTIONS)[0]?.records[0]?.dkimResults.map((d) => `${d.domain} ${d.selector}`),
    ).toEqual(['example.com b', 'mail.example.com a', 'newsletter.example esp2026', 'example.com nl2026']);
  });

  it('reports an SPF check of HELO without a scope in RFC 9990, and SPF none when SPF did not run in RFC 7489', () => {
    const helo = {
      ...SPOOF,
      envelopeFrom: '',
      spf: { domain: 'mail.phish.example', scope: 'helo' as const, result: 'pass' as const },
    };
    expect(aggregateReports([helo], OPTIONS)[0]?.records[0]).toMatchObject({
      envelopeFrom: '',
      spfResults: [{ domain: 'mail.phish.example', result: 'pass' }],
    });
    const { spf: _spf, ...noSpf } = SPOOF;
    expect(aggregateReports([noSpf], { ...OPTIONS, format: 'rfc7489' })[0]?.records[0]?.spfResults).toEqual([
      { domain: 'phish.example', scope: 'mfrom', result: 'none' },
    ]);
  });
});

describe('policyPublished', () => {
  it('fills in the defaults of RFC 9989 (sp from p, np from sp) and lists record problems as errors', () => {
    expect(
      policyPublished('example.com', 'v=DMARC1; p=quarantine; sp=none; pct=50; adkim=s', 'rfc9989'),
    ).toEqual({
      policy: {
        domain: 'example.com',
        discoveryMethod: 'treewalk',
        adkim: 's',
        aspf: 'r',
        p: 'quarantine',
        sp: 'none',
        np: 'none',
        fo: '0',
        testing: 'n',
      },
      errors: ['pct= was removed by RFC 9989 (see t=, §4.7); ignored'],
    });
  });

  it('reports a record without a valid p but with rua as p=none, as the evaluator treats it', () => {
    expect(
      policyPublished('example.com', 'v=DMARC1; p=block; rua=mailto:r@example.com', 'rfc7489').policy,
    ).toEqual({
      domain: 'example.com',
      adkim: 'r',
      aspf: 'r',
      p: 'none',
      sp: 'none',
      fo: '0',
      pct: 100,
    });
  });
});
