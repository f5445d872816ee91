/**
 * The IMAP tokenizer: one framed command or response (octets, literals
 * inline) in, a token tree out. It knows the lexical grammar of RFC 3501 §9
 * and nothing about commands; `command-parser.ts` gives the tokens meaning
 * and `response-parser.ts` turns them into {@link ImapValue}s.
 *
 * Tokens are atoms, quoted strings, literals (`{n}`, `{n+}` LITERAL+ RFC 7888,
 * `~{n}` literal8 RFC 3516) and parenthesised lists. After the atoms BODY,
 * BODY.PEEK, BINARY, BINARY.PEEK and BINARY.SIZE a `[` opens a section whose
 * contents are tokens too (`BODY[HEADER.FIELDS (FROM)]`), optionally followed
 * by a partial `<0.100>`; anywhere else `[` is an ordinary ATOM-CHAR, so
 * `[Gmail]/Sent` is one atom.
 *
 * The tokenizer is iterative with an explicit stack, so 100 000 `(` cannot
 * overflow the call stack; nesting beyond `maxDepth` is a syntax error.
 *
 * TOLERANCE (a superset, narrowed by the parsers): atoms may hold `%`, `*`,
 * `\` and `]` (list wildcards, flags, astrings); spaces at the very end are
 * ignored; a bare LF may end a literal announcement; `(` may follow `)` with
 * no space, as THREAD and BODYSTRUCTURE responses write it.
 * Strict: single spaces between tokens, none after `(` or before `)`; only
 * `\"` and `\\` escapes in quoted strings; no CR, LF or NUL in them.
 */
import { utf8Text } from '../../core/bytes.ts';

/** An atom as written, with the parts of a `BODY[…]<…>` name when it has them. */
export interface AtomToken {
  readonly kind: 'atom';
  /** The atom as written, section and partial included: `BODY.PEEK[HEADER]<0.10>`. */
  readonly value: string;
  /** Offset of the first octet in the input. */
  readonly at: number;
  /** The tokens between `[` and `]`, for BODY / BINARY names. */
  readonly section?: readonly Token[];
  /** The text between `<` and `>` after a section: `0.10`. */
  readonly partial?: string;
}

/** A quoted string, unescaped and decoded as UTF-8. */
export interface QuotedToken {
  readonly kind: 'quoted';
  readonly value: string;
  readonly at: number;
}

/** A literal's octets. */
export interface LiteralToken {
  readonly kind: 'literal';
  readonly value: Uint8Array;
  readonly at: number;
  /** Announced as `{n+}` (RFC 7888 LITERAL+). */
  readonly nonSync: boolean;
  /** Announced as `~{n}` (RFC 3516 literal8). */
  readonly binary: boolean;
}

/** A parenthesised list. */
export interface ListToken {
  readonly kind: 'list';
  readonly items: readonly Token[];
  readonly at: number;
}

/** One token. */
export type Token = AtomToken | QuotedToken | LiteralToken | ListToken;

/** Default limit on nested lists and sections. */
export const DEFAULT_MAX_DEPTH = 64;

/** Where and how to tokenize. */
export interface TokenizeOptions {
  /** First octet to read; default 0. */
  readonly start?: number;
  /** End of input; default the input's length less one final CRLF or LF. */
  readonly end?: number;
  /** Deepest nesting of lists and sections; default {@link DEFAULT_MAX_DEPTH}. */
  readonly maxDepth?: number;
  /** Stop at a `]` at the top level and report where (for response codes). */
  readonly untilBracket?: boolean;
}

/** Tokens, or a syntax error with the offset it was found at. */
export type TokenizeResult =
  | { readonly ok: true; readonly tokens: Token[]; readonly end: number }
  | { readonly ok: false; readonly message: string; readonly at: number };

const SP = 0x20;
const DQUOTE = 0x22;
const LPAREN = 0x28;
const RPAREN = 0x29;
const PLUS = 0x2b;
const LT = 0x3c;
const GT = 0x3e;
const LBRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const TILDE = 0x7e;
const CR = 0x0d;
const LF = 0x0a;

const SECTION_NAMES = new Set(['BODY', 'BODY.PEEK', 'BINARY', 'BINARY.PEEK', 'BINARY.SIZE']);

/** Literal sizes with more digits than this are refused before conversion. */
const MAX_SIZE_DIGITS = 15;

interface Frame {
  readonly items: Token[];
  readonly close: number;
  readonly at: number;
  /** For a section: where its atom began. */
  readonly atomAt: number;
}

/** The input's length without one final CRLF or LF. */
export function contentEnd(raw: Uint8Array): number {
  const n = raw.length;
  if (n >= 2 && raw[n - 2] === CR && raw[n - 1] === LF) return n - 2;
  if (n >= 1 && raw[n - 1] === LF) return n - 1;
  return n;
}

function show(c: number): string {
  const hex = c.toString(16).padStart(2, '0').toUpperCase();
  if (c === CR || c === LF) return 'line break';
  if (c < SP || c === 0x7f) return `control character 0x${hex}`;
  if (c > 0x7f) return `8-bit octet 0x${hex} (non-ASCII text must be quoted)`;
  return `'${String.fromCharCode(c)}'`;
}

/** Tokenizes `raw[start, end)`; never throws. */
export function tokenize(raw: Uint8Array, options: TokenizeOptions = {}): TokenizeResult {
  const start = options.start ?? 0;
  const end = options.end ?? contentEnd(raw);
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const root: Frame = {
    items: [],
    close: options.untilBracket === true ? RBRACKET : -1,
    at: start,
    atomAt: -1,
  };
  const stack: Frame[] = [root];
  const fail = (message: string, at: number, column = true): TokenizeResult => ({
    ok: false,
    message: column ? `${message} at column ${at + 1}` : message,
    at,
  });
  let pos = start;
  let needSpace = false;
  let lastWasList = false;

  while (pos < end) {
    const c = raw[pos]!;
    const top = stack[stack.length - 1]!;

    if (c === SP) {
      if (!needSpace) {
        const prev = pos > start ? raw[pos - 1]! : -1;
        if (prev === SP) return fail('Extra space', pos);
        if (prev === LPAREN || prev === LBRACKET) return fail(`Unexpected space after ${show(prev)}`, pos);
        return fail('Unexpected space', pos);
      }
      let k = pos;
      while (k < end && raw[k] === SP) k++;
      if (k === end && stack.length === 1 && root.close === -1) break; // TOLERANCE: trailing spaces
      const next = raw[pos + 1]!;
      if (next === RPAREN || (next === RBRACKET && top.close === RBRACKET)) {
        return fail(`Unexpected space before ${show(next)}`, pos);
      }
      needSpace = false;
      lastWasList = false;
      pos++;
      continue;
    }

    if (c === RPAREN || (c === RBRACKET && top.close === RBRACKET)) {
      if (top.close !== c) return fail(`Unexpected ${show(c)}`, pos);
      if (stack.length === 1) return { ok: true, tokens: root.items, end: pos };
      stack.pop();
      const parent = stack[stack.length - 1]!;
      pos++;
      if (c === RPAREN) {
        parent.items.push({ kind: 'list', items: top.items, at: top.at });
        lastWasList = true;
      } else {
        let partial: string | undefined;
        if (pos < end && raw[pos] === LT) {
          let k = pos + 1;
          while (k < end && ((raw[k]! >= 0x30 && raw[k]! <= 0x39) || raw[k] === 0x2e)) k++;
          if (raw[k] !== GT || k >= end) return fail("Missing '>' after partial", k);
          partial = utf8Text(raw, pos + 1, k);
          pos = k + 1;
        }
        const value = utf8Text(raw, top.atomAt, pos);
        parent.items.push(
          partial === undefined
            ? { kind: 'atom', value, at: top.atomAt, section: top.items }
            : { kind: 'atom', value, at: top.atomAt, section: top.items, partial },
        );
        lastWasList = false;
      }
      needSpace = true;
      continue;
    }

    if (needSpace && !(c === LPAREN && lastWasList)) {
      const printable = c > SP && c < 0x7f;
      return fail(printable ? `Missing space before ${show(c)}` : `Unexpected ${show(c)}`, pos);
    }
    lastWasList = false;

    if (c === LPAREN) {
      if (stack.length > maxDepth) return fail(`Lists nested deeper than ${maxDepth} levels`, pos);
      stack.push({ items: [], close: RPAREN, at: pos, atomAt: -1 });
      pos++;
      needSpace = false;
      continue;
    }

    if (c === DQUOTE) {
      const opened = pos;
      // Size the buffer by the quoted string, not by the rest of the input (which may hold big literals).
      let close = pos + 1;
      while (close < end && raw[close] !== DQUOTE && raw[close] !== CR && raw[close] !== LF) {
        close += raw[close] === BACKSLASH ? 2 : 1;
      }
      const buf = new Uint8Array(Math.max(0, Math.min(close, end) - pos));
      let n = 0;
      pos++;
      for (;;) {
        if (pos >= end) return fail(`Unterminated quoted string opened at column ${opened + 1}`, pos, false);
        const q = raw[pos]!;
        if (q === DQUOTE) break;
        if (q === CR || q === LF) {
          return fail(`Unterminated quoted string opened at column ${opened + 1}`, pos, false);
        }
        if (q === 0) return fail('NUL in quoted string', pos);
        if (q === BACKSLASH) {
          const e = raw[pos + 1];
          if (e !== DQUOTE && e !== BACKSLASH) {
            return fail(
              `Invalid escape ${e === undefined || pos + 1 >= end ? "'\\' at end" : `'\\${String.fromCharCode(e)}'`} in quoted string (only \\" and \\\\ are allowed)`,
              pos,
            );
          }
          buf[n++] = e;
          pos += 2;
          continue;
        }
        buf[n++] = q;
        pos++;
      }
      pos++;
      top.items.push({ kind: 'quoted', value: utf8Text(buf, 0, n), at: opened });
      needSpace = true;
      continue;
    }

    if (c === LBRACE || (c === TILDE && raw[pos + 1] === LBRACE && pos + 1 < end)) {
      const at = pos;
      const binary = c === TILDE;
      pos += binary ? 2 : 1;
      const digits = pos;
      while (pos < end && raw[pos]! >= 0x30 && raw[pos]! <= 0x39) pos++;
      if (pos === digits) return fail("Missing literal size after '{'", pos);
      const sizeText = utf8Text(raw, digits, pos);
      const nonSync = raw[pos] === PLUS && pos < end;
      if (nonSync) pos++;
      if (raw[pos] !== RBRACE || pos >= end) return fail("Missing '}' after literal size", pos);
      pos++;
      if (raw[pos] === CR && raw[pos + 1] === LF) pos += 2;
      else if (raw[pos] === LF) pos += 1;
      else return fail('A literal announcement must end its line', pos);
      const size = sizeText.length > MAX_SIZE_DIGITS ? Infinity : Number(sizeText);
      if (pos > end || size > end - pos) {
        return fail(`Literal of ${sizeText} octets is cut short: only ${Math.max(0, end - pos)} follow`, at);
      }
      top.items.push({ kind: 'literal', value: raw.slice(pos, pos + size), at, nonSync, binary });
      pos += size;
      needSpace = true;
      continue;
    }

    // An atom, possibly the start of a BODY[…] name.
    const at = pos;
    const inSection = top.close === RBRACKET;
    let opened = false;
    while (pos < end) {
      const a = raw[pos]!;
      if (a === LBRACKET && pos > at && SECTION_NAMES.has(utf8Text(raw, at, pos).toUpperCase())) {
        if (stack.length > maxDepth) return fail(`Lists nested deeper than ${maxDepth} levels`, pos);
        stack.push({ items: [], close: RBRACKET, at: pos, atomAt: at });
        pos++;
        opened = true;
        break;
      }
      if (
        a <= SP ||
        a >= 0x7f ||
        a === LPAREN ||
        a === RPAREN ||
        a === LBRACE ||
        a === DQUOTE ||
        (a === RBRACKET && inSection)
      ) {
        break;
      }
      pos++;
    }
    if (opened) {
      needSpace = false;
      continue;
    }
    if (pos === at) return fail(`Unexpected ${show(c)}`, pos);
    top.items.push({ kind: 'atom', value: utf8Text(raw, at, pos), at });
    needSpace = true;
  }

  if (stack.length > 1 || root.close !== -1) {
    const top = stack[stack.length - 1]!;
    return fail(`Missing ${top.close === RPAREN ? "')'" : "']'"}`, end);
  }
  return { ok: true, tokens: root.items, end };
}
