/**
 * Reads an aggregate report, of either shape: RFC 9990 (recognised by its
 * namespace, `urn:ietf:params:xml:ns:dmarc-2.0`) or RFC 7489 Appendix C
 * (everything else, which is what most receivers still send).
 *
 * What is fatal and what is not:
 * - A document that is not well-formed XML fails, with the first error and
 *   its line and column. So does one whose root is not `feedback`, or that
 *   lacks what no reader can do without: the reporting period
 *   (`date_range`), the policy domain and a valid `p`.
 * - Everything else is read as far as it goes, and each departure from the
 *   schema is a warning with the element's path: RFC 9990 §3.1.1 lets the
 *   reader "try to utilize some of the data". A record without a usable
 *   count or verdict is left out, with a warning naming it.
 *
 * TOLERANCE: `begin` and `end` may carry a fraction (`1337270400.0`, as
 * 163.com wrote them); it is dropped, with a warning when it is not zero.
 * TOLERANCE: a namespace prefix on the elements (`ns1:feedback`) is
 * accepted, since names are compared without it.
 * TOLERANCE: bytes are decoded in the charset the XML declaration names
 * (windows-1252 reports exist), UTF-8 otherwise.
 */
import { bytesToLatin1 } from '../../core/bytes.ts';
import { decodeCharset } from '../../mime/charsets.ts';
import type { DmarcPolicy } from './record.ts';
import { checkFeedback } from './report-schema.ts';
import {
  DMARC_NAMESPACE,
  type DkimAuthResult,
  type FeedbackReport,
  type PolicyOverride,
  type PolicyOverrideReason,
  type PolicyPublished,
  type ReportDisposition,
  type ReportDkimResult,
  type ReportFormat,
  type ReportRecord,
  type ReportSpfResult,
  type SpfAuthResult,
} from './report-types.ts';
import { parseXml } from './xml-parser.ts';
import { childElements, textOf, type XmlElement } from './xml-writer.ts';

/** A problem found while reading, with where it is. */
export interface ReportProblem {
  readonly message: string;
  /** The element's path, e.g. `feedback/record[3]/row/count`. */
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
}

/** The outcome of {@link parseAggregateReport}. */
export type ReportParse =
  | {
      readonly ok: true;
      readonly report: FeedbackReport;
      /** Departures from the schema of the report's format; empty for a conforming report. */
      readonly warnings: readonly ReportProblem[];
    }
  | { readonly ok: false; readonly error: ReportProblem };

const POLICIES: readonly string[] = ['none', 'quarantine', 'reject'];
const DISPOSITIONS: readonly string[] = ['none', 'pass', 'quarantine', 'reject'];
const DKIM_RESULTS: readonly string[] = [
  'none',
  'pass',
  'fail',
  'policy',
  'neutral',
  'temperror',
  'permerror',
];
const SPF_RESULTS: readonly string[] = [
  'none',
  'neutral',
  'pass',
  'fail',
  'softfail',
  'temperror',
  'permerror',
];
const OVERRIDES: readonly string[] = [
  'forwarded',
  'sampled_out',
  'trusted_forwarder',
  'mailing_list',
  'local_policy',
  'other',
  'policy_test_mode',
];

/** Decodes report bytes in the charset the XML declaration names (UTF-8 by default). */
export function decodeReportBytes(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return decodeCharset(bytes, 'utf-8', 3).text;
  const head = bytesToLatin1(bytes, 0, Math.min(bytes.length, 256));
  const label = /^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1];
  return decodeCharset(bytes, label ?? 'utf-8').text;
}

class Fatal extends Error {
  constructor(readonly problem: ReportProblem) {
    super(problem.message);
  }
}

/** The first child of `el` with this local name. */
function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el === undefined ? undefined : childElements(el).find((c) => c.local === name);
}

function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el === undefined ? [] : childElements(el).filter((c) => c.local === name);
}

/** The text of a child element, or undefined when there is no such child. */
function text(el: XmlElement | undefined, name: string): string | undefined {
  const c = child(el, name);
  return c === undefined ? undefined : textOf(c);
}

/** A trimmed token of `allowed`, or undefined. */
function token<T extends string>(
  el: XmlElement | undefined,
  name: string,
  allowed: readonly string[],
): T | undefined {
  const value = text(el, name)?.trim();
  return value !== undefined && allowed.includes(value) ? (value as T) : undefined;
}

function at(el: XmlElement | undefined): { line?: number; column?: number } {
  return el?.line === undefined
    ? {}
    : { line: el.line, ...(el.column === undefined ? {} : { column: el.column }) };
}

/**
 * Parses a report (XML text, or its bytes). Never throws: a report that
 * cannot be read gives an error saying why and where.
 */
export function parseAggregateReport(input: string | Uint8Array): ReportParse {
  const xml = typeof input === 'string' ? input : decodeReportBytes(input);
  const parsed = parseXml(xml);
  if (!parsed.ok) {
    const e = parsed.error;
    return {
      ok: false,
      error: { message: `not well-formed XML: ${e.message}`, line: e.line, column: e.column },
    };
  }
  const root = parsed.root;
  if (root.local !== 'feedback') {
    return {
      ok: false,
      error: { message: `the root element is <${root.name}>, not <feedback>`, path: root.local, ...at(root) },
    };
  }
  const format: ReportFormat = root.namespace === DMARC_NAMESPACE ? 'rfc9990' : 'rfc7489';
  const warnings: ReportProblem[] = checkFeedback(root, format);
  try {
    return { ok: true, report: readFeedback(root, format, warnings), warnings };
  } catch (e) {
    if (e instanceof Fatal) return { ok: false, error: e.problem };
    throw e;
  }
}

function readFeedback(root: XmlElement, format: ReportFormat, warnings: ReportProblem[]): FeedbackReport {
  const meta = child(root, 'report_metadata');
  const range = child(meta, 'date_range');
  const time = (name: 'begin' | 'end'): number => {
    const path = `feedback/report_metadata/date_range/${name}`;
    const el = child(range, name);
    const raw = el === undefined ? undefined : textOf(el).trim();
    if (raw === undefined)
      throw new Fatal({
        message: `the report has no reporting period (${name})`,
        path,
        ...at(el ?? range ?? meta ?? root),
      });
    const m = /^([0-9]{1,15})(?:\.([0-9]+))?$/.exec(raw);
    if (m === null)
      throw new Fatal({ message: `${name} "${raw}" is not a time in seconds since 1970`, path, ...at(el) });
    if (m[2] !== undefined && /[1-9]/.test(m[2]))
      warnings.push({ message: `${name} ${raw} has a fraction of a second; it is dropped`, path, ...at(el) });
    return Number(m[1]);
  };
  const begin = time('begin');
  const end = time('end');
  const errors = children(meta, 'error').map(textOf);
  const generator = text(meta, 'generator');
  const extra = text(meta, 'extra_contact_info');
  const metadata = {
    orgName: text(meta, 'org_name') ?? '',
    email: text(meta, 'email') ?? '',
    ...(extra === undefined ? {} : { extraContactInfo: extra }),
    reportId: text(meta, 'report_id') ?? '',
    begin,
    end,
    errors,
    ...(generator === undefined ? {} : { generator }),
  };
  const version = text(root, 'version')?.trim();
  return {
    format,
    ...(version === undefined ? {} : { version }),
    metadata,
    policy: readPolicy(root),
    records: children(root, 'record').flatMap((r, i) => readRecord(r, i + 1, warnings)),
  };
}

function readPolicy(root: XmlElement): PolicyPublished {
  const pp = child(root, 'policy_published');
  const domain = text(pp, 'domain')?.trim();
  if (pp === undefined || domain === undefined || domain === '')
    throw new Fatal({
      message: 'the report names no policy domain (policy_published/domain)',
      path: 'feedback/policy_published',
      ...at(pp ?? root),
    });
  const p = token<DmarcPolicy>(pp, 'p', POLICIES);
  if (p === undefined)
    throw new Fatal({
      message: 'the published policy has no valid p (none, quarantine or reject)',
      path: 'feedback/policy_published/p',
      ...at(child(pp, 'p') ?? pp),
    });
  const sp = token<DmarcPolicy>(pp, 'sp', POLICIES);
  const np = token<DmarcPolicy>(pp, 'np', POLICIES);
  const adkim = token<'r' | 's'>(pp, 'adkim', ['r', 's']);
  const aspf = token<'r' | 's'>(pp, 'aspf', ['r', 's']);
  const testing = token<'y' | 'n'>(pp, 'testing', ['y', 'n']);
  const discovery = token<'psl' | 'treewalk'>(pp, 'discovery_method', ['psl', 'treewalk']);
  const pctText = text(pp, 'pct')?.trim();
  const pct =
    pctText !== undefined && /^[0-9]{1,3}$/.test(pctText) && Number(pctText) <= 100
      ? Number(pctText)
      : undefined;
  const fo = text(pp, 'fo');
  return {
    domain,
    ...(discovery === undefined ? {} : { discoveryMethod: discovery }),
    ...(adkim === undefined ? {} : { adkim }),
    ...(aspf === undefined ? {} : { aspf }),
    p,
    ...(sp === undefined ? {} : { sp }),
    ...(np === undefined ? {} : { np }),
    ...(pct === undefined ? {} : { pct }),
    ...(fo === undefined ? {} : { fo }),
    ...(testing === undefined ? {} : { testing }),
  };
}

function readRecord(record: XmlElement, n: number, warnings: ReportProblem[]): ReportRecord[] {
  const path = `feedback/record[${n}]`;
  const row = child(record, 'row');
  const evaluated = child(row, 'policy_evaluated');
  const skip = (why: string): ReportRecord[] => {
    warnings.push({ message: `record ${n} is left out: ${why}`, path, ...at(record) });
    return [];
  };
  const countText = text(row, 'count')?.trim();
  if (countText === undefined || !/^[0-9]{1,15}$/.test(countText))
    return skip(countText === undefined ? 'it has no count' : `its count "${countText}" is not a number`);
  const disposition = token<ReportDisposition>(evaluated, 'disposition', DISPOSITIONS);
  if (disposition === undefined)
    return skip('its disposition is missing or not none, pass, quarantine or reject');
  const dkim = token<'pass' | 'fail'>(evaluated, 'dkim', ['pass', 'fail']);
  const spf = token<'pass' | 'fail'>(evaluated, 'spf', ['pass', 'fail']);
  if (dkim === undefined || spf === undefined)
    return skip('its policy_evaluated lacks a dkim or spf verdict (pass or fail)');
  const identifiers = child(record, 'identifiers');
  const headerFrom = text(identifiers, 'header_from');
  if (headerFrom === undefined) return skip('it has no header_from');
  const reasons: PolicyOverrideReason[] = children(evaluated, 'reason').flatMap((r) => {
    const type = token<PolicyOverride>(r, 'type', OVERRIDES);
    const comment = text(r, 'comment');
    return type === undefined ? [] : [{ type, ...(comment === undefined ? {} : { comment }) }];
  });
  const auth = child(record, 'auth_results');
  const dkimResults: DkimAuthResult[] = children(auth, 'dkim').flatMap((d) => {
    const domain = text(d, 'domain');
    const result = token<ReportDkimResult>(d, 'result', DKIM_RESULTS);
    if (domain === undefined || result === undefined) return [];
    const selector = text(d, 'selector');
    const human = text(d, 'human_result');
    return [
      {
        domain,
        ...(selector === undefined ? {} : { selector }),
        result,
        ...(human === undefined ? {} : { humanResult: human }),
      },
    ];
  });
  const spfResults: SpfAuthResult[] = children(auth, 'spf').flatMap((s) => {
    const domain = text(s, 'domain');
    const result = token<ReportSpfResult>(s, 'result', SPF_RESULTS);
    if (domain === undefined || result === undefined) return [];
    const scope = token<'mfrom' | 'helo'>(s, 'scope', ['mfrom', 'helo']);
    const human = text(s, 'human_result');
    return [
      {
        domain,
        ...(scope === undefined ? {} : { scope }),
        result,
        ...(human === undefined ? {} : { humanResult: human }),
      },
    ];
  });
  const envelopeFrom = text(identifiers, 'envelope_from');
  const envelopeTo = text(identifiers, 'envelope_to');
  return [
    {
      sourceIp: text(row, 'source_ip')?.trim() ?? '',
      count: Number(countText),
      disposition,
      dkim,
      spf,
      reasons,
      headerFrom,
      ...(envelopeFrom === undefined ? {} : { envelopeFrom }),
      ...(envelopeTo === undefined ? {} : { envelopeTo }),
      dkimResults,
      spfResults,
    },
  ];
}
