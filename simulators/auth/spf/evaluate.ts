/**
 * check_host() of RFC 7208 §4 as a synchronous generator: it yields each
 * {@link DnsQuery} it needs and is resumed with the {@link DnsAnswer}
 * (STYLE.md §S3). Tests drive it from a map, the world drives it through the
 * simulated resolver with latency, so every lookup is a visible step.
 *
 * Theory of operation:
 * - {@link checkHost} validates the client address and the domain (§4.3),
 *   then evaluates the record at the domain. The record is chosen among the
 *   TXT records (§4.4, §4.5; type SPF is never queried, §3.1) and parsed as a
 *   whole before any term runs (§4.6). Directives run left to right; the
 *   first that matches gives its qualifier's result (§4.6.2). With no match,
 *   `redirect=` hands over to the target's record (§6.1), else the result is
 *   neutral (§4.7). `exp=` is fetched only for a `fail`, and only from the
 *   record that produced it: an included record's `exp=` is never used, a
 *   redirecting record's is replaced (§6.2).
 * - Errors are values: a temperror or permerror anywhere ends the whole
 *   evaluation, because §5.2's table passes both through `include:` and
 *   §6.1 passes everything through `redirect=`.
 * - The evaluator counts what §4.6.4 limits, itself (it cannot trust the
 *   resolver to): DNS-querying terms (`include`, `a`, `mx`, `ptr`,
 *   `exists`, `redirect`, and the PTR query of `%{p}`) across the whole
 *   evaluation, void lookups (NXDOMAIN or no records) of those terms, the
 *   names of one MX answer, and the names of one PTR answer. `exp=` counts
 *   for nothing (§4.6.4: it "do[es] not cause DNS queries at the time of
 *   SPF evaluation").
 * - Every record fetched, term evaluated, query answered and limit reached
 *   is appended to `steps`, with the depth of include/redirect nesting, so a
 *   view can draw the evaluation as a tree.
 *
 * Readings where the RFC leaves room, chosen deliberately:
 * - A target that is valid domain-spec syntax but not a usable DNS name
 *   (an empty label, a label over 63 characters, after macro expansion) is
 *   a no-match without a query; RFC 7208 leaves this undefined and the
 *   suite prefers fail over permerror (`invalid-domain-*`).
 * - An MX answer with more than 10 names is a permerror whatever order the
 *   names come in: an RRset has no order (RFC 2181 §5), so stopping at the
 *   eleventh lookup would make the result depend on chance.
 * - Void lookups are counted on each term's own query (A/AAAA of `a`, MX of
 *   `mx`, PTR of `ptr`, A of `exists`, TXT of `include`/`redirect`), not on
 *   the address lookups of MX hosts or PTR names, which have their own limits.
 * - `ptr` looks up only the PTR names that are within the target; the RFC
 *   validates every name and then filters, which gives the same answer with
 *   more queries. A RFC 7505 null MX (exchange ".") names no host to look up.
 * - SIMPLIFICATION: `%{p}`'s names are found once per evaluation and reused
 *   (as pyspf does), so its PTR query counts once against the limit.
 * - SIMPLIFICATION: `%{t}` is `now` from the input (0 without it): the engine
 *   reads no clock.
 *
 * DNS rcodes (§5, §4.4): TIMEOUT and SERVFAIL are errors (temperror, except
 * where §5.5 and §6.2 say to carry on); NXDOMAIN is not an error but a void
 * answer. A CNAME chain is the DNS's business: answers hold the CNAMEs and
 * then the target's records, and only records of the asked type are used.
 */
import type { DnsAnswer, DnsQuery, ResourceRecord, RRType } from '../../dns/records.ts';
import {
  dottedIp,
  ipVersionLabel,
  parseClientIp,
  prefixMatches,
  readableIp,
  recordAddress,
  reverseName,
  type ClientIp,
} from './client-ip.ts';
import {
  MAX_DOMAIN_LENGTH,
  choosePtrName,
  expandMacroString,
  parseMacroString,
  toQueryName,
  usesPtrMacro,
  type MacroToken,
  type MacroValues,
} from './macro.ts';
import {
  parseExplanation,
  parseRecord,
  selectRecord,
  type Directive,
  type MacroText,
  type Qualifier,
  type SpfRecord,
} from './record.ts';

/** The results of check_host() (RFC 7208 §2.6). */
export type SpfResultCode = 'none' | 'neutral' | 'pass' | 'fail' | 'softfail' | 'temperror' | 'permerror';

/** The arguments of check_host() (§4.1) plus what the macros need (§7.3). */
export interface SpfInput {
  /** `<ip>`: the SMTP client's address, IPv4 or IPv6 text. An IPv4-mapped IPv6 address counts as IPv4 (§5). */
  readonly ip: string;
  /** `<domain>`: the domain to check, the MAIL FROM domain or the HELO name (§2.3, §2.4). */
  readonly domain: string;
  /** `<sender>`: the MAIL FROM address, or `postmaster@<helo>` when checking HELO (§2.4). */
  readonly sender: string;
  /** The HELO/EHLO name, for `%{h}`. */
  readonly helo: string;
  /** The checking host's name, for `%{r}` (§7.3); `unknown` when absent. */
  readonly receiver?: string;
  /** Seconds since 1970 (UTC), for `%{t}`; the engine has no clock of its own, so the caller supplies it (0 if absent). */
  readonly now?: number;
  /** Which identity this is, for the Received-SPF and Authentication-Results fields; `mailfrom` if absent. */
  readonly identity?: 'mailfrom' | 'helo';
}

/** Limits (§4.6.4) and the default explanation. */
export interface SpfOptions {
  /** DNS-querying terms per evaluation (§4.6.4: 10). */
  readonly lookupLimit?: number;
  /** Void lookups per evaluation (§4.6.4: "a default of two is RECOMMENDED"). */
  readonly voidLookupLimit?: number;
  /** Names in one MX answer that may be looked up (§4.6.4: 10; more is a permerror). */
  readonly mxAddressLimit?: number;
  /** Names in one PTR answer that are considered (§4.6.4: 10; the rest are ignored). */
  readonly ptrLimit?: number;
  /**
   * The explanation for a `fail` when the record has no usable `exp=`
   * (§6.2 leaves it to the receiver). A macro-string in explanation syntax.
   */
  readonly defaultExplanation?: string;
}

/** The default for {@link SpfOptions.defaultExplanation}. */
export const DEFAULT_EXPLANATION = '%{o} does not designate %{c} as a permitted sender';

/** How a check_host() call was reached. */
export type SpfVia = 'initial' | 'include' | 'redirect';

/** A limit of §4.6.4. */
export type SpfLimit = 'lookups' | 'void-lookups' | 'mx-names' | 'ptr-names';

/**
 * One thing that happened during an evaluation. `depth` is 0 for the
 * initial domain and grows by one per include/redirect, so a view can nest
 * the steps. A `check` step opens a level and its `result` step closes it;
 * a `term` step opens a term and its `term-result` closes it, with the
 * queries and nested checks of that term in between.
 */
export type SpfStep =
  | { readonly kind: 'check'; readonly depth: number; readonly domain: string; readonly via: SpfVia }
  | {
      readonly kind: 'query';
      readonly depth: number;
      readonly name: string;
      readonly type: RRType;
      /** Why it was asked, e.g. "SPF record", "a", "validate PTR name". */
      readonly purpose: string;
      readonly rcode: DnsAnswer['rcode'];
      /** The records of the asked type, as text (`192.0.2.1`, `10 mx.example.com`, `"v=spf1 -all"`). */
      readonly answers: readonly string[];
      /** NXDOMAIN, or NOERROR without records of the asked type (§4.6.4). */
      readonly void: boolean;
    }
  | { readonly kind: 'record'; readonly depth: number; readonly domain: string; readonly text: string }
  | {
      readonly kind: 'syntax-error';
      readonly depth: number;
      readonly domain: string;
      readonly text: string;
      readonly message: string;
      /** 0-based position in `text`. */
      readonly position: number;
    }
  | { readonly kind: 'term'; readonly depth: number; readonly index: number; readonly text: string }
  | {
      readonly kind: 'term-result';
      readonly depth: number;
      readonly index: number;
      readonly text: string;
      /** The macro-expanded target domain, when the term has one. */
      readonly target?: string;
      readonly matched: boolean;
      readonly reason: string;
    }
  | {
      readonly kind: 'limit';
      readonly depth: number;
      readonly limit: SpfLimit;
      readonly count: number;
      readonly max: number;
      readonly message: string;
    }
  | {
      readonly kind: 'explanation';
      readonly depth: number;
      readonly domain: string;
      readonly text: string;
      readonly source: 'exp' | 'default';
      readonly reason: string;
    }
  | {
      readonly kind: 'result';
      readonly depth: number;
      readonly domain: string;
      readonly result: SpfResultCode;
      readonly reason: string;
    };

/** What check_host() concluded, and how. */
export interface SpfResult {
  readonly result: SpfResultCode;
  /** For `fail` only: the `exp=` text, or the default explanation (§6.2). */
  readonly explanation?: string;
  /** Why, in words for a learner. */
  readonly reason: string;
  /** The directive that matched, as written. */
  readonly mechanism?: string;
  /** DNS-querying terms counted against the limit (§4.6.4). */
  readonly lookups: number;
  readonly voidLookups: number;
  readonly steps: readonly SpfStep[];
}

type Yielder<T> = Generator<DnsQuery, T, DnsAnswer>;

interface Limits {
  readonly lookups: number;
  readonly voidLookups: number;
  readonly mxNames: number;
  readonly ptrNames: number;
}

/** Mutable state of one evaluation. */
interface State {
  readonly ip: ClientIp;
  /** Macro values that do not change during the evaluation (`d` and `p` do). */
  readonly fixed: Omit<MacroValues, 'd' | 'p'>;
  readonly limits: Limits;
  readonly defaultExplanation: readonly MacroToken[];
  readonly steps: SpfStep[];
  lookups: number;
  voidLookups: number;
  /** Validated client names, found once for `%{p}` (§7.3) and reused. */
  ptrNames: readonly string[] | undefined;
}

/** An error result, which ends the evaluation. */
interface Failure {
  readonly result: 'temperror' | 'permerror';
  readonly reason: string;
}

interface Outcome {
  readonly result: SpfResultCode;
  readonly reason: string;
  readonly mechanism?: string;
  readonly explanation?: string;
}

type TermOutcome =
  | { readonly kind: 'match'; readonly reason: string; readonly target?: string }
  | { readonly kind: 'no-match'; readonly reason: string; readonly target?: string }
  | { readonly kind: 'error'; readonly failure: Failure; readonly target?: string };

const QUALIFIER_RESULT: Readonly<Record<Qualifier, SpfResultCode>> = {
  '+': 'pass',
  '-': 'fail',
  '~': 'softfail',
  '?': 'neutral',
};

function isFailure(x: unknown): x is Failure {
  return typeof x === 'object' && x !== null && 'result' in x && 'reason' in x;
}

/** Lower-case ASCII letters (RFC 4343) and drop one trailing dot. */
function normaliseName(name: string): string {
  const lower = name.replace(/[A-Z]+/g, (s) => s.toLowerCase());
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** A name a DNS query can be made from: labels of 1–63 characters, 253 in all (RFC 1035 §2.3.4). */
export function isValidQueryName(name: string): boolean {
  if (name === '' || name.length > MAX_DOMAIN_LENGTH) return false;
  return name.split('.').every((label) => label.length >= 1 && label.length <= 63);
}

/** §7.1 toplabel. */
const TOPLABEL = /^(?:[a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9])$/i;

/**
 * Why `<domain>` is not a domain check_host() can evaluate, or undefined if
 * it is (§4.3: malformed, e.g. a label over 63 characters or an empty label,
 * or not multi-label, gives `none`). An address literal such as `[192.0.2.1]`
 * or a bare address fails the top-label rule of §7.1.
 */
export function domainProblem(domain: string): string | undefined {
  if (domain === '') return 'the domain is empty';
  if (domain.length > MAX_DOMAIN_LENGTH) return `the domain is longer than ${MAX_DOMAIN_LENGTH} characters`;
  if (!/^[\x21-\x7e]+$/.test(domain)) {
    return 'the domain contains spaces or characters outside ASCII (internationalized names must be A-labels, RFC 7208 §4.3)';
  }
  const labels = domain.split('.');
  if (labels.length < 2) return `'${domain}' is not a fully qualified domain name (it has a single label)`;
  const empty = labels.findIndex((l) => l === '');
  if (empty >= 0) return `'${domain}' has an empty label`;
  const long = labels.find((l) => l.length > 63);
  if (long !== undefined) return `the label '${long}' is longer than 63 characters`;
  const top = labels[labels.length - 1]!;
  if (!TOPLABEL.test(top))
    return `'${domain}' does not end in a valid top-level label (an address literal is not a domain)`;
  return undefined;
}

/** The records of the asked type in an answer (the CNAMEs of a chain are skipped). */
function recordsOf(answer: DnsAnswer, type: RRType): readonly ResourceRecord[] {
  if (answer.rcode !== 'NOERROR') return [];
  return answer.answers.filter((r) => r.type === type);
}

function isDnsError(answer: DnsAnswer): boolean {
  return answer.rcode === 'SERVFAIL' || answer.rcode === 'TIMEOUT';
}

function rdataText(rr: ResourceRecord): string {
  switch (rr.type) {
    case 'A':
    case 'AAAA':
      return rr.address;
    case 'MX':
      return `${rr.preference} ${rr.exchange === '' ? '.' : rr.exchange}`;
    case 'TXT':
      return rr.strings.map((s) => JSON.stringify(s)).join(' ');
    case 'CNAME':
    case 'PTR':
      return rr.target;
    case 'NS':
      return rr.host;
    case 'SOA':
      return `${rr.mname} ${rr.rname} ${rr.serial}`;
  }
}

function* lookup(st: State, depth: number, name: string, type: RRType, purpose: string): Yielder<DnsAnswer> {
  const answer = yield { name, type };
  const records = recordsOf(answer, type);
  st.steps.push({
    kind: 'query',
    depth,
    name,
    type,
    purpose,
    rcode: answer.rcode,
    answers: records.map(rdataText),
    void: answer.rcode === 'NXDOMAIN' || (answer.rcode === 'NOERROR' && records.length === 0),
  });
  return answer;
}

function describeAnswer(answer: DnsAnswer): string {
  if (answer.rcode === 'NOERROR') return 'no records';
  return answer.rcode;
}

/** Counts one DNS-querying term (§4.6.4); a Failure once the limit is passed. */
function countLookup(st: State, depth: number, what: string): Failure | undefined {
  st.lookups++;
  if (st.lookups <= st.limits.lookups) return undefined;
  const message = `${what} would be DNS-querying term number ${st.lookups}; at most ${st.limits.lookups} are allowed per evaluation, includes and redirects included (RFC 7208 §4.6.4)`;
  st.steps.push({
    kind: 'limit',
    depth,
    limit: 'lookups',
    count: st.lookups,
    max: st.limits.lookups,
    message,
  });
  return { result: 'permerror', reason: message };
}

/** Counts a void lookup (§4.6.4); a Failure once the limit is passed. */
function countVoid(st: State, depth: number, name: string): Failure | undefined {
  st.voidLookups++;
  if (st.voidLookups <= st.limits.voidLookups) return undefined;
  const message = `${name} gave no records: that is void lookup number ${st.voidLookups}, and at most ${st.limits.voidLookups} are allowed (RFC 7208 §4.6.4)`;
  st.steps.push({
    kind: 'limit',
    depth,
    limit: 'void-lookups',
    count: st.voidLookups,
    max: st.limits.voidLookups,
    message,
  });
  return { result: 'permerror', reason: message };
}

function addressType(ip: ClientIp): 'A' | 'AAAA' {
  return ip.version === 4 ? 'A' : 'AAAA';
}

/**
 * The validated names of the client (§5.5): the PTR names of its address,
 * at most `ptrNames` of them (§4.6.4: "all records other than the first 10
 * MUST be ignored"), each kept if one of its addresses is the client's. A
 * DNS error on an address lookup skips that name (§5.5). `wanted` skips
 * names that could not matter without querying them, and `firstOnly` stops
 * at the first validated name: the `ptr` mechanism needs one match, not the
 * whole list, and the answer is the same.
 */
function* validatedNames(
  st: State,
  depth: number,
  purpose: string,
  wanted: (name: string) => boolean,
  firstOnly: boolean,
): Yielder<{ names: string[]; answer: DnsAnswer }> {
  const answer = yield* lookup(st, depth, reverseName(st.ip), 'PTR', purpose);
  const names: string[] = [];
  let ptrs = recordsOf(answer, 'PTR').map((r) => (r.type === 'PTR' ? normaliseName(r.target) : ''));
  if (ptrs.length > st.limits.ptrNames) {
    st.steps.push({
      kind: 'limit',
      depth,
      limit: 'ptr-names',
      count: ptrs.length,
      max: st.limits.ptrNames,
      message: `the PTR answer has ${ptrs.length} names; only the first ${st.limits.ptrNames} are used (RFC 7208 §4.6.4)`,
    });
    ptrs = ptrs.slice(0, st.limits.ptrNames);
  }
  for (const name of ptrs) {
    if (!wanted(name) || !isValidQueryName(name)) continue;
    const a = yield* lookup(st, depth, name, addressType(st.ip), 'validate PTR name');
    if (isDnsError(a)) continue; // §5.5: "that domain name is skipped and the search continues"
    const ok = recordsOf(a, addressType(st.ip)).some((rr) => {
      const bytes =
        rr.type === 'A' || rr.type === 'AAAA' ? recordAddress(rr.address, st.ip.version) : undefined;
      return bytes !== undefined && prefixMatches(bytes, st.ip.bytes, st.ip.version === 4 ? 32 : 128);
    });
    if (ok) {
      names.push(name);
      if (firstOnly) break;
    }
  }
  return { names, answer };
}

/**
 * The value of `%{p}` (§7.3), looking the names up the first time. Outside
 * explanations the PTR query counts against the limit of ten (§4.6.4: "When
 * evaluating the 'ptr' mechanism or the %{p} macro, the number of 'PTR'
 * resource records queried is included in the overall limit").
 */
function* ptrMacro(st: State, depth: number, domain: string, counted: boolean): Yielder<string | Failure> {
  if (st.ptrNames === undefined) {
    if (counted) {
      const over = countLookup(st, depth, 'the %{p} macro');
      if (over !== undefined) return over;
    }
    const found = yield* validatedNames(st, depth, '%{p} macro', () => true, false);
    st.ptrNames = found.names;
  }
  return choosePtrName(st.ptrNames, domain);
}

function* expand(
  st: State,
  depth: number,
  tokens: readonly MacroToken[],
  domain: string,
  counted: boolean,
): Yielder<string | Failure> {
  let p = 'unknown';
  if (usesPtrMacro(tokens)) {
    const value = yield* ptrMacro(st, depth, domain, counted);
    if (isFailure(value)) return value;
    p = value;
  }
  return expandMacroString(tokens, { ...st.fixed, d: domain, p });
}

/** Expands a mechanism's target (or takes the current domain) into a query name. */
function* target(
  st: State,
  depth: number,
  spec: MacroText | undefined,
  domain: string,
): Yielder<{ name: string } | Failure> {
  if (spec === undefined) return { name: domain };
  const expanded = yield* expand(st, depth, spec.tokens, domain, true);
  if (isFailure(expanded)) return expanded;
  return { name: toQueryName(expanded) };
}

function addressMatches(
  st: State,
  records: readonly ResourceRecord[],
  cidr4: number,
  cidr6: number,
): string | undefined {
  for (const rr of records) {
    if (rr.type !== 'A' && rr.type !== 'AAAA') continue;
    const bytes = recordAddress(rr.address, st.ip.version);
    if (bytes !== undefined && prefixMatches(bytes, st.ip.bytes, st.ip.version === 4 ? cidr4 : cidr6))
      return rr.address;
  }
  return undefined;
}

function cidrText(st: State, cidr4: number, cidr6: number): string {
  return st.ip.version === 4 ? (cidr4 === 32 ? '' : `/${cidr4}`) : cidr6 === 128 ? '' : `/${cidr6}`;
}

/** Evaluates one directive's mechanism (§5). */
function* evalMechanism(
  st: State,
  depth: number,
  directive: Directive,
  domain: string,
): Yielder<TermOutcome> {
  const mech = directive.mechanism;
  const client = readableIp(st.ip);
  switch (mech.kind) {
    case 'all':
      return { kind: 'match', reason: "'all' always matches (RFC 7208 §5.1)" };
    case 'ip4':
    case 'ip6': {
      const family = mech.kind === 'ip4' ? 4 : 6;
      const net = `${mech.kind}:${directive.text.slice(directive.text.indexOf(':') + 1)}`;
      if (st.ip.version !== family) {
        return {
          kind: 'no-match',
          reason: `the client ${client} is IPv${st.ip.version}, so ${mech.kind} never matches it (RFC 7208 §5.6)`,
        };
      }
      return prefixMatches(mech.network, st.ip.bytes, mech.cidr)
        ? { kind: 'match', reason: `${client} is inside ${net}` }
        : { kind: 'no-match', reason: `${client} is outside ${net}` };
    }
    case 'a':
    case 'mx':
    case 'ptr':
    case 'exists':
    case 'include':
      break;
  }
  const over = countLookup(st, depth, `'${directive.text}'`);
  if (over !== undefined) return { kind: 'error', failure: over };
  const t = yield* target(st, depth, mech.domain, domain);
  if (isFailure(t)) return { kind: 'error', failure: t };
  const name = t.name;
  if (mech.kind === 'include') {
    const inner = yield* checkHostAt(st, name, depth + 1, 'include', false);
    // §5.2's table.
    switch (inner.result) {
      case 'pass':
        return {
          kind: 'match',
          reason: `${name} gave pass, so include matches (RFC 7208 §5.2)`,
          target: name,
        };
      case 'fail':
      case 'softfail':
      case 'neutral':
        return {
          kind: 'no-match',
          reason: `${name} gave ${inner.result}, so include does not match (RFC 7208 §5.2)`,
          target: name,
        };
      case 'temperror':
        return {
          kind: 'error',
          failure: { result: 'temperror', reason: `include:${name}: ${inner.reason}` },
          target: name,
        };
      case 'permerror':
        return {
          kind: 'error',
          failure: { result: 'permerror', reason: `include:${name}: ${inner.reason}` },
          target: name,
        };
      case 'none':
        return {
          kind: 'error',
          failure: {
            result: 'permerror',
            reason: `include:${name} found no SPF record (${inner.reason}); an include of a domain without SPF is a permerror (RFC 7208 §5.2)`,
          },
          target: name,
        };
    }
  }
  if (!isValidQueryName(name)) {
    // Suite invalid-domain-*: a domain-spec that is valid syntax but not a valid DNS name cannot be looked up.
    return {
      kind: 'no-match',
      reason: `'${name}' is not a valid domain name (empty or over-long label), so nothing is looked up (RFC 7208 §4.3, §4.8)`,
      target: name,
    };
  }
  switch (mech.kind) {
    case 'a': {
      const type = addressType(st.ip);
      const answer = yield* lookup(st, depth, name, type, 'a');
      if (isDnsError(answer)) {
        return {
          kind: 'error',
          failure: {
            result: 'temperror',
            reason: `${type} lookup of ${name}: ${answer.rcode} (RFC 7208 §5)`,
          },
          target: name,
        };
      }
      const records = recordsOf(answer, type);
      if (records.length === 0) {
        const v = countVoid(st, depth, `${type} ${name}`);
        if (v !== undefined) return { kind: 'error', failure: v, target: name };
        return {
          kind: 'no-match',
          reason: `${name} has no ${type} records (${describeAnswer(answer)})`,
          target: name,
        };
      }
      const hit = addressMatches(st, records, mech.cidr4, mech.cidr6);
      return hit !== undefined
        ? {
            kind: 'match',
            reason: `${client} matches ${name}'s address ${hit}${cidrText(st, mech.cidr4, mech.cidr6)}`,
            target: name,
          }
        : {
            kind: 'no-match',
            reason: `${client} is not among ${name}'s ${type} addresses${cidrText(st, mech.cidr4, mech.cidr6)}`,
            target: name,
          };
    }
    case 'mx': {
      const answer = yield* lookup(st, depth, name, 'MX', 'mx');
      if (isDnsError(answer)) {
        return {
          kind: 'error',
          failure: { result: 'temperror', reason: `MX lookup of ${name}: ${answer.rcode} (RFC 7208 §5)` },
          target: name,
        };
      }
      const exchanges = recordsOf(answer, 'MX').map((r) =>
        r.type === 'MX' ? normaliseName(r.exchange) : '',
      );
      if (exchanges.length === 0) {
        const v = countVoid(st, depth, `MX ${name}`);
        if (v !== undefined) return { kind: 'error', failure: v, target: name };
        return {
          kind: 'no-match',
          reason: `${name} has no MX records (${describeAnswer(answer)}); mx does not fall back to the domain's own address (RFC 7208 §5.4)`,
          target: name,
        };
      }
      // §4.6.4: each MX answer may lead to at most 10 address lookups; more is a permerror. DNS gives an
      // RRset in no particular order (RFC 2181 §5), so the size of the answer decides, not where a match falls.
      if (exchanges.length > st.limits.mxNames) {
        const message = `${name} has ${exchanges.length} MX records; mx may look up at most ${st.limits.mxNames} of them, and more is a permerror (RFC 7208 §4.6.4)`;
        st.steps.push({
          kind: 'limit',
          depth,
          limit: 'mx-names',
          count: exchanges.length,
          max: st.limits.mxNames,
          message,
        });
        return { kind: 'error', failure: { result: 'permerror', reason: message }, target: name };
      }
      const type = addressType(st.ip);
      for (const exchange of exchanges) {
        // RFC 7505: a null MX (exchange ".") names no host.
        if (exchange === '' || !isValidQueryName(exchange)) continue;
        const a = yield* lookup(st, depth, exchange, type, `mx host of ${name}`);
        if (isDnsError(a)) {
          return {
            kind: 'error',
            failure: {
              result: 'temperror',
              reason: `${type} lookup of MX host ${exchange}: ${a.rcode} (RFC 7208 §5)`,
            },
            target: name,
          };
        }
        const hit = addressMatches(st, recordsOf(a, type), mech.cidr4, mech.cidr6);
        if (hit !== undefined) {
          return {
            kind: 'match',
            reason: `${client} matches ${hit}${cidrText(st, mech.cidr4, mech.cidr6)}, an address of ${name}'s MX host ${exchange}`,
            target: name,
          };
        }
      }
      return {
        kind: 'no-match',
        reason: `${client} is not an address of any MX host of ${name}`,
        target: name,
      };
    }
    case 'ptr': {
      const inTarget = (n: string): boolean => n === name || n.endsWith(`.${name}`);
      const found = yield* validatedNames(st, depth, 'ptr', inTarget, true);
      if (isDnsError(found.answer)) {
        return {
          kind: 'no-match',
          reason: `the PTR lookup failed (${found.answer.rcode}); for ptr that is a no-match, not an error (RFC 7208 §5.5)`,
          target: name,
        };
      }
      if (recordsOf(found.answer, 'PTR').length === 0) {
        const v = countVoid(st, depth, `PTR ${reverseName(st.ip)}`);
        if (v !== undefined) return { kind: 'error', failure: v, target: name };
        return { kind: 'no-match', reason: `${client} has no PTR records`, target: name };
      }
      const hit = found.names[0];
      return hit !== undefined
        ? {
            kind: 'match',
            reason: `${client} has the validated name ${hit}, which is within ${name} (RFC 7208 §5.5)`,
            target: name,
          }
        : {
            kind: 'no-match',
            reason: `no name of ${client} that is within ${name} resolves back to ${client} (RFC 7208 §5.5)`,
            target: name,
          };
    }
    case 'exists': {
      // §5.7: an A query even when the client is IPv6.
      const answer = yield* lookup(st, depth, name, 'A', 'exists');
      if (isDnsError(answer)) {
        return {
          kind: 'error',
          failure: { result: 'temperror', reason: `A lookup of ${name}: ${answer.rcode} (RFC 7208 §5)` },
          target: name,
        };
      }
      if (recordsOf(answer, 'A').length === 0) {
        const v = countVoid(st, depth, `A ${name}`);
        if (v !== undefined) return { kind: 'error', failure: v, target: name };
        return {
          kind: 'no-match',
          reason: `${name} has no A record (${describeAnswer(answer)})`,
          target: name,
        };
      }
      return { kind: 'match', reason: `${name} has an A record (RFC 7208 §5.7)`, target: name };
    }
  }
}

/** The explanation for a fail (§6.2): the `exp=` text if it can be had, else the default. */
function* explain(st: State, depth: number, record: SpfRecord, domain: string): Yielder<string> {
  const fallback = function* (reason: string): Yielder<string> {
    const value = yield* expand(st, depth, st.defaultExplanation, domain, false);
    const text = isFailure(value) ? '' : value;
    st.steps.push({ kind: 'explanation', depth, domain, text, source: 'default', reason });
    return text;
  };
  const exp = record.exp;
  if (exp === undefined)
    return yield* fallback('the record has no exp= modifier, so the default explanation is used');
  const expanded = yield* expand(st, depth, exp.value.tokens, domain, false);
  if (isFailure(expanded)) return yield* fallback(expanded.reason);
  const name = toQueryName(expanded);
  if (!isValidQueryName(name))
    return yield* fallback(`exp=${expanded} is not a valid domain name (RFC 7208 §6.2)`);
  const answer = yield* lookup(st, depth, name, 'TXT', 'exp= explanation');
  // §6.2: any RCODE other than 0, no records, or more than one record: "proceed as if no exp modifier was given".
  if (answer.rcode !== 'NOERROR')
    return yield* fallback(`the exp= lookup of ${name} gave ${answer.rcode} (RFC 7208 §6.2)`);
  const txt = recordsOf(answer, 'TXT');
  if (txt.length !== 1) {
    return yield* fallback(`${name} has ${txt.length} TXT records; exp= needs exactly one (RFC 7208 §6.2)`);
  }
  const first = txt[0];
  const raw = first?.type === 'TXT' ? first.strings.join('') : '';
  const parsed = parseExplanation(raw);
  if (!parsed.ok) {
    return yield* fallback(
      `the explanation text at ${name} is invalid: ${parsed.error.message} (at position ${parsed.error.position}) (RFC 7208 §6.2)`,
    );
  }
  const text = yield* expand(st, depth, parsed.tokens, domain, false);
  if (isFailure(text)) return yield* fallback(text.reason);
  st.steps.push({
    kind: 'explanation',
    depth,
    domain,
    text,
    source: 'exp',
    reason: `from the TXT record at ${name}`,
  });
  return text;
}

/** check_host(<ip>, <domain>, <sender>) for one domain (§4), nested for include/redirect. */
function* checkHostAt(
  st: State,
  domain: string,
  depth: number,
  via: SpfVia,
  wantExplanation: boolean,
): Yielder<Outcome> {
  st.steps.push({ kind: 'check', depth, domain, via });
  const done = (o: Outcome): Outcome => {
    st.steps.push({ kind: 'result', depth, domain, result: o.result, reason: o.reason });
    return o;
  };
  const problem = domainProblem(domain);
  if (problem !== undefined)
    return done({ result: 'none', reason: `${problem}, so there is no SPF result (RFC 7208 §4.3)` });
  const answer = yield* lookup(
    st,
    depth,
    domain,
    'TXT',
    via === 'initial' ? 'SPF record' : `SPF record (${via})`,
  );
  if (isDnsError(answer)) {
    return done({
      result: 'temperror',
      reason: `the TXT lookup of ${domain} gave ${answer.rcode} (RFC 7208 §4.4)`,
    });
  }
  const txt = recordsOf(answer, 'TXT');
  if (via !== 'initial' && txt.length === 0) {
    const v = countVoid(st, depth, `TXT ${domain}`);
    if (v !== undefined) return done(v);
  }
  if (answer.rcode === 'NXDOMAIN')
    return done({ result: 'none', reason: `${domain} does not exist (NXDOMAIN) (RFC 7208 §4.3)` });
  const selection = selectRecord(txt.map((r) => (r.type === 'TXT' ? r.strings : [])));
  if (selection.kind === 'none') {
    return done({
      result: 'none',
      reason: `${domain} publishes no TXT record beginning with "v=spf1" (RFC 7208 §4.5)`,
    });
  }
  if (selection.kind === 'many') {
    return done({
      result: 'permerror',
      reason: `${domain} publishes ${selection.texts.length} SPF records; there must be exactly one (RFC 7208 §4.5)`,
    });
  }
  st.steps.push({ kind: 'record', depth, domain, text: selection.text });
  const parsed = parseRecord(selection.text);
  if (!parsed.ok) {
    const { message, position } = parsed.error;
    st.steps.push({ kind: 'syntax-error', depth, domain, text: selection.text, message, position });
    return done({
      result: 'permerror',
      reason: `syntax error in the SPF record of ${domain} at position ${position}: ${message}`,
    });
  }
  const record = parsed.record;
  for (const [index, directive] of record.directives.entries()) {
    st.steps.push({ kind: 'term', depth, index, text: directive.text });
    const outcome = yield* evalMechanism(st, depth, directive, domain);
    const targetField = outcome.target === undefined ? {} : { target: outcome.target };
    const reason = outcome.kind === 'error' ? outcome.failure.reason : outcome.reason;
    st.steps.push({
      kind: 'term-result',
      depth,
      index,
      text: directive.text,
      ...targetField,
      matched: outcome.kind === 'match',
      reason,
    });
    if (outcome.kind === 'error') return done(outcome.failure);
    if (outcome.kind === 'no-match') continue;
    const result = QUALIFIER_RESULT[directive.qualifier];
    const why = `'${directive.text}' matched: ${outcome.reason}; its qualifier '${directive.qualifier}' gives ${result} (RFC 7208 §4.6.2)`;
    if (result === 'fail' && wantExplanation) {
      const explanation = yield* explain(st, depth, record, domain);
      return done({ result, reason: why, mechanism: directive.text, explanation });
    }
    return done({ result, reason: why, mechanism: directive.text });
  }
  const redirect = record.redirect;
  // §6.1: a redirect is ignored when the record has 'all' — which, matching everything, has already ended it.
  if (redirect !== undefined) {
    const index = record.directives.length;
    st.steps.push({ kind: 'term', depth, index, text: redirect.text });
    const over = countLookup(st, depth, `'${redirect.text}'`);
    if (over !== undefined) {
      st.steps.push({
        kind: 'term-result',
        depth,
        index,
        text: redirect.text,
        matched: false,
        reason: over.reason,
      });
      return done(over);
    }
    const expanded = yield* expand(st, depth, redirect.value.tokens, domain, true);
    if (isFailure(expanded)) return done(expanded);
    const name = toQueryName(expanded);
    const inner = yield* checkHostAt(st, name, depth + 1, 'redirect', wantExplanation);
    const followed = inner.result !== 'none';
    const reason = followed
      ? `no mechanism matched, so redirect=${name} decides: ${inner.result} (RFC 7208 §6.1)`
      : `redirect=${name} found no SPF record (${inner.reason}); that is a permerror, not none (RFC 7208 §6.1)`;
    st.steps.push({
      kind: 'term-result',
      depth,
      index,
      text: redirect.text,
      target: name,
      matched: followed,
      reason,
    });
    if (!followed) return done({ result: 'permerror', reason });
    // The redirected record's result, explanation and matching mechanism are the result (§6.1).
    return done({ ...inner, reason: `redirect=${name} → ${inner.reason}` });
  }
  return done({
    result: 'neutral',
    reason: `no mechanism in the record of ${domain} matched and there is no redirect=, so the result is neutral (RFC 7208 §4.7)`,
  });
}

function checkLimit(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 0)
    throw new RangeError(`SPF option ${name} must be a non-negative integer, got ${v}`);
  return v;
}

function splitSender(sender: string): { local: string; domain: string } {
  const at = sender.lastIndexOf('@');
  if (at < 0) return { local: 'postmaster', domain: sender };
  const local = sender.slice(0, at);
  // §4.3: "If the <sender> has no local-part, substitute the string 'postmaster' for the local-part."
  return { local: local === '' ? 'postmaster' : local, domain: sender.slice(at + 1) };
}

/** The default explanation never changes: parsed once, not on every check. */
const PARSED_DEFAULT_EXPLANATION = parseMacroString(DEFAULT_EXPLANATION, 'explanation');

/**
 * check_host() (RFC 7208 §4): a generator that yields DNS queries and
 * returns the result with a full step trace. Throws only on programmer
 * errors: an `ip` that is not an address, a bad option.
 */
export function* checkHost(
  input: SpfInput,
  options: SpfOptions = {},
): Generator<DnsQuery, SpfResult, DnsAnswer> {
  const ip = parseClientIp(input.ip);
  if (ip === undefined) throw new RangeError(`SPF: '${input.ip}' is not an IPv4 or IPv6 address`);
  const limits: Limits = {
    lookups: checkLimit('lookupLimit', options.lookupLimit, 10),
    voidLookups: checkLimit('voidLookupLimit', options.voidLookupLimit, 2),
    mxNames: checkLimit('mxAddressLimit', options.mxAddressLimit, 10),
    ptrNames: checkLimit('ptrLimit', options.ptrLimit, 10),
  };
  const defaultText = options.defaultExplanation ?? DEFAULT_EXPLANATION;
  const parsedDefault =
    defaultText === DEFAULT_EXPLANATION
      ? PARSED_DEFAULT_EXPLANATION
      : parseMacroString(defaultText, 'explanation');
  if (!parsedDefault.ok)
    throw new RangeError(`SPF defaultExplanation is not valid: ${parsedDefault.error.message}`);
  const { local, domain: senderDomain } = splitSender(input.sender);
  const st: State = {
    ip,
    fixed: {
      s: `${local}@${senderDomain}`,
      l: local,
      o: senderDomain,
      i: dottedIp(ip),
      h: input.helo,
      c: readableIp(ip),
      r: input.receiver ?? 'unknown',
      t: String(Math.floor(input.now ?? 0)),
      v: ipVersionLabel(ip),
    },
    limits,
    defaultExplanation: parsedDefault.tokens,
    steps: [],
    lookups: 0,
    voidLookups: 0,
    ptrNames: undefined,
  };
  const outcome = yield* checkHostAt(st, normaliseName(input.domain), 0, 'initial', true);
  return {
    result: outcome.result,
    ...(outcome.explanation === undefined ? {} : { explanation: outcome.explanation }),
    reason: outcome.reason,
    ...(outcome.mechanism === undefined ? {} : { mechanism: outcome.mechanism }),
    lookups: st.lookups,
    voidLookups: st.voidLookups,
    steps: st.steps,
  };
}

/** Runs {@link checkHost} to the end, answering each query with `resolve` (tests, the CLI). */
export function evaluateSpf(
  input: SpfInput,
  resolve: (q: DnsQuery) => DnsAnswer,
  options: SpfOptions = {},
): SpfResult {
  const run = checkHost(input, options);
  for (let step = run.next(); ;) {
    if (step.done === true) return step.value;
    step = run.next(resolve(step.value));
  }
}

/**
 * The check_host() input for an SMTP transaction (§2.3, §2.4): the MAIL FROM
 * identity, or for the null reverse-path `postmaster@<helo>` and the HELO
 * name as domain. Pass `identity: 'helo'` to check the HELO identity itself.
 */
export function spfInputFor(args: {
  readonly ip: string;
  readonly mailFrom: string;
  readonly helo: string;
  readonly identity?: 'mailfrom' | 'helo';
  readonly receiver?: string;
  readonly now?: number;
}): SpfInput {
  const extra = {
    ...(args.receiver === undefined ? {} : { receiver: args.receiver }),
    ...(args.now === undefined ? {} : { now: args.now }),
  };
  if (args.identity === 'helo' || args.mailFrom === '') {
    return {
      ip: args.ip,
      domain: args.helo,
      sender: `postmaster@${args.helo}`,
      helo: args.helo,
      identity: 'helo',
      ...extra,
    };
  }
  const { domain } = splitSender(args.mailFrom);
  return { ip: args.ip, domain, sender: args.mailFrom, helo: args.helo, identity: 'mailfrom', ...extra };
}
