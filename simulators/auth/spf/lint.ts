/**
 * Checks of an SPF record as a postmaster's record checker makes them, with
 * the engine's own parser ({@link parseRecord}) and check_host()'s counting
 * rules, for the zone editor and `mailroom check-zone`.
 *
 * Theory of operation:
 * - A syntax error is reported where the parser found it; nothing else is
 *   checked then, as check_host() stops there too (RFC 7208 §4.6).
 * - The limits of §4.6.4 are checked by walking the record the way
 *   check_host() evaluates it for a client that no term matches: every
 *   directive up to and including `all` (later terms are never reached),
 *   then `redirect=` when there is no `all` (§6.1). Each `include`, `a`,
 *   `mx`, `ptr`, `exists` and `redirect`, and the first `%{p}`, counts one
 *   lookup, and an include or redirect adds the lookups of the record it
 *   names. That is the most a receiver will spend on the record, and it is
 *   what check_host() counts when nothing matches (spf/lint.test.ts checks
 *   the two against each other).
 * - A lookup is void (§4.6.4) when its own query finds no records: no A and
 *   no AAAA for `a`, no MX for `mx`, no A for `exists`, no TXT for an
 *   include or redirect target.
 * - Only the zones at hand are walked (see lint-support.ts). A target in
 *   another zone, or one built from macros of the message (`%{i}`, `%{l}`,
 *   …), counts its own lookup and is not followed: the totals are then
 *   "at least", and the messages say so.
 */
import {
  itemEnd,
  recordsOf,
  txtTexts,
  type KnownDns,
  type RecordFix,
  type RecordProblem,
} from '../lint-support.ts';
import { expandMacroString, toQueryName, usesPtrMacro, type MacroValues } from './macro.ts';
import {
  parseRecord,
  selectRecord,
  type Directive,
  type MacroText,
  type Modifier,
  type SpfRecord,
} from './record.ts';

/** §4.6.4: DNS-querying terms per evaluation. */
export const SPF_LOOKUP_LIMIT = 10;
/** §4.6.4: void lookups per evaluation ("a default of two is RECOMMENDED"). */
export const SPF_VOID_LIMIT = 2;
/** §4.6.4: names of one MX answer that may be looked up. */
export const SPF_MX_NAME_LIMIT = 10;

/** The mechanisms that cost a lookup (§4.6.4); `redirect=` and the first `%{p}` cost one too. */
const DNS_QUERYING = new Set(['include', 'a', 'mx', 'ptr', 'exists']);

/** Something found while walking a term, reported at the term of the checked record it came from. */
interface Finding {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
}

/** The counts of one walk. */
interface Walk {
  lookups: number;
  voids: number;
  ptrMacroCounted: boolean;
  /** Targets that were not followed: outside the zones, or built from the message. */
  readonly unknown: string[];
}

type Term = Directive | Modifier;

/** Macro values that leave only `%{d}` meaningful: any other letter makes the target unknowable here. */
function onlyDomain(domain: string): MacroValues {
  return { s: '', l: '', o: '', d: domain, i: '', p: '', h: '', c: '', r: '', t: '', v: '' };
}

/** The name a term queries, or undefined when it depends on the message (macros other than `%{d}`). */
function targetName(spec: MacroText | undefined, domain: string): string | undefined {
  if (spec === undefined) return domain;
  if (spec.tokens.some((t) => t.kind === 'macro' && t.letter !== 'd')) return undefined;
  return toQueryName(expandMacroString(spec.tokens, onlyDomain(domain)));
}

/** The terms check_host() reaches when nothing matches: up to `all`, then redirect if there is no `all`. */
function evaluatedTerms(record: SpfRecord): Term[] {
  const all = record.directives.findIndex((d) => d.mechanism.kind === 'all');
  if (all >= 0) return record.directives.slice(0, all + 1);
  return record.redirect === undefined ? [...record.directives] : [...record.directives, record.redirect];
}

function termSpec(term: Term): MacroText | undefined {
  if (term.type === 'modifier') return term.value;
  const m = term.mechanism;
  return m.kind === 'include' || m.kind === 'exists' || m.kind === 'a' || m.kind === 'mx' || m.kind === 'ptr'
    ? m.domain
    : undefined;
}

/** "in the record of b.example (include from a.example)" for findings below the checked record. */
function where(chain: readonly string[]): string {
  return chain.length <= 1
    ? ''
    : ` (in the record of ${chain[chain.length - 1]}, reached by ${chain.join(' → ')})`;
}

/** Walks one term: counts its lookups and void lookups, follows includes and redirects. */
function walkTerm(term: Term, domain: string, chain: readonly string[], st: Walk, dns: KnownDns): Finding[] {
  const kind = term.type === 'modifier' ? term.name : term.mechanism.kind;
  if (term.type === 'modifier' ? kind !== 'redirect' : !DNS_QUERYING.has(kind)) return [];
  st.lookups++;
  const spec = termSpec(term);
  if (spec !== undefined && usesPtrMacro(spec.tokens) && !st.ptrMacroCounted) {
    st.ptrMacroCounted = true;
    st.lookups++;
  }
  if (kind === 'ptr') return []; // its query depends on the client's address
  const name = targetName(spec, domain);
  if (name === undefined) {
    st.unknown.push(`'${term.text}' (its target depends on the message)`);
    return [];
  }
  if (kind === 'include' || kind === 'redirect') return walkNested(term, name, chain, st, dns);
  const voidLookup = (what: string): Finding[] => {
    st.voids++;
    return [
      {
        severity: 'warning',
        code: 'spf-void-lookup',
        message: `'${term.text}' finds ${what}${where(chain)}: a void lookup; receivers allow ${SPF_VOID_LIMIT} per check, then give permerror (RFC 7208 §4.6.4)`,
      },
    ];
  };
  if (kind === 'a') {
    const a = dns.query(name, 'A');
    const aaaa = dns.query(name, 'AAAA');
    if (a === undefined || aaaa === undefined) {
      st.unknown.push(name);
      return [];
    }
    const none = recordsOf(a, 'A').length === 0 && recordsOf(aaaa, 'AAAA').length === 0;
    return none ? voidLookup(`no A or AAAA record at ${name}`) : [];
  }
  const type = kind === 'mx' ? 'MX' : 'A';
  const answer = dns.query(name, type);
  if (answer === undefined) {
    st.unknown.push(name);
    return [];
  }
  const found = recordsOf(answer, type);
  if (found.length === 0) return voidLookup(`no ${type} record at ${name}`);
  if (type === 'MX' && found.length > SPF_MX_NAME_LIMIT) {
    return [
      {
        severity: 'error',
        code: 'spf-mx-too-many',
        message: `${name} has ${found.length} MX records${where(chain)}; 'mx' may look up at most ${SPF_MX_NAME_LIMIT} names, more is a permerror (RFC 7208 §4.6.4)`,
      },
    ];
  }
  return [];
}

/** Follows an include or redirect to the record it names (§5.2, §6.1). */
function walkNested(term: Term, name: string, chain: readonly string[], st: Walk, dns: KnownDns): Finding[] {
  const via = term.type === 'modifier' ? 'redirect' : 'include';
  const path = [...chain, name];
  if (chain.includes(name)) {
    return [
      {
        severity: 'error',
        code: 'spf-include-loop',
        message: `${path.join(' → ')} is a loop: check_host() follows it until the ${SPF_LOOKUP_LIMIT}-lookup limit, then gives permerror (RFC 7208 §4.6.4)`,
      },
    ];
  }
  const texts = txtTexts(dns, name);
  if (texts === undefined) {
    st.unknown.push(name);
    return [];
  }
  const permerror = (code: string, why: string): Finding[] => [
    {
      severity: 'error',
      code,
      message: `${why}${where(chain)}, so '${term.text}' is a permerror (RFC 7208 ${via === 'include' ? '§5.2' : '§6.1'})`,
    },
  ];
  const findings: Finding[] = [];
  if (texts.length === 0) {
    st.voids++;
    findings.push({
      severity: 'warning',
      code: 'spf-void-lookup',
      message: `'${term.text}' finds no TXT record at ${name}${where(chain)}: a void lookup (RFC 7208 §4.6.4)`,
    });
  }
  const selection = selectRecord(texts.map((t) => [t]));
  if (selection.kind === 'none')
    return [...findings, ...permerror('spf-include-none', `${name} publishes no SPF record`)];
  if (selection.kind === 'many') {
    return permerror('spf-include-many', `${name} publishes ${selection.texts.length} SPF records`);
  }
  const parsed = parseRecord(selection.text);
  if (!parsed.ok) {
    return permerror(
      'spf-include-syntax',
      `the SPF record of ${name} has a syntax error at position ${parsed.error.position}: ${parsed.error.message}`,
    );
  }
  for (const inner of evaluatedTerms(parsed.record)) findings.push(...walkTerm(inner, name, path, st, dns));
  return findings;
}

/** Where a syntax error's term starts and ends, around the parser's position. */
function syntaxSpan(text: string, position: number): { start: number; end: number } {
  const end = itemEnd(text, position, ' ');
  if (end > position) return { start: position, end };
  const start = text.lastIndexOf(' ', Math.max(0, position - 1)) + 1;
  return { start, end: Math.max(itemEnd(text, start, ' '), start) };
}

function replaceTerm(term: Term, text: string, title: string): RecordFix {
  return { title, replace: [{ start: term.position, end: term.position + term.text.length, text }] };
}

/**
 * Checks the SPF record `text` published at `domain`. `dns` is the data
 * includes, redirects and `a`/`mx` targets are looked up in.
 */
export function lintSpfRecord(text: string, domain: string, dns: KnownDns): RecordProblem[] {
  const parsed = parseRecord(text);
  if (!parsed.ok) {
    const { message, position } = parsed.error;
    return [
      {
        severity: 'error',
        code: 'spf-syntax',
        message: `SPF syntax error: ${message}`,
        ...syntaxSpan(text, position),
      },
    ];
  }
  const record = parsed.record;
  const out: RecordProblem[] = [];
  const at = (term: Term, f: Finding, fixes?: readonly RecordFix[]) =>
    out.push({
      ...f,
      start: term.position,
      end: term.position + term.text.length,
      ...(fixes ? { fixes } : {}),
    });

  const allIndex = record.directives.findIndex((d) => d.mechanism.kind === 'all');
  const all = record.directives[allIndex];
  if (all !== undefined) {
    const safer = [
      replaceTerm(all, '~all', 'Replace with ~all (softfail)'),
      replaceTerm(all, '-all', 'Replace with -all (fail)'),
    ];
    if (all.qualifier === '+') {
      at(
        all,
        {
          severity: 'error',
          code: 'spf-pass-all',
          message: `'${all.text}' gives pass to every host on the internet: anyone can send mail as ${domain}, since 'all' always matches (RFC 7208 §5.1); end with -all or ~all`,
        },
        safer,
      );
    } else if (all.qualifier === '?') {
      at(
        all,
        {
          severity: 'warning',
          code: 'spf-neutral-all',
          message: `'?all' gives neutral to every other host, which receivers treat like no SPF at all (RFC 7208 §8.2); end with -all or ~all to say other hosts are not allowed`,
        },
        safer.slice(0, 1),
      );
    }
    for (const late of record.directives.slice(allIndex + 1)) {
      at(late, {
        severity: 'warning',
        code: 'spf-after-all',
        message: `'${late.text}' comes after '${all.text}', which always matches: it is never evaluated (RFC 7208 §5.1)`,
      });
    }
    if (record.redirect !== undefined) {
      at(record.redirect, {
        severity: 'warning',
        code: 'spf-redirect-ignored',
        message: `'${record.redirect.text}' is ignored because the record has 'all' (RFC 7208 §6.1)`,
      });
    }
  }
  for (const term of record.terms) {
    if (term.type === 'directive' && term.mechanism.kind === 'ptr') {
      at(term, {
        severity: 'warning',
        code: 'spf-ptr',
        message: `'ptr' is deprecated: it is slow, unreliable, and loads the reverse DNS servers; "ptr (do not use)" (RFC 7208 §5.5); list the addresses with ip4:/ip6: or name the hosts with a:`,
      });
    }
    const spec = termSpec(term);
    if (spec !== undefined && usesPtrMacro(spec.tokens)) {
      at(term, {
        severity: 'warning',
        code: 'spf-ptr',
        message: `the %{p} macro needs the same reverse lookups as 'ptr' and "SHOULD NOT be used" (RFC 7208 §7.3)`,
      });
    }
  }

  const st: Walk = { lookups: 0, voids: 0, ptrMacroCounted: false, unknown: [] };
  let overAt: Term | undefined;
  let voidAt: Term | undefined;
  for (const term of evaluatedTerms(record)) {
    for (const f of walkTerm(term, domain, [domain], st, dns)) at(term, f);
    if (overAt === undefined && st.lookups > SPF_LOOKUP_LIMIT) overAt = term;
    if (voidAt === undefined && st.voids > SPF_VOID_LIMIT) voidAt = term;
  }
  const unknown =
    st.unknown.length === 0
      ? ''
      : `, or more: ${[...new Set(st.unknown)].join(', ')} could not be followed in these zones`;
  if (overAt !== undefined) {
    at(overAt, {
      severity: 'error',
      code: 'spf-too-many-lookups',
      message: `too many DNS lookups: with '${overAt.text}' a check reaches ${SPF_LOOKUP_LIMIT + 1}, and the whole record needs ${st.lookups}${unknown} when no term matches; at most ${SPF_LOOKUP_LIMIT} are allowed, includes and redirects counted, so receivers give permerror (RFC 7208 §4.6.4)`,
    });
  }
  if (voidAt !== undefined) {
    at(voidAt, {
      severity: 'error',
      code: 'spf-too-many-void-lookups',
      message: `too many void lookups: with '${voidAt.text}' a check meets ${SPF_VOID_LIMIT + 1} lookups that find nothing; receivers allow ${SPF_VOID_LIMIT}, then give permerror (RFC 7208 §4.6.4)`,
    });
  }
  return out;
}

/**
 * The DNS lookups a check of the record at `domain` makes when no term
 * matches, counted as {@link lintSpfRecord} counts them; undefined for a
 * record that does not parse. For tests and the lookup count a view shows.
 */
export function countSpfLookups(
  text: string,
  domain: string,
  dns: KnownDns,
): { lookups: number; voids: number; complete: boolean } | undefined {
  const parsed = parseRecord(text);
  if (!parsed.ok) return undefined;
  const st: Walk = { lookups: 0, voids: 0, ptrMacroCounted: false, unknown: [] };
  for (const term of evaluatedTerms(parsed.record)) walkTerm(term, domain, [domain], st, dns);
  return { lookups: st.lookups, voids: st.voids, complete: st.unknown.length === 0 };
}
