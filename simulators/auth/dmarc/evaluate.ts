/**
 * DMARC evaluation as a synchronous generator (STYLE.md §S3): it yields each
 * {@link DnsQuery} and is resumed with the {@link DnsAnswer}. Two modes, so a
 * learner can see both specifications judge the same message:
 * `rfc9989` (DMARCbis, the default) and `rfc7489` (what most receivers run).
 *
 * Theory of operation:
 * 1. The From domain must be a usable DNS name, else permerror.
 * 2. Policy discovery: RFC 7489 §6.6.3 (From domain, then its PSL
 *    organizational domain; several records mean no DMARC), or RFC 9989
 *    §4.10.1 (the DNS Tree Walk; several records at one name are discarded
 *    and the walk goes on). A DNS failure that leaves the policy unknown is
 *    temperror; no record is none.
 * 3. A record without a valid `p` (or with an invalid `sp`, and under
 *    RFC 9989 `np`) counts as `p=none` if it has a reporting URI in `rua`,
 *    and otherwise DMARC does not apply (RFC 7489 §6.6.3 step 6, RFC 9989
 *    §4.10.1).
 * 4. The policy: `p` at the From domain; for a subdomain `sp` (default `p`);
 *    under RFC 9989, `np` when the From domain does not exist — NXDOMAIN,
 *    the RFC 8020 meaning RFC 9989 adopts. The existence query is only
 *    asked when the record has `np`: without it, `sp`/`p` applies either way.
 *    RFC 7489 has no `np` (RFC 9091 added it experimentally).
 * 5. Identifier alignment (RFC 7489 §3.1, RFC 9989 §4.4): only a passing
 *    SPF result and verified DKIM signatures count. Strict is an exact match;
 *    relaxed compares Organizational Domains. An identifier equal to the
 *    From domain aligns without DNS; one outside the From domain's
 *    Organizational Domain cannot share it (a walk only climbs), so only
 *    the others cost a Tree Walk, at most {@link MAX_ALIGNMENT_WALKS}.
 * 6. pass if any authenticated identifier aligns; else temperror if a walk
 *    that could have aligned one failed; else fail.
 * 7. Disposition for a failure: the policy, one level lower (reject →
 *    quarantine → none) when RFC 7489 `pct` sampling leaves the message out
 *    (§6.6.4) or RFC 9989 `t=y` asks for testing (§4.7).
 * 8. Reporting destinations (RFC 7489 §7.1, kept by RFC 9990/9991): a
 *    `mailto:` host outside the policy domain's Organizational Domain must
 *    publish `v=DMARC1` at `<policy domain>._report._dmarc.<host>`, else
 *    it is dropped. At most {@link MAX_REPORT_URIS} per tag are considered
 *    (RFC 7489 §6.2 lets receivers limit them, "at least two").
 *
 * SIMPLIFICATION: internationalised From domains must already be A-labels.
 * SIMPLIFICATION: the `rua`/`ruf` override a `_report._dmarc` record may
 * carry (RFC 7489 §7.1) is not followed.
 */
import type { DnsAnswer, DnsQuery } from '../../dns/records.ts';
import { isValidQueryName } from '../spf/evaluate.ts';
import {
  discover7489,
  discover9989,
  isDnsError,
  lookup,
  normaliseName,
  organizationalDomain,
  type State,
  type Yielder,
} from './discovery.ts';
import { TREE_WALK_MAX_QUERIES } from './org-domain.ts';
import { isDmarcRecord, type DmarcPolicy, type DmarcRecord, type DmarcUri } from './record.ts';
import type {
  AlignmentMode,
  DmarcInput,
  DmarcResult,
  DmarcResultCode,
  IdentifierAlignment,
} from './types.ts';

/** Tree walks for relaxed alignment per evaluation (the RFC bounds each walk, not their number). */
export const MAX_ALIGNMENT_WALKS = 10;
/** Reporting URIs considered per tag (RFC 7489 §6.2: a receiver MUST support at least two). */
export const MAX_REPORT_URIS = 5;
/**
 * An upper bound on the queries of one evaluation: the policy walk, the
 * existence query, the alignment walks, and per report URI a walk and the
 * authorisation query, plus a walk for the policy domain.
 */
export const MAX_DMARC_QUERIES =
  TREE_WALK_MAX_QUERIES * (2 + MAX_ALIGNMENT_WALKS + 2 * MAX_REPORT_URIS) + 1 + 2 * MAX_REPORT_URIS;

const LOWER: Readonly<Record<DmarcPolicy, DmarcPolicy>> = {
  reject: 'quarantine',
  quarantine: 'none',
  none: 'none',
};

/** Why `domain` cannot be evaluated, or undefined. */
function fromProblem(domain: string): string | undefined {
  if (domain === '') return 'the From domain is empty';
  if (domain.startsWith('[')) return `${domain} is an address literal, not a domain; it cannot publish DMARC`;
  if (!/^[\x21-\x7e]+$/.test(domain)) {
    return `${domain} is not ASCII; internationalised names must be converted to A-labels first (RFC 7489 §6.6.1)`;
  }
  if (!isValidQueryName(`_dmarc.${domain}`)) return `${domain} is not a valid DNS name (RFC 1035 §2.3.4)`;
  return undefined;
}

interface Aligned extends IdentifierAlignment {
  /** A walk that might have aligned it failed. */
  readonly unknown: boolean;
}

/** Relaxed or strict alignment of one identifier with the From domain (RFC 7489 §3.1; RFC 9989 §4.4). */
function* align(
  st: State,
  from: string,
  orgFrom: string | undefined,
  identifier: 'spf' | 'dkim',
  rawDomain: string,
  authenticated: boolean,
  mode: AlignmentMode,
): Yielder<Aligned> {
  const domain = normaliseName(rawDomain);
  const done = (aligned: boolean, reason: string, unknown = false): Aligned => {
    const alignment = { domain, authenticated, aligned, mode, reason };
    st.steps.push({ kind: 'alignment', depth: 0, identifier, alignment });
    return { ...alignment, unknown };
  };
  const what = identifier === 'spf' ? `SPF domain ${domain}` : `DKIM d=${domain}`;
  if (!authenticated) {
    return done(
      false,
      `${what} is not authenticated (${identifier === 'spf' ? 'SPF did not pass' : 'the signature did not verify'}), so it cannot align`,
    );
  }
  if (domain === from) return done(true, `${what} is the From domain itself`);
  if (mode === 's') return done(false, `strict alignment needs ${what} to equal the From domain ${from}`);
  const std = st.mode === 'rfc7489' ? 'RFC 7489 §3.1' : 'RFC 9989 §4.4';
  if (orgFrom === undefined) {
    return done(
      false,
      `the From domain's Organizational Domain is unknown (DNS failure), so relaxed alignment of ${what} cannot be decided`,
      true,
    );
  }
  if (st.mode === 'rfc9989') {
    if (domain !== orgFrom && !domain.endsWith(`.${orgFrom}`)) {
      return done(
        false,
        `${what} is not within ${orgFrom}, so it cannot share that Organizational Domain (${std})`,
      );
    }
    if (!st.orgDomains.has(domain) && st.walks >= MAX_ALIGNMENT_WALKS) {
      return done(false, `more than ${MAX_ALIGNMENT_WALKS} tree walks for alignment; ${what} is not checked`);
    }
  }
  if (!isValidQueryName(domain)) return done(false, `${what} is not a valid DNS name`);
  const org = yield* organizationalDomain(st, domain);
  if (!org.ok) return done(false, `${org.reason}, so relaxed alignment of ${what} cannot be decided`, true);
  return org.domain === orgFrom
    ? done(true, `${what} and ${from} share the Organizational Domain ${orgFrom} (relaxed, ${std})`)
    : done(false, `${what} has Organizational Domain ${org.domain}, not ${orgFrom} (relaxed, ${std})`);
}

/**
 * RFC 7489 §7.1 (RFC 9990 §4) external destination verification for one
 * tag's URIs: the ones that may be used, in order; each decision is a
 * `report-uri` step, each dropped URI a warning.
 */
export function* authorizeReports(
  st: State,
  policyDomain: string,
  orgPolicy: string | undefined,
  tag: 'rua' | 'ruf',
  uris: readonly DmarcUri[],
  warnings: string[],
): Yielder<string[]> {
  const out: string[] = [];
  const step = (uri: string, authorized: boolean, reason: string) => {
    st.steps.push({ kind: 'report-uri', depth: 0, tag, uri, authorized, reason });
    if (authorized) out.push(uri);
    else warnings.push(`${tag}: ${uri} dropped: ${reason}`);
  };
  for (const [i, uri] of uris.entries()) {
    if (i >= MAX_REPORT_URIS) {
      step(uri.uri, false, `only the first ${MAX_REPORT_URIS} URIs are used (RFC 7489 §6.2)`);
      continue;
    }
    if (uri.host === undefined) {
      step(uri.uri, false, 'reports are only sent to mailto: URIs');
      continue;
    }
    const host = uri.host;
    const within = orgPolicy !== undefined && (host === orgPolicy || host.endsWith(`.${orgPolicy}`));
    if (within && isValidQueryName(host)) {
      const org = yield* organizationalDomain(st, host);
      if (org.ok && org.domain === orgPolicy) {
        step(uri.uri, true, `${host} is within the policy domain's organizational domain ${orgPolicy}`);
        continue;
      }
    }
    const name = `${policyDomain}._report._dmarc.${host}`;
    if (!isValidQueryName(name)) {
      step(uri.uri, false, `${name} is not a valid DNS name`);
      continue;
    }
    const answer = yield* lookup(st, 0, name, 'TXT', `authorisation of ${tag} destination ${host}`);
    if (isDnsError(answer)) {
      step(uri.uri, false, `the authorisation lookup of ${name} gave ${answer.rcode}`);
      continue;
    }
    const ok =
      answer.rcode === 'NOERROR' &&
      answer.answers.some((r) => r.type === 'TXT' && isDmarcRecord(r.strings.join('')));
    step(
      uri.uri,
      ok,
      ok
        ? `${host} is another organization, and authorises reports for ${policyDomain} at ${name} (RFC 7489 §7.1)`
        : `${host} is another organization and publishes no "v=DMARC1" record at ${name} (RFC 7489 §7.1)`,
    );
  }
  return out;
}

/**
 * DMARC for one message: a generator that yields DNS queries and returns the
 * result with a full step trace. Never throws on DNS data.
 */
export function* evaluateDmarc(input: DmarcInput): Generator<DnsQuery, DmarcResult, DnsAnswer> {
  const mode = input.mode ?? 'rfc9989';
  const st: State = { mode, steps: [], cache: new Map(), orgDomains: new Map(), queries: 0, walks: 0 };
  const from = normaliseName(input.fromDomain);
  const warnings: string[] = [];
  st.steps.push({ kind: 'start', depth: 0, fromDomain: from, mode });
  const spfAuthenticated = input.spf.result === 'pass';
  const pending = (
    why: string,
    m: { aspf: AlignmentMode; adkim: AlignmentMode } = { aspf: 'r', adkim: 'r' },
  ) => ({
    spf: {
      domain: normaliseName(input.spf.domain),
      authenticated: spfAuthenticated,
      aligned: false,
      mode: m.aspf,
      reason: why,
    },
    dkim: input.dkim.map((d) => ({
      domain: normaliseName(d.domain),
      authenticated: d.result === 'pass',
      aligned: false,
      mode: m.adkim,
      reason: why,
    })),
  });
  const finish = (
    result: DmarcResultCode,
    reason: string,
    extra: Partial<Omit<DmarcResult, 'result' | 'reason'>> = {},
  ): DmarcResult => {
    st.steps.push({ kind: 'result', depth: 0, result, reason });
    return {
      mode,
      result,
      fromDomain: from,
      disposition: 'none',
      alignment: pending('not evaluated: DMARC did not get that far'),
      reportTo: { rua: [], ruf: [] },
      reason,
      warnings,
      ...extra,
      queries: st.queries,
      steps: st.steps,
    };
  };

  const problem = fromProblem(from);
  if (problem !== undefined) return finish('permerror', `${problem}, so DMARC cannot be evaluated`);

  const found = mode === 'rfc7489' ? yield* discover7489(st, from) : yield* discover9989(st, from);
  if (found.kind === 'temperror') {
    return finish('temperror', `${found.reason}; the policy is unknown, so the result is temperror`);
  }
  const orgFrom = found.org.ok ? found.org.domain : undefined;
  const orgField = orgFrom === undefined ? {} : { organizationalDomain: orgFrom };
  st.steps.push({
    kind: 'policy-record',
    depth: 0,
    domain: found.kind === 'found' ? found.fetch.domain : undefined,
    reason: found.reason,
  });
  if (found.kind === 'none') return finish('none', `${found.reason}: no DMARC policy applies`, orgField);

  const policyDomain = found.fetch.domain;
  let record: DmarcRecord = found.fetch.record;
  for (const w of found.fetch.warnings) warnings.push(`${w.message} (at position ${w.position})`);
  const invalid = record.invalidPolicyTags.filter((t) => t !== 'np' || mode === 'rfc9989');
  const section = mode === 'rfc7489' ? 'RFC 7489 §6.6.3 step 6' : 'RFC 9989 §4.10.1';
  if (invalid.length > 0) {
    const which = invalid.map((t) => `${t}=`).join(', ');
    if (record.rua.length === 0) {
      return finish(
        'none',
        `the record at _dmarc.${policyDomain} has no valid ${which} and no rua= reporting URI, so DMARC is not applied (${section})`,
        { ...orgField, policyDomain, record },
      );
    }
    const { sp: _sp, np: _np, ...rest } = record;
    record = { ...rest, p: 'none', invalidPolicyTags: [] };
    st.steps.push({
      kind: 'note',
      depth: 0,
      message: `no valid ${which}, but rua= has a reporting URI: treated as p=none (${section})`,
    });
    warnings.push(`no valid ${which}: treated as p=none because rua= is present (${section})`);
  }
  if (mode === 'rfc9989' && record.tags.includes('pct')) {
    st.steps.push({
      kind: 'note',
      depth: 0,
      message: 'pct= is ignored under RFC 9989; t=y replaces pct=0 (§4.7)',
    });
  }

  // The policy (p, sp, np).
  let tag: 'p' | 'sp' | 'np' = 'p';
  let policyReason = `the record is the From domain's own, so p= applies`;
  if (policyDomain !== from) {
    tag = record.sp === undefined ? 'p' : 'sp';
    policyReason = `${from} is a subdomain of ${policyDomain}, so ${tag === 'sp' ? 'sp=' : 'p= (there is no sp=)'} applies`;
    if (mode === 'rfc9989' && record.np !== undefined) {
      // RFC 9989: non-existent means NXDOMAIN (RFC 8020 §2); any type tells.
      const answer = yield* lookup(st, 0, from, 'A', 'does the From domain exist? (np=)');
      if (isDnsError(answer)) {
        return finish(
          'temperror',
          `the existence check of ${from} gave ${answer.rcode}, so np= or sp= cannot be chosen`,
          {
            ...orgField,
            policyDomain,
            record,
          },
        );
      }
      if (answer.rcode === 'NXDOMAIN') {
        tag = 'np';
        policyReason = `${from} does not exist (NXDOMAIN, RFC 8020), so np= applies (RFC 9989 §4.7)`;
      } else policyReason += ` (${from} exists, so np= does not apply)`;
    }
  }
  const policy: DmarcPolicy = record[tag] ?? record.p ?? 'none';
  st.steps.push({ kind: 'policy', depth: 0, policy, tag, reason: policyReason });

  // Alignment.
  const spf = yield* align(st, from, orgFrom, 'spf', input.spf.domain, spfAuthenticated, record.aspf);
  const dkim: Aligned[] = [];
  for (const d of input.dkim)
    dkim.push(yield* align(st, from, orgFrom, 'dkim', d.domain, d.result === 'pass', record.adkim));
  const strip = ({ unknown: _u, ...a }: Aligned): IdentifierAlignment => a;
  const alignment = { spf: strip(spf), dkim: dkim.map(strip) };
  const winner = [spf, ...dkim].find((a) => a.aligned);
  const unknown = [spf, ...dkim].some((a) => a.unknown);
  const result: DmarcResultCode = winner !== undefined ? 'pass' : unknown ? 'temperror' : 'fail';

  // Disposition.
  let disposition: DmarcPolicy = 'none';
  let dispositionReason =
    result === 'pass' ? 'the message passed DMARC' : `the result is ${result}; no policy is applied`;
  if (result === 'fail') {
    disposition = policy;
    dispositionReason = `the message failed, so ${tag}=${policy} applies`;
    if (mode === 'rfc7489' && record.pct < 100 && policy !== 'none') {
      const draw = (input.random ?? (() => 0))();
      const selected = draw * 100 < record.pct;
      if (!selected) disposition = LOWER[policy];
      dispositionReason = selected
        ? `pct=${record.pct}: the draw ${draw.toFixed(4)} selected this message, so ${policy} applies (RFC 7489 §6.6.4)`
        : `pct=${record.pct}: the draw ${draw.toFixed(4)} left this message out, so the next weaker policy, ${disposition}, applies (RFC 7489 §6.6.4)`;
    }
    if (mode === 'rfc9989' && record.t === 'y' && policy !== 'none') {
      disposition = LOWER[policy];
      dispositionReason = `t=y (testing): ${policy} is lowered one level to ${disposition} (RFC 9989 §4.7)`;
    }
  }
  st.steps.push({ kind: 'disposition', depth: 0, disposition, reason: dispositionReason });

  // Reporting destinations.
  const orgPolicy = policyDomain === from ? orgFrom : yield* organizationalDomain(st, policyDomain);
  const orgPolicyDomain =
    typeof orgPolicy === 'string' ? orgPolicy : orgPolicy?.ok ? orgPolicy.domain : undefined;
  const rua = yield* authorizeReports(st, policyDomain, orgPolicyDomain, 'rua', record.rua, warnings);
  const ruf = yield* authorizeReports(st, policyDomain, orgPolicyDomain, 'ruf', record.ruf, warnings);

  const std = mode === 'rfc7489' ? 'RFC 7489' : 'RFC 9989';
  const reason =
    result === 'pass'
      ? `${winner?.reason}; DMARC passes (${std})`
      : result === 'temperror'
        ? `no identifier is known to align and a DNS failure hid whether one would (${std})`
        : `no authenticated identifier aligns with ${from}; DMARC fails and ${tag}=${policy} is requested (${std})`;
  return finish(result, reason, {
    ...orgField,
    policyDomain,
    record,
    policy,
    policyTag: tag,
    disposition,
    alignment,
    reportTo: { rua, ruf },
  });
}

/** Runs a DMARC generator to the end, answering each query with `resolve` (tests, the CLI). */
export function runDmarc<T>(gen: Generator<DnsQuery, T, DnsAnswer>, resolve: (q: DnsQuery) => DnsAnswer): T {
  for (let step = gen.next(); ;) {
    if (step.done === true) return step.value;
    step = gen.next(resolve(step.value));
  }
}
