/**
 * Writes an aggregate report as XML: the RFC 9990 document (namespace
 * `urn:ietf:params:xml:ns:dmarc-2.0`, `version` 1.0, elements in the order
 * its tables list them) or the RFC 7489 Appendix C one (no namespace, as
 * the reports receivers send in practice). Fields the format does not have
 * are left out (`np`, `testing`, `generator` in RFC 7489; `pct` in
 * RFC 9990), so each document conforms to its own schema
 * (report-schema.ts).
 */
import { DMARC_NAMESPACE, type FeedbackReport, type ReportRecord } from './report-types.ts';
import { element as el, withAttributes, writeXml, type XmlElement } from './xml-writer.ts';

/** An element holding `value`, or nothing when the value is absent. */
function leaf(name: string, value: string | number | undefined): XmlElement | undefined {
  return value === undefined ? undefined : el(name, String(value));
}

function recordElement(r: ReportRecord, format: FeedbackReport['format']): XmlElement {
  const nine = format === 'rfc9990';
  return el(
    'record',
    el(
      'row',
      el('source_ip', r.sourceIp),
      el('count', String(r.count)),
      el(
        'policy_evaluated',
        el('disposition', r.disposition),
        el('dkim', r.dkim),
        el('spf', r.spf),
        ...r.reasons.map((reason) => el('reason', el('type', reason.type), leaf('comment', reason.comment))),
      ),
    ),
    nine
      ? el(
          'identifiers',
          el('header_from', r.headerFrom),
          leaf('envelope_from', r.envelopeFrom),
          leaf('envelope_to', r.envelopeTo),
        )
      : el(
          'identifiers',
          leaf('envelope_to', r.envelopeTo),
          el('envelope_from', r.envelopeFrom ?? ''),
          el('header_from', r.headerFrom),
        ),
    el(
      'auth_results',
      ...r.dkimResults.map((d) =>
        el(
          'dkim',
          el('domain', d.domain),
          leaf('selector', d.selector ?? (nine ? '' : undefined)),
          el('result', d.result),
          leaf('human_result', d.humanResult),
        ),
      ),
      ...r.spfResults.map((s) =>
        el(
          'spf',
          el('domain', s.domain),
          leaf('scope', s.scope ?? (nine ? undefined : 'mfrom')),
          el('result', s.result),
          nine ? leaf('human_result', s.humanResult) : undefined,
        ),
      ),
    ),
  );
}

/** The report as an element tree. */
export function reportElement(report: FeedbackReport): XmlElement {
  const { metadata: m, policy: p, format } = report;
  const nine = format === 'rfc9990';
  const metadata = el(
    'report_metadata',
    el('org_name', m.orgName),
    el('email', m.email),
    leaf('extra_contact_info', m.extraContactInfo),
    el('report_id', m.reportId),
    el('date_range', el('begin', String(m.begin)), el('end', String(m.end))),
    // RFC 9990 has one `error` element; RFC 7489 any number.
    ...(nine
      ? [m.errors.length > 0 ? el('error', m.errors.join('; ')) : undefined]
      : m.errors.map((e) => el('error', e))),
    nine ? leaf('generator', m.generator) : undefined,
  );
  const policy = nine
    ? el(
        'policy_published',
        el('domain', p.domain),
        leaf('discovery_method', p.discoveryMethod),
        el('p', p.p),
        leaf('sp', p.sp),
        leaf('np', p.np),
        leaf('fo', p.fo),
        leaf('adkim', p.adkim),
        leaf('aspf', p.aspf),
        leaf('testing', p.testing),
      )
    : el(
        'policy_published',
        el('domain', p.domain),
        leaf('adkim', p.adkim),
        leaf('aspf', p.aspf),
        el('p', p.p),
        el('sp', p.sp ?? p.p),
        el('pct', String(p.pct ?? 100)),
        el('fo', p.fo ?? '0'),
      );
  const root = el(
    'feedback',
    el('version', report.version ?? '1.0'),
    metadata,
    policy,
    ...report.records.map((r) => recordElement(r, format)),
  );
  return nine ? withAttributes(root, [{ name: 'xmlns', value: DMARC_NAMESPACE }]) : root;
}

/** The report as an XML document (UTF-8 text). */
export function formatReportXml(report: FeedbackReport): string {
  return writeXml(reportElement(report));
}
