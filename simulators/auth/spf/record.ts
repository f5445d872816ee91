/**
 * SPF records: choosing the one record at a name (RFC 7208 §4.5) and parsing
 * it into terms (§4.6, the ABNF of §4.6.1, §5, §6 and §7.1).
 *
 * Theory of operation:
 * - {@link selectRecord} joins the character-strings of each TXT RR without
 *   separator (§3.3), keeps those that begin with `v=spf1` followed by a
 *   space or the end (case-insensitive, §4.5), and answers none / one /
 *   several; several is a permerror for the caller (§4.5: "If the resultant
 *   record set includes more than one record, check_host() produces the
 *   'permerror' result").
 * - {@link parseRecord} checks the whole record before anything is
 *   evaluated: §4.6 says "If there are any syntax errors anywhere in the
 *   record, check_host() returns immediately with the result 'permerror',
 *   without further interpretation or evaluation." Every error carries a
 *   message written for a learner and the character position in the record.
 * - Terms are separated by one or more spaces and nothing else (§4.6.1
 *   `1*SP`): a tab, CR or LF inside a record is an error, not a separator.
 * - A term is a modifier when it begins with `name=` (§4.6.1
 *   `name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )`); otherwise it is a
 *   directive. `redirect` and `exp` must then be valid for their own
 *   grammar (they are not swallowed by `unknown-modifier`, as the suite's
 *   `redirect-syntax-error` explains) and may each appear once (§6).
 */
import { parseIPv4, parseIPv6 } from '../../dns/ip.ts';
import { parseMacroString, type MacroToken, type MacroSyntaxError } from './macro.ts';

/** A directive's qualifier (§4.6.2); `+` when none is written. */
export type Qualifier = '+' | '-' | '~' | '?';

/** A parsed domain-spec or other macro-string, with its source text. */
export interface MacroText {
  readonly source: string;
  readonly tokens: readonly MacroToken[];
}

/** A mechanism with its arguments (§5). */
export type Mechanism =
  | { readonly kind: 'all' }
  | { readonly kind: 'include'; readonly domain: MacroText }
  | {
      readonly kind: 'a' | 'mx';
      readonly domain: MacroText | undefined;
      /** Prefix lengths applied to IPv4 and IPv6 addresses (§5.6 dual-cidr-length; defaults 32 and 128). */
      readonly cidr4: number;
      readonly cidr6: number;
    }
  | { readonly kind: 'ptr'; readonly domain: MacroText | undefined }
  | { readonly kind: 'ip4'; readonly network: readonly number[]; readonly cidr: number }
  | { readonly kind: 'ip6'; readonly network: readonly number[]; readonly cidr: number }
  | { readonly kind: 'exists'; readonly domain: MacroText };

/** The mechanism names of §5. */
export type MechanismName = Mechanism['kind'];

/** A qualifier and a mechanism (§4.6.2). */
export interface Directive {
  readonly type: 'directive';
  readonly qualifier: Qualifier;
  readonly mechanism: Mechanism;
  /** The term as written. */
  readonly text: string;
  /** Where it starts in the record (0-based). */
  readonly position: number;
}

/** A `name=value` term (§6). `name` is lower-cased. */
export interface Modifier {
  readonly type: 'modifier';
  readonly name: string;
  readonly value: MacroText;
  readonly text: string;
  readonly position: number;
}

/** One term of a record. */
export type Term = Directive | Modifier;

/** A parsed SPF record. */
export interface SpfRecord {
  readonly text: string;
  /** All terms in order, modifiers included. */
  readonly terms: readonly Term[];
  /** The directives in evaluation order (§4.6.2). */
  readonly directives: readonly Directive[];
  readonly redirect: Modifier | undefined;
  readonly exp: Modifier | undefined;
}

/** A syntax error: what is wrong, and the 0-based position in the record. */
export interface SpfSyntaxError {
  readonly message: string;
  readonly position: number;
  /** The term it occurred in, when there is one. */
  readonly term?: string;
}

/** The result of {@link parseRecord}. */
export type RecordParse =
  { readonly ok: true; readonly record: SpfRecord } | { readonly ok: false; readonly error: SpfSyntaxError };

/** What a name publishes, per §4.5. */
export type RecordSelection =
  | { readonly kind: 'none' }
  | { readonly kind: 'one'; readonly text: string }
  | { readonly kind: 'many'; readonly texts: readonly string[] };

/** §4.5: "v=spf1" followed by a space or the end, case-insensitive (ABNF strings are, RFC 5234 §2.3). */
const VERSION = /^v=spf1(?: |$)/i;

/** Whether a TXT record's text is an SPF version 1 record (§4.5). */
export function isSpfRecord(text: string): boolean {
  return VERSION.test(text);
}

/**
 * Chooses the SPF record among the TXT records at a name (§4.5). Each
 * element is one TXT RR's character-strings, joined here without spaces
 * (§3.3).
 */
export function selectRecord(txt: readonly (readonly string[])[]): RecordSelection {
  const texts = txt.map((strings) => strings.join('')).filter(isSpfRecord);
  if (texts.length === 0) return { kind: 'none' };
  if (texts.length === 1) return { kind: 'one', text: texts[0]! };
  return { kind: 'many', texts };
}

const MODIFIER_NAME = /^([A-Za-z][A-Za-z0-9\-_.]*)=/;
const MECHANISM_NAMES = new Set<string>(['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists']);
/** Common slips, for a friendlier message (pyspf's COMMON_MISTAKES, reworded). */
const DID_YOU_MEAN: Readonly<Record<string, string>> = {
  ip: 'ip4',
  ipv4: 'ip4',
  ipv6: 'ip6',
  prt: 'ptr',
  exist: 'exists',
  includes: 'include',
  redirect: 'redirect=',
  exp: 'exp=',
};
/** §7.1 toplabel: alphanumerics with at least one letter, or inner hyphens. */
const TOPLABEL = /^(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9])$/;

class SyntaxFailure {
  constructor(readonly error: SpfSyntaxError) {}
}

function fail(message: string, position: number, term?: string): never {
  throw new SyntaxFailure(term === undefined ? { message, position } : { message, position, term });
}

function macroOrFail(
  text: string,
  context: 'domain' | 'modifier',
  position: number,
  term: string,
): readonly MacroToken[] {
  const parsed = parseMacroString(text, context, position);
  if (!parsed.ok) {
    const e: MacroSyntaxError = parsed.error;
    fail(e.message, e.position, term);
  }
  return parsed.tokens;
}

/**
 * Parses a domain-spec (§7.1): `macro-string domain-end`, where domain-end is
 * a macro-expand or `"." toplabel ["."]`. `what` names the argument for
 * messages ("include target").
 */
export function parseDomainSpec(text: string, position: number, term: string, what: string): MacroText {
  if (text === '') fail(`${what} is empty: a domain name is required after ':' or '='`, position, term);
  const tokens = macroOrFail(text, 'domain', position, term);
  const last = tokens[tokens.length - 1];
  if (last !== undefined && last.kind !== 'literal') return { source: text, tokens };
  // domain-end = "." toplabel [ "." ]: look at the literal tail.
  const tail = last?.text ?? '';
  const body = tail.endsWith('.') ? tail.slice(0, -1) : tail;
  const dot = body.lastIndexOf('.');
  const top = body.slice(dot + 1);
  const topAt = position + text.length - tail.length + dot + 1;
  if (dot < 0) {
    fail(
      `${what} '${text}' must end in '.' and a top-level label (like '.com') or in a macro (RFC 7208 §7.1 domain-end)`,
      position,
      term,
    );
  }
  if (!TOPLABEL.test(top)) {
    const hint = /^[0-9]+$/.test(top)
      ? /^(?:[0-9]{1,3}\.){3}[0-9]{1,3}$/.test(text)
        ? ` — '${text}' is an IP address: write ip4:${text}`
        : ' — a top-level label cannot be all digits'
      : /\/[0-9]+$/.test(top)
        ? ' — a prefix length is written /24 for IPv4, //64 for IPv6, or /24//64 for both'
        : '';
    fail(
      `'${top}' is not a valid top-level label in ${what} '${text}': letters, digits and inner hyphens only, not all digits (RFC 7208 §7.1 toplabel)${hint}`,
      topAt,
      term,
    );
  }
  return { source: text, tokens };
}

/** `"/" ("0" / %x31-39 0*1DIGIT)` and its IPv6 form (§5.6): no leading zeros, in range. */
function parseCidr(digits: string, max: number, position: number, term: string): number {
  if (!/^(?:0|[1-9][0-9]*)$/.test(digits)) {
    fail(`prefix length '/${digits}' must be a number without leading zeros (RFC 7208 §5.6)`, position, term);
  }
  const n = Number(digits);
  if (n > max) {
    fail(
      `prefix length /${digits} is out of range: at most ${max} for ${max === 32 ? 'IPv4' : 'IPv6'} (RFC 7208 §5.6)`,
      position,
      term,
    );
  }
  return n;
}

/** Parses `[ ip4-cidr-length ] [ "/" ip6-cidr-length ]` (§5.6). */
function parseDualCidr(text: string, position: number, term: string): { cidr4: number; cidr6: number } {
  const m = /^(?:\/([^/]*))?(?:\/\/(.*))?$/s.exec(text);
  if (m === null) {
    fail(
      `'${text}' is not a prefix length: write /24 for IPv4, //64 for IPv6, or /24//64 for both (RFC 7208 §5.6 dual-cidr-length)`,
      position,
      term,
    );
  }
  const v4 = m[1];
  const v6 = m[2];
  return {
    cidr4: v4 === undefined ? 32 : parseCidr(v4, 32, position + 1, term),
    cidr6:
      v6 === undefined
        ? 128
        : parseCidr(v6, 128, position + (v4 === undefined ? 0 : v4.length + 1) + 2, term),
  };
}

function parseDirective(text: string, position: number): Directive {
  let qualifier: Qualifier = '+';
  let i = 0;
  const first = text[0];
  if (first === '+' || first === '-' || first === '~' || first === '?') {
    qualifier = first;
    i = 1;
  }
  const nameMatch = /^[A-Za-z0-9]*/.exec(text.slice(i));
  const rawName = nameMatch?.[0] ?? '';
  const name = rawName.toLowerCase();
  const rest = text.slice(i + rawName.length);
  const restAt = position + i + rawName.length;
  const known = MECHANISM_NAMES.has(name);
  if (!known || (rest !== '' && rest[0] !== ':' && rest[0] !== '/')) {
    const shown = text.slice(i).split(/[:/]/)[0] ?? '';
    if (known) {
      fail(
        `unexpected ${rest[0] === undefined ? 'end' : `'${rest[0]}'`} after mechanism '${rawName}'`,
        restAt,
        text,
      );
    }
    const suggestion = DID_YOU_MEAN[name];
    const bare = text.slice(i);
    const eq = bare.search(/[=:/]/);
    if (eq >= 0 && bare[eq] === '=') {
      const modName = bare.slice(0, eq);
      fail(
        modName === ''
          ? `a modifier needs a name before '=' (RFC 7208 §6: name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ))`
          : `'${modName}' is not a valid modifier name: it must begin with a letter and contain only letters, digits, '-', '_' and '.' (RFC 7208 §6)`,
        position,
        text,
      );
    }
    fail(
      `unknown mechanism '${shown}'${suggestion === undefined ? '' : ` — did you mean '${suggestion}'?`} (RFC 7208 §5: all, include, a, mx, ptr, ip4, ip6, exists)`,
      position + i,
      text,
    );
  }
  const arg = rest.startsWith(':') ? rest.slice(1) : undefined;
  const argAt = restAt + 1;
  const mechanism = ((): Mechanism => {
    switch (name) {
      case 'all':
        if (rest !== '') fail(`'all' takes no argument (RFC 7208 §5.1)`, restAt, text);
        return { kind: 'all' };
      case 'include':
      case 'exists': {
        if (arg === undefined) {
          fail(
            `'${name}' needs a domain: ${name}:<domain> (RFC 7208 §${name === 'include' ? '5.2' : '5.7'})`,
            restAt,
            text,
          );
        }
        return { kind: name, domain: parseDomainSpec(arg, argAt, text, `${name} target`) };
      }
      case 'a':
      case 'mx': {
        if (arg === undefined) return { kind: name, domain: undefined, ...parseDualCidr(rest, restAt, text) };
        // The domain-spec may itself contain '/' (suite: a:foo:bar/baz.example.com), so the CIDR is the suffix.
        const m = /^(.*?)((?:\/[0-9]+)?(?:\/\/[0-9]+)?)$/s.exec(arg);
        const domainText = m?.[1] ?? arg;
        const cidrText = m?.[2] ?? '';
        return {
          kind: name,
          domain: parseDomainSpec(domainText, argAt, text, `${name} target`),
          ...parseDualCidr(cidrText, argAt + domainText.length, text),
        };
      }
      case 'ptr':
        if (arg === undefined && rest !== '')
          fail(`'ptr' takes no prefix length (RFC 7208 §5.5)`, restAt, text);
        return {
          kind: 'ptr',
          domain: arg === undefined ? undefined : parseDomainSpec(arg, argAt, text, 'ptr target'),
        };
      default: {
        // ip4 / ip6 (§5.6): ":" network [ cidr ], the network required.
        const v = name === 'ip4' ? 4 : 6;
        if (arg === undefined || arg === '') {
          fail(
            `'${name}' needs an address: ${name}:${v === 4 ? '192.0.2.0/24' : '2001:db8::/32'} (RFC 7208 §5.6)`,
            restAt,
            text,
          );
        }
        const slash = arg.indexOf('/');
        const networkText = slash < 0 ? arg : arg.slice(0, slash);
        const network = v === 4 ? parseIPv4(networkText) : parseIPv6(networkText);
        if (network === undefined) {
          const hint =
            v === 4 && /^[0-9.]+$/.test(networkText) && networkText.split('.').length < 4
              ? ' — write all four parts and a prefix length, like 192.0.2.0/24'
              : v === 4 && networkText.includes(':')
                ? ' — an ip4 address has no port'
                : '';
          fail(`'${networkText}' is not an IPv${v} address (RFC 7208 §5.6)${hint}`, argAt, text);
        }
        const cidr =
          slash < 0
            ? v === 4
              ? 32
              : 128
            : parseCidr(arg.slice(slash + 1), v === 4 ? 32 : 128, argAt + slash + 1, text);
        return { kind: name === 'ip4' ? 'ip4' : 'ip6', network, cidr };
      }
    }
  })();
  return { type: 'directive', qualifier, mechanism, text, position };
}

function parseModifier(text: string, position: number, name: string): Modifier {
  const lower = name.toLowerCase();
  const valueText = text.slice(name.length + 1);
  const valueAt = position + name.length + 1;
  if (lower === 'redirect' || lower === 'exp') {
    // §6.1/§6.2: redirect = "redirect" "=" domain-spec; explanation = "exp" "=" domain-spec.
    const value = parseDomainSpec(valueText, valueAt, text, `${lower}= domain`);
    return { type: 'modifier', name: lower, value, text, position };
  }
  // §6: unknown-modifier = name "=" macro-string; its value must still be valid macro syntax.
  const tokens = macroOrFail(valueText, 'modifier', valueAt, text);
  return { type: 'modifier', name: lower, value: { source: valueText, tokens }, text, position };
}

/**
 * Parses a whole SPF record (§4.6). The record must begin with `v=spf1`
 * ({@link isSpfRecord}); anything wrong anywhere is reported with its
 * position and no partial record is returned (§4.6: a syntax error is a
 * permerror "without further interpretation or evaluation").
 */
export function parseRecord(text: string): RecordParse {
  try {
    if (!isSpfRecord(text)) fail(`an SPF record begins with 'v=spf1' followed by a space (RFC 7208 §4.5)`, 0);
    // §3.1 and §4.6.1: only SP and visible ASCII; report the first offending character.
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x20 || code > 0x7e) {
        const hex = `U+${(text.codePointAt(i) ?? code).toString(16).toUpperCase().padStart(4, '0')}`;
        const what =
          code === 0x09 || code === 0x0a || code === 0x0d
            ? 'terms are separated by spaces only, not tabs or line breaks (RFC 7208 §4.6.1)'
            : code > 0x7e
              ? 'SPF records are 7-bit ASCII (RFC 7208 §3.1); an invisible byte-order mark or a pasted "smart" character is a common cause'
              : 'control characters are not allowed (RFC 7208 §4.6.1)';
        fail(`character ${hex} at position ${i}: ${what}`, i);
      }
    }
    const terms: Term[] = [];
    const directives: Directive[] = [];
    let redirect: Modifier | undefined;
    let exp: Modifier | undefined;
    const re = / +([^ ]+)/g;
    const afterVersion = 6;
    re.lastIndex = afterVersion;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const termText = m[1]!;
      const position = m.index + m[0].length - termText.length;
      const modifierName = MODIFIER_NAME.exec(termText)?.[1];
      if (modifierName === undefined) {
        const directive = parseDirective(termText, position);
        terms.push(directive);
        directives.push(directive);
        continue;
      }
      const modifier = parseModifier(termText, position, modifierName);
      if (modifier.name === 'redirect' || modifier.name === 'exp') {
        // §6: "These two modifiers MUST NOT appear in a record more than once each."
        if ((modifier.name === 'redirect' ? redirect : exp) !== undefined) {
          fail(
            `'${modifier.name}=' appears twice; it may appear at most once (RFC 7208 §6)`,
            position,
            termText,
          );
        }
        if (modifier.name === 'redirect') redirect = modifier;
        else exp = modifier;
      }
      terms.push(modifier);
    }
    return { ok: true, record: { text, terms, directives, redirect, exp } };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { ok: false, error: e.error };
    throw e;
  }
}

/**
 * Parses explanation text fetched for `exp=` (§6.2 `explain-string`):
 * macro-strings and spaces, `c`, `r` and `t` allowed.
 */
export function parseExplanation(
  text: string,
): { ok: true; tokens: readonly MacroToken[] } | { ok: false; error: MacroSyntaxError } {
  return parseMacroString(text, 'explanation');
}
