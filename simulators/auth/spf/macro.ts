/**
 * SPF macros (RFC 7208 §7): parsing a macro-string into tokens and expanding
 * it. Both halves are pure. The one macro that needs DNS, `%{p}`, is resolved
 * by the evaluator beforehand (it yields the PTR and address queries of
 * §5.5) and handed in as {@link MacroValues.p}; {@link choosePtrName} picks
 * the name the way §7.3 says.
 *
 * Theory of operation:
 * - {@link parseMacroString} checks the §7.1 ABNF and says where it is
 *   broken, with the character position in the record, so a learner can see
 *   the caret under `%(ir)`. The context decides what is allowed: a
 *   domain-spec may not use `c`, `r`, `t` (§7.3: "allowed only in exp
 *   text"), and only explanation text may contain spaces (§6.2
 *   `explain-string`).
 * - {@link expandMacroString} substitutes each letter (§7.3), splits on the
 *   delimiters, reverses, keeps the right-hand parts, joins with `.`, and
 *   URL-escapes when the letter is upper-case (§7.3, RFC 3986 §2.3
 *   unreserved).
 * - {@link toQueryName} applies the §7.3 rule for expanded domain names: the
 *   trailing dot goes, names longer than 253 characters lose labels from the
 *   left, and what is left is lower-cased for the query.
 */

/** The macro letters of RFC 7208 §7.3. */
export type MacroLetter = 's' | 'l' | 'o' | 'd' | 'i' | 'p' | 'h' | 'c' | 'r' | 't' | 'v';

const MACRO_LETTERS = new Set<string>(['s', 'l', 'o', 'd', 'i', 'p', 'h', 'c', 'r', 't', 'v']);
/** RFC 7208 §7.3: "The following macro letters are allowed only in 'exp' text: c r t". */
const EXP_ONLY_LETTERS = new Set<string>(['c', 'r', 't']);
/** RFC 7208 §7.1 `delimiter`. */
const DELIMITERS = '.-+,/_=';

/** One piece of a macro-string. */
export type MacroToken =
  | { readonly kind: 'literal'; readonly text: string }
  /** `%%`, `%_` or `%-` (§7.1): a macro-expand with a fixed value (`%`, a space, `%20`). */
  | { readonly kind: 'escape'; readonly text: string; readonly value: string }
  | {
      readonly kind: 'macro';
      readonly letter: MacroLetter;
      /** Upper-case letter: the value is URL-escaped (§7.3). */
      readonly urlEscape: boolean;
      /** Keep this many right-hand parts (§7.3 DIGIT transformer); undefined keeps all. */
      readonly keep: number | undefined;
      readonly reverse: boolean;
      /** The delimiter characters; '' means the default, `.`. */
      readonly delimiters: string;
      /** The source text, e.g. `%{ir}`. */
      readonly text: string;
    };

/** Where a macro-string appears, which decides what it may contain. */
export type MacroContext = 'domain' | 'explanation' | 'modifier';

/** A syntax error with its position (0-based, in the text the caller gave the offset of). */
export interface MacroSyntaxError {
  readonly message: string;
  readonly position: number;
}

/** The result of {@link parseMacroString}. */
export type MacroParse =
  | { readonly ok: true; readonly tokens: readonly MacroToken[] }
  | { readonly ok: false; readonly error: MacroSyntaxError };

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code >= 0x21 && code <= 0x7e ? `'${ch}'` : hex;
}

/**
 * Parses a macro-string (RFC 7208 §7.1). `offset` is the position of
 * `text` within the record, so errors point into the record.
 */
export function parseMacroString(text: string, context: MacroContext, offset = 0): MacroParse {
  const tokens: MacroToken[] = [];
  let literal = '';
  const fail = (message: string, at: number): MacroParse => ({
    ok: false,
    error: { message, position: offset + at },
  });
  const flush = (): void => {
    if (literal !== '') tokens.push({ kind: 'literal', text: literal });
    literal = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const code = ch.charCodeAt(0);
    if (ch !== '%') {
      // RFC 7208 §7.1: macro-literal = %x21-24 / %x26-7E; explain-string adds SP (§6.2).
      const allowed = (code >= 0x21 && code <= 0x7e) || (code === 0x20 && context === 'explanation');
      if (!allowed) {
        return fail(
          `character ${describeChar(ch)} is not allowed here: SPF text is visible 7-bit ASCII (RFC 7208 §7.1 macro-literal)`,
          i,
        );
      }
      literal += ch;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '%' || next === '_' || next === '-') {
      // RFC 7208 §7.1: "%%" is "%", "%_" a space, "%-" a URL-encoded space.
      flush();
      tokens.push({
        kind: 'escape',
        text: `%${next}`,
        value: next === '%' ? '%' : next === '_' ? ' ' : '%20',
      });
      i += 2;
      continue;
    }
    if (next !== '{') {
      return fail(
        next === undefined
          ? `'%' at the end: a literal percent sign is written '%%' (RFC 7208 §7.1)`
          : `'%' must be followed by '{', '%', '_' or '-', not ${describeChar(next)} (RFC 7208 §7.1)`,
        i,
      );
    }
    const close = text.indexOf('}', i + 2);
    if (close < 0) return fail(`'%{' is not closed by '}' (RFC 7208 §7.1)`, i);
    const body = text.slice(i + 2, close);
    const m = /^([A-Za-z])([0-9]*)(r?)(.*)$/s.exec(body);
    const letterText = m?.[1];
    if (m === undefined || m === null || letterText === undefined) {
      return fail(`'%{' must be followed by a macro letter (slodipvh, or crt in exp text)`, i + 2);
    }
    const letter = letterText.toLowerCase();
    if (!MACRO_LETTERS.has(letter)) {
      return fail(
        `'${letterText}' is not a macro letter: use one of s l o d i p h v (c r t in exp text only)`,
        i + 2,
      );
    }
    if (context === 'domain' && EXP_ONLY_LETTERS.has(letter)) {
      return fail(`macro letter '${letterText}' is allowed only in explanation text (RFC 7208 §7.3)`, i + 2);
    }
    const digits = m[2] ?? '';
    let keep: number | undefined;
    if (digits !== '') {
      keep = Number(digits);
      // RFC 7208 §7.3: "If a DIGIT is specified, the value MUST be nonzero."
      if (keep === 0) return fail(`the number of parts to keep must not be zero (RFC 7208 §7.3)`, i + 3);
    }
    const delimiters = m[4] ?? '';
    for (let k = 0; k < delimiters.length; k++) {
      const d = delimiters[k]!;
      if (!DELIMITERS.includes(d)) {
        const at = i + 2 + 1 + digits.length + (m[3] ?? '').length + k;
        return fail(`${describeChar(d)} is not a macro delimiter: use . - + , / _ = (RFC 7208 §7.1)`, at);
      }
    }
    flush();
    tokens.push({
      kind: 'macro',
      letter: letter as MacroLetter,
      urlEscape: letterText !== letter,
      keep,
      reverse: m[3] === 'r',
      delimiters,
      text: text.slice(i, close + 1),
    });
    i = close + 1;
  }
  flush();
  return { ok: true, tokens };
}

/** Whether any token is `%{p}` (whose value costs DNS queries). */
export function usesPtrMacro(tokens: readonly MacroToken[]): boolean {
  return tokens.some((t) => t.kind === 'macro' && t.letter === 'p');
}

/** The values the letters stand for (RFC 7208 §7.3), already in text form. */
export interface MacroValues {
  /** `<sender>`, with `postmaster` as local-part when it had none (§4.3). */
  readonly s: string;
  readonly l: string;
  readonly o: string;
  /** The current `<domain>`. */
  readonly d: string;
  readonly i: string;
  /** The validated client name, or `unknown` (§7.3); only read when the string uses `%{p}`. */
  readonly p: string;
  readonly h: string;
  readonly c: string;
  readonly r: string;
  readonly t: string;
  readonly v: string;
}

/** RFC 3986 §2.3 unreserved characters: everything else is escaped by an upper-case macro letter (§7.3). */
function urlEscape(value: string): string {
  let out = '';
  for (const ch of value) {
    if (/^[A-Za-z0-9\-._~]$/.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of utf8(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** UTF-8 octets of one code point (a lone surrogate becomes U+FFFD). */
function utf8(ch: string): number[] {
  let cp = ch.codePointAt(0) ?? 0xfffd;
  if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
}

/** Applies one macro's transformers to its value (RFC 7208 §7.3). */
function transform(value: string, token: Extract<MacroToken, { kind: 'macro' }>): string {
  const delimiters = token.delimiters === '' ? '.' : token.delimiters;
  let parts: string[] = [];
  let current = '';
  for (const ch of value) {
    if (delimiters.includes(ch)) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  if (token.reverse) parts.reverse();
  // RFC 7208 §7.3: keep the right-hand parts; more than available keeps all.
  if (token.keep !== undefined && token.keep < parts.length) parts = parts.slice(parts.length - token.keep);
  const joined = parts.join('.');
  return token.urlEscape ? urlEscape(joined) : joined;
}

/** Expands parsed tokens with the given values (RFC 7208 §7.3). */
export function expandMacroString(tokens: readonly MacroToken[], values: MacroValues): string {
  let out = '';
  for (const token of tokens) {
    if (token.kind === 'literal') out += token.text;
    else if (token.kind === 'escape') out += token.value;
    else out += transform(values[token.letter], token);
  }
  return out;
}

/** RFC 1035 §2.3.4: 253 characters in the dotted form without the final dot. */
export const MAX_DOMAIN_LENGTH = 253;

/**
 * Turns an expanded domain-spec into the name to query: the trailing dot is
 * dropped (§7.3 examples and the suite's `trailing-dot-domain`), labels are
 * removed from the left while the name exceeds 253 characters (§7.3: "the
 * left side is truncated to fit, by removing successive domain labels (and
 * their following dots)"), and ASCII letters are lower-cased (RFC 4343:
 * DNS names compare case-insensitively; the simulated DNS stores lower case).
 */
export function toQueryName(expanded: string): string {
  let name = expanded.endsWith('.') ? expanded.slice(0, -1) : expanded;
  while (name.length > MAX_DOMAIN_LENGTH) {
    const dot = name.indexOf('.');
    name = dot < 0 ? '' : name.slice(dot + 1);
  }
  return name.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/**
 * Picks `%{p}` from the validated names (RFC 7208 §7.3): the `<domain>`
 * itself if validated, else a validated subdomain of it, else any validated
 * name (the first), else `unknown`.
 */
export function choosePtrName(validated: readonly string[], domain: string): string {
  const d = domain.toLowerCase();
  if (validated.includes(d)) return d;
  const sub = validated.find((n) => n.endsWith(`.${d}`));
  return sub ?? validated[0] ?? 'unknown';
}
