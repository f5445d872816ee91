/**
 * The aggregator: a receiver's DMARC evaluations of one reporting period in,
 * one feedback report per Policy Domain out (RFC 9990 §3: "A separate
 * report MUST be generated for each Policy Domain encountered during the
 * reporting period").
 *
 * Theory of operation:
 * - Evaluations are grouped by the domain whose record applied; within a
 *   report, messages that share the source address, the verdict, the
 *   identifiers and the authentication results make one record with a
 *   count ("One record per (IP, result, authentication identifiers)
 *   tuples"), in the order they were first seen.
 * - `policy_published` is the last record observed in the period (RFC 9990
 *   §3.1 and §3.3: "SHOULD note only the final configuration observed"), with the
 *   defaults of its specification filled in, and its parse problems go to
 *   `error` (§3.1.5).
 * - A message that passed DMARC under a policy other than none gets the
 *   RFC 9990 disposition `pass`; RFC 7489 knows only none, quarantine and
 *   reject. When the disposition is weaker than the policy, a `reason` says
 *   why: `sampled_out` (RFC 7489 pct) or `policy_test_mode` (RFC 9989 t=y).
 * - DKIM results are listed in RFC 9990 §3.1.3's order of preference (passing
 *   and strictly aligned first, failing last), at most
 *   {@link MAX_DKIM_RESULTS} per record.
 *
 * SIMPLIFICATION: `envelope_to` (optional) is not reported.
 */
import { parseDmarcRecord, type DmarcMode } from './record.ts';
import type {
  DkimAuthResult,
  DmarcEvaluationEntry,
  FeedbackReport,
  PolicyOverrideReason,
  PolicyPublished,
  ReportFormat,
  ReportRecord,
  SpfAuthResult,
} from './report-types.ts';

/** RFC 9990 §3.1.3: "no more than 100 signatures for a given row". */
export const MAX_DKIM_RESULTS = 100;

/** Who reports, and for which period. */
export interface AggregateOptions {
  readonly format: ReportFormat;
  readonly orgName: string;
  /** Contact address of the reporting organisation. */
  readonly email: string;
  /** The period, in seconds since the epoch; `end` is its last second. */
  readonly begin: number;
  readonly end: number;
  /** The Report-ID for a policy domain's report (unique among reports to that domain). */
  readonly reportId: (policyDomain: string) => string;
  readonly generator?: string;
}

/** The specification a report format belongs with. */
export function formatFor(mode: DmarcMode): ReportFormat {
  return mode === 'rfc7489' ? 'rfc7489' : 'rfc9990';
}

/** `policy_published` for a record as discovered, defaults filled in. */
export function policyPublished(
  domain: string,
  text: string,
  mode: DmarcMode,
): { policy: PolicyPublished; errors: string[] } {
  const parsed = parseDmarcRecord(text, mode);
  if (!parsed.ok) return { policy: { domain, p: 'none' }, errors: [parsed.error.message] };
  const r = parsed.record;
  const errors = parsed.warnings.map((w) => w.message);
  // As the evaluator does: no valid p= but a rua= means p=none (RFC 9989 §4.10.1, RFC 7489 §6.6.3).
  const invalid = r.invalidPolicyTags.filter((t) => t !== 'np' || mode === 'rfc9989');
  const p = invalid.length > 0 ? 'none' : (r.p ?? 'none');
  const sp = invalid.length > 0 ? p : (r.sp ?? p);
  const common = { domain, adkim: r.adkim, aspf: r.aspf, p, sp, fo: r.fo.join(':') };
  return mode === 'rfc7489'
    ? { policy: { ...common, pct: r.pct }, errors }
    : {
        policy: {
          ...common,
          discoveryMethod: 'treewalk',
          np: invalid.length > 0 ? p : (r.np ?? sp),
          testing: r.t,
        },
        errors,
      };
}

/** RFC 9990 §3.1.3's order: passing and aligned with From (strictly, then relaxed), other passing, the rest. */
function dkimRank(d: DkimAuthResult, headerFrom: string): number {
  if (d.result !== 'pass') return 3;
  if (d.domain === headerFrom) return 0;
  if (headerFrom.endsWith(`.${d.domain}`) || d.domain.endsWith(`.${headerFrom}`)) return 1;
  return 2;
}

/** The reasons a format can carry: each RFC has override types the other lacks. */
function reasonsFor(reasons: readonly PolicyOverrideReason[], format: ReportFormat): PolicyOverrideReason[] {
  const foreign = format === 'rfc9990' ? ['forwarded', 'sampled_out'] : ['policy_test_mode'];
  return reasons.map((r) =>
    foreign.includes(r.type) ? { type: 'other', comment: r.comment ?? r.type.replace('_', ' ') } : r,
  );
}

/** The row of one evaluation, count 1. */
function rowOf(e: DmarcEvaluationEntry, format: ReportFormat): ReportRecord {
  const disposition =
    e.result === 'pass' ? (format === 'rfc9990' && e.policy !== 'none' ? 'pass' : 'none') : e.disposition;
  const dkimResults = e.dkim
    .map((d, i) => ({ d, i, rank: dkimRank(d, e.headerFrom) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .slice(0, MAX_DKIM_RESULTS)
    .map(({ d }) => d);
  let spf: SpfAuthResult | undefined = e.spf;
  // RFC 9990 §3.1.1.13 allows only the mfrom scope; a HELO check is reported without one.
  if (spf?.scope === 'helo' && format === 'rfc9990') spf = { domain: spf.domain, result: spf.result };
  // RFC 7489 requires an SPF result; when SPF did not run it is none.
  if (spf === undefined && format === 'rfc7489')
    spf = { domain: e.envelopeFrom, scope: 'mfrom', result: 'none' };
  return {
    sourceIp: e.sourceIp,
    count: 1,
    disposition,
    dkim: e.dkimAligned ? 'pass' : 'fail',
    spf: e.spfAligned ? 'pass' : 'fail',
    reasons: reasonsFor(e.reasons, format),
    headerFrom: e.headerFrom,
    envelopeFrom: e.envelopeFrom,
    dkimResults,
    spfResults: spf === undefined ? [] : [spf],
  };
}

/**
 * The reports for one period: one per policy domain, in the order the
 * domains were first seen. `entries` are the period's evaluations, oldest
 * first.
 */
export function aggregateReports(
  entries: readonly DmarcEvaluationEntry[],
  options: AggregateOptions,
): FeedbackReport[] {
  const byDomain = new Map<string, DmarcEvaluationEntry[]>();
  for (const e of entries) byDomain.set(e.policyDomain, [...(byDomain.get(e.policyDomain) ?? []), e]);
  return [...byDomain].map(([domain, list]) => {
    const last = list[list.length - 1]!;
    const { policy, errors } = policyPublished(domain, last.record, last.mode);
    const groups = new Map<string, ReportRecord>();
    for (const e of list) {
      const row = rowOf(e, options.format);
      const key = JSON.stringify({ ...row, count: 0 });
      const seen = groups.get(key);
      groups.set(key, seen === undefined ? row : { ...seen, count: seen.count + 1 });
    }
    return {
      format: options.format,
      version: '1.0',
      metadata: {
        orgName: options.orgName,
        email: options.email,
        reportId: options.reportId(domain),
        begin: options.begin,
        end: options.end,
        errors,
        ...(options.format === 'rfc9990' && options.generator !== undefined
          ? { generator: options.generator }
          : {}),
      },
      policy,
      records: [...groups.values()],
    };
  });
}
