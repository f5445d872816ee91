/**
 * Finding the DMARC record that applies and the Organizational Domain, the
 * two ways: RFC 7489 §6.6.3 (the From domain, then its Public Suffix List
 * organizational domain) and RFC 9989 §4.10 (the DNS Tree Walk). Generators
 * over {@link DnsQuery} like the rest of the evaluator (STYLE.md §S3).
 *
 * Each evaluation keeps a cache of answers: the walks for the From domain,
 * the SPF and DKIM domains and the report destinations share most names,
 * and a receiver asks each once. A reused answer is a `query` step with
 * `cached: true` and is not counted as a query.
 */
import type { DnsAnswer, DnsQuery, RRType } from '../../dns/records.ts';
import { isValidQueryName } from '../spf/evaluate.ts';
import {
  pslOrganizationalDomain,
  selectOrganizationalDomain,
  treeWalkTargets,
  type WalkFind,
} from './org-domain.ts';
import {
  isDmarcRecord,
  parseDmarcRecord,
  type DmarcDiagnostic,
  type DmarcMode,
  type DmarcRecord,
} from './record.ts';
import type { DmarcStep } from './types.ts';

/** A generator that yields DNS queries. */
export type Yielder<T> = Generator<DnsQuery, T, DnsAnswer>;

/** An Organizational Domain, or why it could not be found (a DNS failure during the walk). */
export type OrgOutcome =
  { readonly ok: true; readonly domain: string } | { readonly ok: false; readonly reason: string };

/** Mutable state of one evaluation. */
export interface State {
  readonly mode: DmarcMode;
  readonly steps: DmarcStep[];
  readonly cache: Map<string, DnsAnswer>;
  readonly orgDomains: Map<string, OrgOutcome>;
  queries: number;
  /** Tree walks made for organizational domains other than the From domain's (alignment and reports). */
  walks: number;
}

/** The result of looking at `_dmarc.<domain>`. */
export type RecordFetch =
  | { readonly kind: 'error'; readonly reason: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'many'; readonly count: number }
  | {
      readonly kind: 'one';
      readonly domain: string;
      readonly record: DmarcRecord;
      readonly warnings: readonly DmarcDiagnostic[];
    };

/** What policy discovery concluded. */
export type Discovery =
  | {
      readonly kind: 'found';
      readonly fetch: Extract<RecordFetch, { kind: 'one' }>;
      readonly org: OrgOutcome;
      readonly reason: string;
    }
  | { readonly kind: 'none'; readonly org: OrgOutcome; readonly reason: string }
  | { readonly kind: 'temperror'; readonly reason: string };

/** Lower-case ASCII (RFC 4343) and drop one trailing dot. */
export function normaliseName(name: string): string {
  const lower = name.trim().replace(/[A-Z]+/g, (s) => s.toLowerCase());
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** Asks once per evaluation; a repeated question is answered from the cache. */
export function* lookup(
  st: State,
  depth: number,
  name: string,
  type: RRType,
  purpose: string,
): Yielder<DnsAnswer> {
  const key = `${type} ${name}`;
  const cached = st.cache.get(key);
  const answer = cached ?? (yield { name, type });
  if (cached === undefined) {
    st.queries++;
    st.cache.set(key, answer);
  }
  const answers =
    answer.rcode === 'NOERROR'
      ? answer.answers
          .filter((r) => r.type === type)
          .map((r) => (r.type === 'TXT' ? r.strings.map((s) => JSON.stringify(s)).join(' ') : r.type))
      : [];
  st.steps.push({
    kind: 'query',
    depth,
    name,
    type,
    purpose,
    rcode: answer.rcode,
    answers,
    cached: !!cached,
  });
  return answer;
}

/** TIMEOUT and SERVFAIL are temporary failures; NXDOMAIN and NODATA are answers. */
export function isDnsError(answer: DnsAnswer): boolean {
  return answer.rcode === 'SERVFAIL' || answer.rcode === 'TIMEOUT';
}

/**
 * The DMARC record at `_dmarc.<domain>`: TXT records not starting with
 * `v=DMARC1` are discarded; none, one or several remain (RFC 7489 §6.6.3
 * steps 1–2, RFC 9989 §4.10 steps 1–2). A record's strings are joined
 * (RFC 7208 §3.3 practice, as for DKIM key records).
 */
export function* fetchRecord(
  st: State,
  depth: number,
  domain: string,
  purpose: string,
): Yielder<RecordFetch> {
  const name = `_dmarc.${domain}`;
  if (!isValidQueryName(name)) {
    st.steps.push({ kind: 'note', depth, message: `${name} is not a name DNS can hold; nothing to query` });
    return { kind: 'none' };
  }
  const answer = yield* lookup(st, depth, name, 'TXT', purpose);
  if (isDnsError(answer)) return { kind: 'error', reason: `the TXT lookup of ${name} gave ${answer.rcode}` };
  const texts = answer.answers.flatMap((r) =>
    r.type === 'TXT' && answer.rcode === 'NOERROR' ? [r.strings.join('')] : [],
  );
  const dmarc: string[] = [];
  for (const text of texts) {
    if (isDmarcRecord(text)) dmarc.push(text);
    else if (/^\s*v\s*=/i.test(text)) {
      const parsed = parseDmarcRecord(text, st.mode);
      const why = parsed.ok ? '' : `${parsed.error.message} (at position ${parsed.error.position})`;
      st.steps.push({ kind: 'record-ignored', depth, domain, text, reason: `not a DMARC record: ${why}` });
    } else {
      st.steps.push({ kind: 'record-ignored', depth, domain, text, reason: 'does not start with v=DMARC1' });
    }
  }
  if (dmarc.length === 0) return { kind: 'none' };
  if (dmarc.length > 1) {
    for (const text of dmarc) {
      st.steps.push({
        kind: 'record-ignored',
        depth,
        domain,
        text,
        reason: `one of ${dmarc.length} DMARC records`,
      });
    }
    return { kind: 'many', count: dmarc.length };
  }
  const text = dmarc[0]!;
  const parsed = parseDmarcRecord(text, st.mode);
  // isDmarcRecord(text) guarantees the parse succeeds.
  if (!parsed.ok) throw new Error(`DMARC: ${parsed.error.message}`);
  st.steps.push({ kind: 'record', depth, domain, text });
  for (const w of parsed.warnings) {
    st.steps.push({ kind: 'diagnostic', depth, domain, text, message: w.message, position: w.position });
  }
  return { kind: 'one', domain, record: parsed.record, warnings: parsed.warnings };
}

interface WalkResult {
  readonly finds: readonly Extract<RecordFetch, { kind: 'one' }>[];
  readonly error?: string;
}

/**
 * The DNS Tree Walk (RFC 9989 §4.10). It stops at a record with `psd=n` at
 * the start, or with `psd=y` or `psd=n` further up (steps 2 and 7), or when
 * no labels remain. A set of several DMARC records at one name is discarded
 * and the walk goes on. A DNS failure ends the walk; the caller decides what
 * it means.
 */
export function* treeWalk(
  st: State,
  start: string,
  purpose: 'policy' | 'organizational-domain',
): Yielder<WalkResult> {
  const targets = treeWalkTargets(start);
  st.steps.push({ kind: 'walk', depth: 0, start, purpose, targets });
  const finds: Extract<RecordFetch, { kind: 'one' }>[] = [];
  for (const [i, target] of targets.entries()) {
    const f = yield* fetchRecord(st, 1, target, `DMARC tree walk from ${start}, step ${i + 1}`);
    if (f.kind === 'error')
      return { finds, error: `${f.reason} during the tree walk from ${start} (RFC 9989 §4.10)` };
    if (f.kind === 'many') {
      st.steps.push({
        kind: 'note',
        depth: 1,
        message: `_dmarc.${target} has ${f.count} DMARC records; all are discarded and the walk goes on (RFC 9989 §4.10 step ${i === 0 ? 2 : 7})`,
      });
      continue;
    }
    if (f.kind === 'none') continue;
    finds.push(f);
    const stop = i === 0 ? f.record.psd === 'n' : f.record.psd !== 'u';
    if (stop) {
      st.steps.push({
        kind: 'note',
        depth: 1,
        message: `_dmarc.${target} has psd=${f.record.psd}, so the walk stops (RFC 9989 §4.10 step ${i === 0 ? 2 : 7})`,
      });
      break;
    }
  }
  return { finds };
}

const asFinds = (finds: WalkResult['finds']): WalkFind[] =>
  finds.map((f) => ({ domain: f.domain, psd: f.record.psd }));

/**
 * The Organizational Domain of `domain`: by the Public Suffix List under
 * RFC 7489 (§3.2, no DNS), by a Tree Walk under RFC 9989 (§4.10.2).
 */
export function* organizationalDomain(st: State, domain: string): Yielder<OrgOutcome> {
  const known = st.orgDomains.get(domain);
  if (known !== undefined) return known;
  let outcome: OrgOutcome;
  if (st.mode === 'rfc7489') {
    const org = pslOrganizationalDomain(domain);
    outcome = { ok: true, domain: org };
    st.steps.push({
      kind: 'org-domain',
      depth: 0,
      domain,
      organizationalDomain: org,
      method: 'psl',
      reason:
        org === domain
          ? `by the Public Suffix List, ${domain} is its own organizational domain (RFC 7489 §3.2)`
          : `by the Public Suffix List, the organizational domain of ${domain} is ${org} (RFC 7489 §3.2)`,
    });
  } else {
    st.walks++;
    const walk = yield* treeWalk(st, domain, 'organizational-domain');
    outcome = walk.error === undefined ? orgFromWalk(st, domain, walk) : { ok: false, reason: walk.error };
    if (!outcome.ok) {
      st.steps.push({
        kind: 'org-domain',
        depth: 0,
        domain,
        organizationalDomain: undefined,
        method: 'tree-walk',
        reason: outcome.reason,
      });
    }
  }
  st.orgDomains.set(domain, outcome);
  return outcome;
}

function orgFromWalk(st: State, domain: string, walk: WalkResult): OrgOutcome {
  const sel = selectOrganizationalDomain(domain, asFinds(walk.finds));
  st.steps.push({
    kind: 'org-domain',
    depth: 0,
    domain,
    organizationalDomain: sel.domain,
    method: 'tree-walk',
    reason: `${sel.reason} (RFC 9989 §4.10.2)`,
  });
  return { ok: true, domain: sel.domain };
}

/** RFC 7489 §6.6.3: the From domain's record, else the organizational domain's; several is none. */
export function* discover7489(st: State, from: string): Yielder<Discovery> {
  const org = yield* organizationalDomain(st, from);
  const first = yield* fetchRecord(st, 0, from, 'DMARC record of the From domain');
  if (first.kind === 'error') return { kind: 'temperror', reason: `${first.reason} (RFC 7489 §6.6.3)` };
  if (first.kind === 'many') {
    return {
      kind: 'none',
      org,
      reason: `_dmarc.${from} has ${first.count} DMARC records, so policy discovery ends and DMARC does not apply (RFC 7489 §6.6.3 step 5)`,
    };
  }
  if (first.kind === 'one')
    return { kind: 'found', fetch: first, org, reason: `the From domain ${from} publishes a record` };
  const orgDomain = org.ok ? org.domain : from;
  if (orgDomain === from) {
    return {
      kind: 'none',
      org,
      reason: `${from} publishes no DMARC record and is its own organizational domain`,
    };
  }
  const second = yield* fetchRecord(st, 0, orgDomain, 'DMARC record of the organizational domain');
  if (second.kind === 'error') return { kind: 'temperror', reason: `${second.reason} (RFC 7489 §6.6.3)` };
  if (second.kind === 'many') {
    return {
      kind: 'none',
      org,
      reason: `_dmarc.${orgDomain} has ${second.count} DMARC records, so policy discovery ends and DMARC does not apply (RFC 7489 §6.6.3 step 5)`,
    };
  }
  if (second.kind === 'none') {
    return {
      kind: 'none',
      org,
      reason: `neither ${from} nor its organizational domain ${orgDomain} publishes a DMARC record (RFC 7489 §6.6.3 step 5)`,
    };
  }
  return {
    kind: 'found',
    fetch: second,
    org,
    reason: `${from} has no record, so the record of its organizational domain ${orgDomain} applies (RFC 7489 §6.6.3 step 3)`,
  };
}

/**
 * RFC 9989 §4.10.1: the record at the From domain, else at its
 * Organizational Domain, else at its Public Suffix Domain (`psd=y`). A DNS
 * failure before the policy is known is a temperror; after a record was
 * found at the From domain it only leaves the Organizational Domain unknown.
 */
export function* discover9989(st: State, from: string): Yielder<Discovery> {
  const walk = yield* treeWalk(st, from, 'policy');
  const first = walk.finds[0];
  const org: OrgOutcome =
    walk.error === undefined ? orgFromWalk(st, from, walk) : { ok: false, reason: walk.error };
  if (!org.ok) {
    st.steps.push({
      kind: 'org-domain',
      depth: 0,
      domain: from,
      organizationalDomain: undefined,
      method: 'tree-walk',
      reason: org.reason,
    });
  }
  st.orgDomains.set(from, org);
  if (first?.domain === from)
    return { kind: 'found', fetch: first, org, reason: `the From domain ${from} publishes a record` };
  if (!org.ok) return { kind: 'temperror', reason: org.reason };
  const atOrg = walk.finds.find((f) => f.domain === org.domain);
  if (atOrg !== undefined) {
    return {
      kind: 'found',
      fetch: atOrg,
      org,
      reason: `${from} has no record, so the record of its Organizational Domain ${org.domain} applies (RFC 9989 §4.10.1)`,
    };
  }
  const last = walk.finds[walk.finds.length - 1];
  if (last !== undefined && last.record.psd === 'y') {
    return {
      kind: 'found',
      fetch: last,
      org,
      reason: `neither ${from} nor its Organizational Domain ${org.domain} has a record, so the Public Suffix Domain ${last.domain}'s applies (RFC 9989 §4.10.1)`,
    };
  }
  return {
    kind: 'none',
    org,
    reason: `no DMARC record at ${from}, its Organizational Domain or a Public Suffix Domain (RFC 9989 §4.10.1)`,
  };
}
