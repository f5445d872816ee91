import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFeedback } from './report-schema.ts';
import { formatReportXml } from './report-xml.ts';
import type { FeedbackReport } from './report-types.ts';
import { reportArb } from './testing/reports.ts';
import { parseXml } from './xml-parser.ts';
import type { XmlElement } from './xml-writer.ts';

function tree(xml: string): XmlElement {
  const r = parseXml(xml);
  if (!r.ok) throw new Error(r.error.message);
  return r.root;
}

const NS = 'xmlns="urn:ietf:params:xml:ns:dmarc-2.0"';
const META =
  '<report_metadata><org_name>o</org_name><email>e@x</email><report_id>1</report_id><date_range><begin>1</begin><end>2</end></date_range></report_metadata>';
const POLICY = '<policy_published><domain>example.com</domain><p>none</p></policy_published>';
const RECORD =
  '<record><row><source_ip>192.0.2.1</source_ip><count>1</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers><auth_results/></record>';
const doc9990 = (body: string) => `<feedback ${NS}>${body}</feedback>`;

/** Problems as `path: message`. */
const problems = (xml: string, format: FeedbackReport['format'] = 'rfc9990') =>
  checkFeedback(tree(xml), format).map((p) => `${p.path}: ${p.message}`);

describe('checkFeedback', () => {
  it.each(['rfc9990', 'rfc7489'] as const)(
    'finds every report the %s writer writes valid (property)',
    (format) => {
      fc.assert(
        fc.property(reportArb(format), (report) => {
          expect(checkFeedback(tree(formatReportXml(report)), format)).toEqual([]);
        }),
        { numRuns: 300 },
      );
    },
  );

  it('accepts the smallest RFC 9990 report', () => {
    expect(problems(doc9990(META + POLICY + RECORD))).toEqual([]);
  });

  it.each([
    [
      'a record before the policy (§3.1.1.2: "MUST appear in the order listed")',
      doc9990(META + RECORD + POLICY),
      ['feedback/policy_published: <policy_published> must come before <record> in <feedback>'],
    ],
    [
      'no record (§3.1.1.2: one or more)',
      doc9990(META + POLICY),
      ['feedback: <feedback> lacks <record>, which is required'],
    ],
    [
      'a second report_metadata',
      doc9990(META + META + POLICY + RECORD),
      ['feedback/report_metadata: <report_metadata> may appear only once in <feedback>'],
    ],
    [
      'RFC 7489 pct in an RFC 9990 report',
      doc9990(META + POLICY.replace('<p>', '<pct>50</pct><p>') + RECORD),
      ['feedback/policy_published/pct: <pct> is not allowed in <policy_published>'],
    ],
    [
      'sampled_out, an RFC 7489 reason',
      doc9990(META + POLICY + RECORD.replace('</spf>', '</spf><reason><type>sampled_out</type></reason>')),
      [
        'feedback/record[1]/row/policy_evaluated/reason[1]/type: "sampled_out" is not one of local_policy, mailing_list, other, policy_test_mode, trusted_forwarder',
      ],
    ],
    [
      'an SPF scope other than mfrom (§3.1.1.13)',
      doc9990(
        META +
          POLICY +
          RECORD.replace(
            '<auth_results/>',
            '<auth_results><spf><domain>example.com</domain><scope>helo</scope><result>pass</result></spf></auth_results>',
          ),
      ),
      ['feedback/record[1]/auth_results/spf/scope: "helo" is not one of mfrom'],
    ],
    [
      'a DKIM result without a selector',
      doc9990(
        META +
          POLICY +
          RECORD.replace(
            '<auth_results/>',
            '<auth_results><dkim><domain>example.com</domain><result>pass</result></dkim></auth_results>',
          ),
      ),
      ['feedback/record[1]/auth_results/dkim[1]: <dkim> lacks <selector>, which is required'],
    ],
    [
      'spf before dkim in auth_results',
      doc9990(
        META +
          POLICY +
          RECORD.replace(
            '<auth_results/>',
            '<auth_results><spf><domain>d</domain><result>pass</result></spf><dkim><domain>d</domain><selector>s</selector><result>pass</result></dkim></auth_results>',
          ),
      ),
      ['feedback/record[1]/auth_results/dkim[1]: <dkim> must come before <spf> in <auth_results>'],
    ],
    [
      'a bad address, count and version',
      doc9990(
        '<version>2.0</version>' +
          META +
          POLICY +
          RECORD.replace('192.0.2.1', '300.1.1.1').replace('<count>1</count>', '<count>many</count>'),
      ),
      [
        'feedback/version: "2.0" is not one of 1.0',
        'feedback/record[1]/row/source_ip: "300.1.1.1" is not an IPv4 or IPv6 address',
        'feedback/record[1]/row/count: "many" is not an integer',
      ],
    ],
    [
      'an element outside the DMARC namespace (§3.1.1.1: "with its XML namespace set to the DMARC namespace")',
      doc9990(META + POLICY.replace('<p>none</p>', '<p xmlns="">none</p>') + RECORD),
      ['feedback/policy_published/p: <p> must be in the namespace urn:ietf:params:xml:ns:dmarc-2.0, not ""'],
    ],
    [
      'text where elements belong',
      doc9990(META + POLICY + RECORD.replace('<row>', '<row>oops')),
      ['feedback/record[1]/row: <row> may hold only elements, not text'],
    ],
  ])('reports %s', (_what, xml, expected) => {
    expect(problems(xml)).toEqual(expected);
  });

  it('accepts extension elements in another namespace, at file and record level (§5)', () => {
    const ext = doc9990(
      META +
        POLICY +
        '<extension><x:arc xmlns:x="urn:x">never</x:arc></extension>' +
        RECORD.replace('</record>', '<x:arc-results xmlns:x="urn:x"/></record>'),
    );
    expect(problems(ext)).toEqual([]);
  });

  it('holds RFC 7489 reports to Appendix C: version, fo, envelope_from and SPF scope are required', () => {
    const xml = `<feedback>${META}${POLICY}${RECORD.replace(
      '<auth_results/>',
      '<auth_results><spf><domain>d</domain><result>pass</result></spf></auth_results>',
    )}</feedback>`;
    expect(problems(xml, 'rfc7489')).toEqual([
      'feedback/policy_published: <policy_published> lacks <sp>, which is required',
      'feedback/policy_published: <policy_published> lacks <pct>, which is required',
      'feedback/policy_published: <policy_published> lacks <fo>, which is required',
      'feedback/record[1]/identifiers: <identifiers> lacks <envelope_from>, which is required',
      'feedback/record[1]/auth_results/spf[1]: <spf> lacks <scope>, which is required',
      'feedback: <feedback> lacks <version>, which is required',
    ]);
  });

  it('names a wrong root element', () => {
    expect(problems('<report/>')).toEqual(['report: the root element must be <feedback>, not <report>']);
  });
});
