/**
 * The Authentication-Results header field (RFC 8601 §2.2): written from the
 * SPF, DKIM and DMARC results of one receiver (its authserv-id), and read
 * back into structured data for the message inspector.
 *
 *     authres-payload = [CFWS] authserv-id [ CFWS authres-version ]
 *                       ( no-result / 1*resinfo ) [CFWS] CRLF
 *     no-result       = [CFWS] ";" [CFWS] "none"
 *     resinfo         = [CFWS] ";" methodspec [ CFWS reasonspec ] [ CFWS 1*propspec ]
 *     methodspec      = [CFWS] method [CFWS] "=" [CFWS] result
 *     method          = Keyword [ [CFWS] "/" [CFWS] method-version ]
 *     reasonspec      = "reason" [CFWS] "=" [CFWS] value
 *     propspec        = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
 *
 * The parser never throws: a field it cannot read gives `ok: false` with the
 * position of the problem. TOLERANCE: a property value is read as a
 * quoted-string or a run of characters up to whitespace, `;` or `(`, which
 * covers RFC 8601's `[[local-part] "@"] domain-name` and `value` forms and
 * the addresses receivers write in them.
 */
import type { DkimResult } from './dkim/verify.ts';
import { formatAuthResultsDmarc } from './dmarc/header.ts';
import type { DmarcResult } from './dmarc/types.ts';
import type { SpfInput, SpfResult } from './spf/evaluate.ts';
import { formatAuthResultsSpf } from './spf/header.ts';

/** One `ptype.property=value` (RFC 8601 §2.3), e.g. `header.from=example.com`. */
export interface AuthResProperty {
  readonly ptype: string;
  readonly property: string;
  readonly value: string;
}

/** One resinfo: a method's result with its reason, comments and properties. */
export interface AuthResResult {
  readonly method: string;
  readonly methodVersion?: number;
  readonly result: string;
  readonly reason?: string;
  /** Comments in the resinfo, without parentheses (informational only, §2.2). */
  readonly comments: readonly string[];
  readonly properties: readonly AuthResProperty[];
}

/** A parsed Authentication-Results field. */
export interface AuthenticationResults {
  readonly authservId: string;
  readonly version?: number;
  /** Empty for `; none` (§2.2 no-result). */
  readonly results: readonly AuthResResult[];
}

/** What {@link parseAuthenticationResults} returns. */
export type AuthResParse =
  | { readonly ok: true; readonly value: AuthenticationResults }
  | { readonly ok: false; readonly message: string; readonly position: number };

/** RFC 2045 token characters: not SPACE, CTLs or tspecials. */
function isTokenChar(c: string): boolean {
  const code = c.charCodeAt(0);
  return code > 0x20 && code !== 0x7f && !'()<>@,;:\\"/[]?='.includes(c);
}
const KEYWORD = /^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$/;

/** The results of one receiver's checks. */
export interface AuthResultsInput {
  /** The receiver's name (§2.5), e.g. `mx.example.org`. */
  readonly authservId: string;
  readonly spf?: { readonly result: SpfResult; readonly input: SpfInput };
  readonly dkim?: readonly DkimResult[];
  /** A comment for `dkim=none` when `dkim` is empty, e.g. `no crypto available` (§2.2 comments are informational). */
  readonly dkimNoneComment?: string;
  readonly dmarc?: DmarcResult;
}

function quoteIfNeeded(value: string): string {
  return value !== '' && [...value].every(isTokenChar)
    ? value
    : `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The `dkim=` resinfo of one signature (§2.7.1: header.d, header.i, header.s, header.a). */
export function formatAuthResultsDkim(result: DkimResult): string {
  const parts = [`dkim=${result.result}`];
  if (result.domain !== undefined) parts.push(`header.d=${result.domain}`);
  if (result.identity !== undefined && result.identity !== `@${result.domain}`) {
    parts.push(`header.i=${result.identity}`);
  }
  if (result.selector !== undefined) parts.push(`header.s=${quoteIfNeeded(result.selector)}`);
  if (result.algorithm !== undefined) parts.push(`header.a=${result.algorithm}`);
  return parts.join(' ');
}

/**
 * The whole field without the final CRLF, folded before a resinfo or a
 * word that would pass 78 columns (RFC 5322 §2.1.1). With no results it is
 * `<authserv-id>; none` (§2.2). A message without DKIM signatures gets
 * `dkim=none` when `dkim` is an empty list.
 */
export function formatAuthenticationResults(input: AuthResultsInput): string {
  const resinfos: string[] = [];
  if (input.spf !== undefined) resinfos.push(formatAuthResultsSpf(input.spf.result, input.spf.input));
  if (input.dkim !== undefined) {
    if (input.dkim.length === 0)
      resinfos.push(
        input.dkimNoneComment === undefined
          ? 'dkim=none'
          : `dkim=none (${input.dkimNoneComment.replace(/[()\\]/g, (c) => `\\${c}`)})`,
      );
    for (const d of input.dkim) resinfos.push(formatAuthResultsDkim(d));
  }
  if (input.dmarc !== undefined) resinfos.push(formatAuthResultsDmarc(input.dmarc));
  if (resinfos.length === 0) return `Authentication-Results: ${input.authservId}; none`;
  let out = `Authentication-Results: ${input.authservId};`;
  let column = out.length;
  for (const [i, resinfo] of resinfos.entries()) {
    const words = `${resinfo}${i < resinfos.length - 1 ? ';' : ''}`.split(' ');
    for (const [j, word] of words.entries()) {
      if (column + 1 + word.length > 78 || (j === 0 && column + 1 + resinfo.length > 78)) {
        out += `\r\n\t${word}`;
        column = 8 + word.length;
      } else {
        out += ` ${word}`;
        column += 1 + word.length;
      }
    }
  }
  return out;
}

class Cursor {
  i = 0;
  comments: string[] = [];
  constructor(readonly s: string) {}
  peek(): string | undefined {
    return this.s[this.i];
  }
  /** Skips whitespace and comments (nested, with quoted-pairs), keeping the comment texts. */
  cfws(): boolean {
    let unclosed = false;
    for (;;) {
      while (/[ \t\r\n]/.test(this.s[this.i] ?? '')) this.i++;
      if (this.s[this.i] !== '(') return !unclosed;
      const start = ++this.i;
      let depth = 1;
      while (this.i < this.s.length && depth > 0) {
        const c = this.s[this.i];
        if (c === '\\') this.i++;
        else if (c === '(') depth++;
        else if (c === ')') depth--;
        this.i++;
      }
      if (depth > 0) unclosed = true;
      this.comments.push(this.s.slice(start, depth > 0 ? this.i : this.i - 1));
    }
  }
  token(): string {
    const start = this.i;
    while (this.i < this.s.length && isTokenChar(this.s[this.i]!)) this.i++;
    return this.s.slice(start, this.i);
  }
  /** A Keyword (RFC 5321 Ldh-str), as method, result, ptype and property are. */
  keyword(): string {
    const start = this.i;
    while (this.i < this.s.length && /[A-Za-z0-9_-]/.test(this.s[this.i]!)) this.i++;
    return this.s.slice(start, this.i);
  }
  /** RFC 2045 value: token or quoted-string; undefined when neither is there. */
  value(): string | undefined {
    if (this.peek() !== '"') return this.token() || undefined;
    let out = '';
    for (this.i++; this.i < this.s.length; this.i++) {
      const c = this.s[this.i]!;
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c === '\\') this.i++;
      out += this.s[this.i] ?? '';
    }
    return undefined;
  }
  pvalue(): string | undefined {
    if (this.peek() === '"') return this.value();
    const start = this.i;
    while (this.i < this.s.length && !/[ \t\r\n;(]/.test(this.s[this.i]!)) this.i++;
    return this.i > start ? this.s.slice(start, this.i) : undefined;
  }
  eat(c: string): boolean {
    if (this.s[this.i] !== c) return false;
    this.i++;
    return true;
  }
}

/**
 * Parses the value of an Authentication-Results field (after the colon,
 * unfolded or not). Comments are kept per resinfo; a `reason=` becomes
 * `reason`; unknown methods and properties are kept as written (§2.7: a
 * reader ignores what it does not know, the inspector still shows it).
 */
export function parseAuthenticationResults(fieldValue: string): AuthResParse {
  const c = new Cursor(fieldValue);
  const fail = (message: string): AuthResParse => ({
    ok: false,
    message,
    // A quoted-pair at the very end steps past it.
    position: Math.min(c.i, fieldValue.length),
  });
  if (!c.cfws()) return fail('unclosed comment');
  const authservId = c.value();
  if (authservId === undefined) return fail('expected the authserv-id (RFC 8601 §2.2)');
  if (!c.cfws()) return fail('unclosed comment');
  let version: number | undefined;
  const digits = /^\d+/.exec(fieldValue.slice(c.i));
  if (digits !== null) {
    c.i += digits[0].length;
    version = Number(digits[0]);
    if (!c.cfws()) return fail('unclosed comment');
  }
  const head = { authservId, ...(version === undefined ? {} : { version }) };
  const results: AuthResResult[] = [];
  for (;;) {
    if (!c.cfws()) return fail('unclosed comment');
    if (c.i >= fieldValue.length) break;
    if (!c.eat(';')) return fail('expected ";" before the next result (RFC 8601 §2.2)');
    c.comments = [];
    if (!c.cfws()) return fail('unclosed comment');
    if (c.i >= fieldValue.length) break; // TOLERANCE: a trailing ";"
    const method = c.keyword();
    if (!KEYWORD.test(method)) return fail(`expected a method name, found "${method || c.peek()}"`);
    c.cfws();
    if (
      method.toLowerCase() === 'none' &&
      results.length === 0 &&
      (c.peek() === undefined || c.peek() === ';')
    ) {
      continue; // §2.2 no-result
    }
    let methodVersion: number | undefined;
    if (c.eat('/')) {
      c.cfws();
      const v = /^\d+/.exec(fieldValue.slice(c.i));
      if (v === null) return fail(`expected a version number after "${method}/"`);
      c.i += v[0].length;
      methodVersion = Number(v[0]);
      c.cfws();
    }
    if (!c.eat('=')) return fail(`expected "=" after the method "${method}" (RFC 8601 §2.2)`);
    c.cfws();
    const result = c.keyword();
    if (!KEYWORD.test(result)) return fail(`expected a result for ${method}`);
    let reason: string | undefined;
    const properties: AuthResProperty[] = [];
    for (;;) {
      if (!c.cfws()) return fail('unclosed comment');
      const at = c.i;
      const name = c.keyword();
      if (name === '') break;
      c.cfws();
      if (name.toLowerCase() === 'reason' && c.eat('=')) {
        c.cfws();
        reason = c.value();
        if (reason === undefined) return fail('expected a value after reason=');
        continue;
      }
      if (!c.eat('.')) {
        c.i = at;
        return fail(`expected ptype.property=value, found "${name}"`);
      }
      c.cfws();
      const property = c.keyword();
      c.cfws();
      if (property === '' || !c.eat('=')) return fail(`expected "=" after ${name}.${property}`);
      c.cfws();
      const value = c.pvalue();
      if (value === undefined) return fail(`expected a value for ${name}.${property}`);
      properties.push({ ptype: name.toLowerCase(), property: property.toLowerCase(), value });
    }
    results.push({
      method: method.toLowerCase(),
      ...(methodVersion === undefined ? {} : { methodVersion }),
      result: result.toLowerCase(),
      ...(reason === undefined ? {} : { reason }),
      comments: c.comments,
      properties,
    });
  }
  return { ok: true, value: { ...head, results } };
}
