import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latin1Bytes, utf8Bytes } from '../../core/bytes.ts';
import { parseAggregateReport } from './report-parser.ts';
import { formatReportXml } from './report-xml.ts';
import { reportArb } from './testing/reports.ts';

const OPENDMARC = '../shared/conformance/dmarc/opendmarc-aggregate-reports';
const read = (name: string) => readFileSync(`${OPENDMARC}/${name}`);

describe('parseAggregateReport on OpenDMARC test files (RFC 7489 Appendix C)', () => {
  it('reads the 163.com report: 50 records, float timestamps dropped to seconds', () => {
    const r = parseAggregateReport(read('163.com!example.com!1337270400!1337356799.20120518163.xml'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { report, warnings } = r;
    expect(report.format).toBe('rfc7489');
    expect(report.metadata).toEqual({
      orgName: '163.com',
      email: 'abuse@163.com',
      reportId: 'aggr_report_example.com_20120518_163.com',
      begin: 1337270400,
      end: 1337356799,
      errors: [],
    });
    expect(report.policy).toEqual({
      domain: 'example.com',
      adkim: 'r',
      aspf: 'r',
      p: 'reject',
      sp: 'reject',
      pct: 100,
    });
    expect(report.records).toHaveLength(50);
    expect(report.records[0]).toEqual({
      sourceIp: '66.220.144.159',
      count: 1,
      disposition: 'reject',
      dkim: 'fail',
      spf: 'fail',
      reasons: [],
      headerFrom: 'example.com',
      dkimResults: [
        {
          domain: 'example.com',
          result: 'temperror',
          humanResult: 'signature error: temporary dns failure requesting selector',
        },
      ],
      spfResults: [{ domain: 'example.com', result: 'temperror' }],
    });
    expect(report.records.reduce((n, rec) => n + rec.count, 0)).toBe(
      [
        ...read('163.com!example.com!1337270400!1337356799.20120518163.xml')
          .toString()
          .matchAll(/<count>(\d+)</g),
      ].reduce((n, m) => n + Number(m[1]), 0),
    );
    // What 163.com left out of the RFC 7489 schema, each said once with its place.
    const kinds = new Set(warnings.map((w) => w.message));
    expect([...kinds].sort()).toEqual([
      '"1337270400.0" is not an integer',
      '"1337356799.0" is not an integer',
      '<feedback> lacks <version>, which is required',
      '<identifiers> lacks <envelope_from>, which is required',
      '<policy_published> lacks <fo>, which is required',
      '<spf> lacks <scope>, which is required',
    ]);
    expect(warnings[0]).toEqual({
      message: '"1337270400.0" is not an integer',
      path: 'feedback/report_metadata/date_range/begin',
      line: 7,
      column: 7,
    });
  });

  it('fails cleanly on the broken bad.com report, saying where (line 6, column 181)', () => {
    const r = parseAggregateReport(read('bad.com!example.com!1337140800!1337227200.xml'));
    expect(r).toEqual({
      ok: false,
      error: { message: 'not well-formed XML: unexpected "<" in the start tag <foo>', line: 6, column: 181 },
    });
  });

  it('reads the bad.com report once its header_from is escaped, leaving out the record without a verdict', () => {
    const fixed = read('bad.com!example.com!1337140800!1337227200.xml')
      .toString('latin1')
      .replace('example.com<foo', 'example.com&lt;foo')
      .concat('</ns1:feedback>');
    const r = parseAggregateReport(latin1Bytes(fixed));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.report.metadata.orgName).toBe('AOL');
    // No record has dkim/spf verdicts in policy_evaluated: all three are left out, each with a reason.
    expect(r.report.records).toEqual([]);
    expect(r.warnings.filter((w) => w.message.startsWith('record '))).toEqual([
      {
        message: 'record 1 is left out: its disposition is missing or not none, pass, quarantine or reject',
        path: 'feedback/record[1]',
        line: 4,
        column: 1,
      },
      {
        message: 'record 2 is left out: its policy_evaluated lacks a dkim or spf verdict (pass or fail)',
        path: 'feedback/record[2]',
        line: 5,
        column: 1,
      },
      {
        message: 'record 3 is left out: its policy_evaluated lacks a dkim or spf verdict (pass or fail)',
        path: 'feedback/record[3]',
        line: 6,
        column: 1,
      },
    ]);
    expect(r.warnings).toContainEqual({
      message: '"108r.166.27.220" is not an IPv4 or IPv6 address',
      path: 'feedback/record[2]/row/source_ip',
      line: 5,
      column: 14,
    });
  });
});

describe('parseAggregateReport', () => {
  it.each([
    ['<a/>', { message: 'the root element is <a>, not <feedback>', path: 'a', line: 1, column: 1 }],
    [
      '<feedback/>',
      {
        message: 'the report has no reporting period (begin)',
        path: 'feedback/report_metadata/date_range/begin',
        line: 1,
        column: 1,
      },
    ],
    [
      '<feedback><report_metadata><date_range><begin>x</begin><end>2</end></date_range></report_metadata></feedback>',
      {
        message: 'begin "x" is not a time in seconds since 1970',
        path: 'feedback/report_metadata/date_range/begin',
        line: 1,
        column: 40,
      },
    ],
    [
      '<feedback><report_metadata><date_range><begin>1</begin><end>2</end></date_range></report_metadata></feedback>',
      {
        message: 'the report names no policy domain (policy_published/domain)',
        path: 'feedback/policy_published',
        line: 1,
        column: 1,
      },
    ],
    [
      '<feedback><report_metadata><date_range><begin>1</begin><end>2</end></date_range></report_metadata><policy_published><domain>d</domain><p>block</p></policy_published></feedback>',
      {
        message: 'the published policy has no valid p (none, quarantine or reject)',
        path: 'feedback/policy_published/p',
        line: 1,
        column: 135,
      },
    ],
  ])('refuses %j', (xml, error) => {
    expect(parseAggregateReport(xml)).toEqual({ ok: false, error });
  });

  it('recognises RFC 9990 by its namespace and decodes the charset the declaration names', () => {
    const xml =
      '<?xml version="1.0" encoding="windows-1252"?><feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0"><report_metadata><org_name>Caf\xe9</org_name><email>a@b</email><report_id>1</report_id><date_range><begin>1</begin><end>2</end></date_range></report_metadata><policy_published><domain>d.example</domain><p>none</p></policy_published><record><row><source_ip>192.0.2.1</source_ip><count>1</count><policy_evaluated><disposition>pass</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>d.example</header_from></identifiers><auth_results/></record></feedback>';
    const r = parseAggregateReport(latin1Bytes(xml));
    expect(r.ok && [r.report.format, r.report.metadata.orgName, r.report.records[0]?.disposition]).toEqual([
      'rfc9990',
      'Café',
      'pass',
    ]);
    expect(r.ok && r.warnings).toEqual([]);
  });

  it.each(['rfc9990', 'rfc7489'] as const)(
    'reads back exactly what the %s writer wrote (property)',
    (format) => {
      fc.assert(
        fc.property(reportArb(format), (report) => {
          const r = parseAggregateReport(utf8Bytes(formatReportXml(report)));
          expect(r).toEqual({ ok: true, report, warnings: [] });
        }),
        { numRuns: 300 },
      );
    },
  );

  it('never throws on random text or bytes (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.uint8Array().map((b) => b as Uint8Array),
        ),
        (input) => {
          const r = parseAggregateReport(input);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never throws on damaged reports (property)', () => {
    const xml = read('163.com!example.com!1337270400!1337356799.20120518163.xml').toString();
    fc.assert(
      fc.property(fc.nat(xml.length), fc.nat(60), fc.string({ maxLength: 8 }), (at, cut, insert) => {
        const damaged = xml.slice(0, at) + insert + xml.slice(Math.min(xml.length, at + cut));
        const r = parseAggregateReport(damaged);
        if (!r.ok) expect(r.error.message).not.toBe('');
      }),
      { numRuns: 300 },
    );
  });
});
