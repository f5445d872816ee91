/**
 * Checks of a DMARC record for the zone editor and `mailroom check-zone`,
 * with the engine's parser ({@link parseDmarcRecord}) and the rules policy
 * discovery and reporting apply.
 *
 * - A TXT record at `_dmarc.<domain>` that does not start with `v=DMARC1`
 *   is discarded by discovery (RFC 7489 §6.6.3, RFC 9989 §4.10): an error.
 * - The parser's warnings (unknown tags, tags of the other RFC, repeated
 *   tags, bad values) are shown where they are; a missing or invalid `p=`
 *   is an error, since without it the record only asks for reports, or
 *   nothing at all (RFC 7489 §6.6.3 step 6, RFC 9989 §4.10.1).
 * - `p=` anywhere but right after the version is accepted by RFC 9989 but
 *   not by RFC 7489's grammar (§6.4), which most receivers still run.
 * - A `mailto:` report address at another organization is used only if
 *   that organization publishes `v=DMARC1` at
 *   `<policy domain>._report._dmarc.<host>` (RFC 7489 §7.1, kept by
 *   RFC 9990). SIMPLIFICATION: organizations are told apart with the
 *   Public Suffix List here, without the Tree Walk's DNS queries; both give
 *   the same answer for ordinary domains.
 */
import { itemEnd, txtTexts, type KnownDns, type RecordFix, type RecordProblem } from '../lint-support.ts';
import { pslOrganizationalDomain } from './org-domain.ts';
import {
  isDmarcRecord,
  parseDmarcRecord,
  type DmarcDiagnostic,
  type DmarcMode,
  type DmarcProblem,
  type DmarcUri,
} from './record.ts';

/** The owner prefix of DMARC records (RFC 7489 §6.1). */
export const DMARC_PREFIX = '_dmarc.';

const CODES: Readonly<Record<DmarcProblem, { code: string; severity: 'error' | 'warning' }>> = {
  'not-a-tag': { code: 'dmarc-bad-tag', severity: 'warning' },
  'bad-tag-name': { code: 'dmarc-bad-tag', severity: 'warning' },
  'duplicate-tag': { code: 'dmarc-duplicate-tag', severity: 'warning' },
  'other-rfc-tag': { code: 'dmarc-obsolete-tag', severity: 'warning' },
  'unknown-tag': { code: 'dmarc-unknown-tag', severity: 'warning' },
  'bad-value': { code: 'dmarc-bad-value', severity: 'warning' },
  'tag-order': { code: 'dmarc-tag-order', severity: 'warning' },
  'bad-uri': { code: 'dmarc-bad-uri', severity: 'warning' },
  'no-policy': { code: 'dmarc-no-policy', severity: 'error' },
};

/**
 * Where a parser position points: from there to the end of its tag-spec
 * (trimmed), so a bad value is underlined alone and a bad tag whole.
 */
function tagSpan(text: string, position: number): { start: number; end: number } {
  let s = text.lastIndexOf(';', Math.max(0, position - 1)) + 1;
  while (text[s] === ' ' || text[s] === '\t') s++;
  let end = itemEnd(text, s, ';');
  while (end > s && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  let start = Math.min(Math.max(position, s), end);
  while (start < end && (text[start] === ' ' || text[start] === '\t')) start++;
  return { start: start === end ? s : start, end };
}

/** The fix that adds `p=none` after the version tag. */
function addPolicyNone(text: string): RecordFix {
  const semi = text.indexOf(';');
  return semi < 0
    ? {
        title: 'Add p=none (monitor only)',
        replace: [{ start: text.length, end: text.length, text: '; p=none' }],
      }
    : { title: 'Add p=none (monitor only)', replace: [{ start: semi + 1, end: semi + 1, text: ' p=none;' }] };
}

function problemOf(text: string, d: DmarcDiagnostic): RecordProblem {
  const { code, severity } = d.problem === undefined ? CODES['bad-value'] : CODES[d.problem];
  if (d.problem === 'no-policy') {
    // Placed on the version tag: the missing p= belongs right after it.
    return {
      severity,
      code,
      message: `${d.message}: without a valid p= the record asks for no policy, so DMARC does not apply unless rua= is set, and then as p=none (RFC 7489 §6.6.3, RFC 9989 §4.10.1)`,
      start: 0,
      end: Math.max(1, itemEnd(text, 0, ';')),
      fixes: [addPolicyNone(text)],
    };
  }
  if (d.problem === 'bad-value' && (d.tag === 'p' || d.tag === 'sp' || d.tag === 'np')) {
    // An invalid policy tag changes policy selection (RFC 7489 §6.6.3 step 6, RFC 9989 §4.10.1).
    return { severity: 'error', code: 'dmarc-bad-policy', message: d.message, ...tagSpan(text, d.position) };
  }
  return { severity, code, message: d.message, ...tagSpan(text, d.position) };
}

/** Whether `host` and `domain` belong to one organization (see the module comment). */
function sameOrganization(host: string, domain: string): boolean {
  return pslOrganizationalDomain(host) === pslOrganizationalDomain(domain);
}

/** RFC 7489 §7.1: a report address at another organization must be authorised there. */
function externalDestination(
  uri: DmarcUri,
  tag: 'rua' | 'ruf',
  policyDomain: string,
  dns: KnownDns,
): RecordProblem | undefined {
  const host = uri.host;
  if (host === undefined || sameOrganization(host, policyDomain)) return undefined;
  const name = `${policyDomain}._report._dmarc.${host}`;
  const texts = txtTexts(dns, name);
  if (texts !== undefined && texts.some(isDmarcRecord)) return undefined;
  const span = { start: uri.position, end: uri.position + uri.uri.length };
  const kind = tag === 'rua' ? 'aggregate' : 'failure';
  if (texts === undefined) {
    return {
      severity: 'warning',
      code: 'dmarc-report-unverified',
      message: `${host} is another organization: receivers send ${kind} reports there only if it publishes "v=DMARC1" at ${name}, a zone not at hand here; make sure it does (RFC 7489 §7.1)`,
      ...span,
    };
  }
  return {
    severity: 'warning',
    code: 'dmarc-report-unauthorized',
    message: `${host} is another organization and publishes no "v=DMARC1" at ${name}, so receivers drop this address and send it no ${kind} reports (RFC 7489 §7.1)`,
    ...span,
  };
}

/**
 * Checks a TXT record at `owner`, where a DMARC record is or might be:
 * `text` is either at a `_dmarc.` name, or starts with `v=DMARC1`.
 * `mode` is the specification the receivers follow.
 */
export function lintDmarcRecord(
  text: string,
  owner: string,
  dns: KnownDns,
  mode: DmarcMode = 'rfc9989',
): RecordProblem[] {
  if (!owner.startsWith(DMARC_PREFIX)) {
    return [
      {
        severity: 'warning',
        code: 'dmarc-misplaced',
        message: `a DMARC record is only looked for at _dmarc.<domain> (RFC 7489 §6.1): here, at ${owner}, no receiver reads it; publish it at _dmarc.${owner}`,
        start: 0,
        end: text.length,
      },
    ];
  }
  const parsed = parseDmarcRecord(text, mode);
  if (!parsed.ok) {
    const span =
      parsed.error.position >= text.length
        ? { start: 0, end: text.length }
        : tagSpan(text, parsed.error.position);
    return [
      {
        severity: 'error',
        code: 'dmarc-syntax',
        message: `not a DMARC record: ${parsed.error.message}; receivers discard it, so ${owner.slice(DMARC_PREFIX.length)} has no DMARC policy (RFC 7489 §6.6.3, RFC 9989 §4.10)`,
        ...span,
      },
    ];
  }
  const out = parsed.warnings.map((w) => problemOf(text, w));
  if (mode === 'rfc9989') {
    // RFC 7489 receivers (most of today's) want p= right after the version (§6.4).
    const strict = parseDmarcRecord(text, 'rfc7489');
    for (const w of strict.ok ? strict.warnings : []) {
      if (w.problem === 'tag-order') {
        out.push({
          ...problemOf(text, w),
          message:
            'p= should come right after v=DMARC1: RFC 7489 §6.4, which most receivers still follow, requires that order (RFC 9989 lifts it)',
        });
      }
    }
  }
  const domain = owner.slice(DMARC_PREFIX.length);
  for (const [tag, uris] of [
    ['rua', parsed.record.rua],
    ['ruf', parsed.record.ruf],
  ] as const) {
    for (const uri of uris) {
      const problem = externalDestination(uri, tag, domain, dns);
      if (problem !== undefined) out.push(problem);
    }
  }
  return out;
}
