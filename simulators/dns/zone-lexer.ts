/**
 * The tokenizer of RFC 1035 §5.1 master files. It knows where every token
 * stands (line and column) so the zone editor can underline exactly what is
 * wrong, and it groups tokens into entries: one entry per record or
 * directive, where parentheses let an entry span several lines.
 *
 * Theory of operation:
 * - An entry starts at the beginning of a line outside parentheses. If that
 *   line begins with a blank, the owner was omitted and the previous owner
 *   applies (RFC 1035 §5.1).
 * - `;` starts a comment up to the end of the line, except inside quotes.
 * - `(` and `)` are not tokens: inside them, line ends are ignored.
 * - A quoted string is one token; tokens never span lines, so an unclosed
 *   quote ends at the end of its line (with an error) instead of swallowing
 *   the rest of the zone.
 * - Escapes (`\X`, `\DDD`) are kept raw in the token and decoded by
 *   {@link decodeToken}, because a name must know which dots were escaped.
 *
 * Columns are 1-based UTF-16 code units, as the editor (Monaco) counts them;
 * a tab counts as one column.
 */
import type { ZoneDiagnostic } from './zone-file.ts';
import { utf8Bytes } from '../core/bytes.ts';

/** One token of a master file with its position. */
export interface ZoneToken {
  /** The source text of the token, quotes and backslashes included. */
  readonly raw: string;
  /** True for a `"…"` character-string. */
  readonly quoted: boolean;
  /** The text between the quotes (or the whole token when unquoted), still escaped. */
  readonly body: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column of the first character. */
  readonly column: number;
  /** 1-based column just after the last character (exclusive, as in Monaco ranges). */
  readonly endColumn: number;
}

/** The tokens of one record or directive. */
export interface ZoneEntry {
  readonly tokens: readonly ZoneToken[];
  /** The entry's first line began with a blank: the owner is the previous record's (RFC 1035 §5.1). */
  readonly ownerOmitted: boolean;
  /** The tokenizer reported an error inside this entry (a stray `)`, an unclosed quote). */
  readonly broken: boolean;
  /** The 1-based lines it spans: where it starts, and where its last token or `)` is. */
  readonly firstLine: number;
  readonly lastLine: number;
}

/** What the tokenizer found: the entries, and the diagnostics for broken quotes and parentheses. */
export interface LexedZone {
  readonly entries: readonly ZoneEntry[];
  readonly diagnostics: readonly ZoneDiagnostic[];
}

const BLANK = new Set([' ', '\t', '\r']);
// RFC 1035 §5.1: these end an unquoted token unless escaped.
const DELIMITERS = new Set([' ', '\t', '\r', ';', '(', ')', '"']);

/**
 * Splits a master file into entries of positioned tokens. Never throws.
 *
 * Recovery: a `(` never closed would swallow the rest of the file, so at the
 * end of input the tokenizer reports it at the `(` and starts again on the
 * line after it, and one slip does not hide every later record.
 */
export function lexZone(text: string): LexedZone {
  // TOLERANCE: editors on Windows may save a byte-order mark; it is not part of the first owner name.
  const lines = (text.startsWith('\ufeff') ? text.slice(1) : text).split('\n');
  const entries: ZoneEntry[] = [];
  const diagnostics: ZoneDiagnostic[] = [];
  let tokens: ZoneToken[] = [];
  let ownerOmitted = false;
  let broken = false;
  let firstLine = 1;
  let depth = 0;
  let open: { lineIndex: number; column: number; diagnosticCount: number } | undefined;

  for (let li = 0; li < lines.length;) {
    const src = lines[li]!;
    const line = li + 1;
    if (depth === 0) {
      tokens = [];
      ownerOmitted = src[0] === ' ' || src[0] === '\t';
      broken = false;
      firstLine = line;
    }
    let i = 0;
    while (i < src.length) {
      const c = src[i]!;
      if (BLANK.has(c)) {
        i++;
      } else if (c === ';') {
        break;
      } else if (c === '(') {
        if (depth === 0) open = { lineIndex: li, column: i + 1, diagnosticCount: diagnostics.length };
        depth++;
        i++;
      } else if (c === ')') {
        if (depth === 0) {
          broken = true;
          diagnostics.push(
            diagnostic(line, i + 1, i + 2, 'unbalanced-paren', "this ')' closes no '('", 'error'),
          );
        } else {
          depth--;
        }
        i++;
      } else if (c === '"') {
        let j = i + 1;
        let closed = false;
        while (j < src.length) {
          if (src[j] === '\\') j += 2;
          else if (src[j] === '"') {
            closed = true;
            j++;
            break;
          } else j++;
        }
        j = Math.min(j, src.length);
        if (!closed) {
          broken = true;
          diagnostics.push(
            diagnostic(
              line,
              i + 1,
              j + 1,
              'unterminated-quote',
              'this quoted string has no closing quote on its line',
              'error',
            ),
          );
        }
        const raw = src.slice(i, j);
        tokens.push({
          raw,
          quoted: true,
          body: raw.slice(1, closed ? -1 : undefined),
          line,
          column: i + 1,
          endColumn: j + 1,
        });
        i = j;
      } else {
        let j = i;
        while (j < src.length && !DELIMITERS.has(src[j]!)) j += src[j] === '\\' ? 2 : 1;
        j = Math.min(j, src.length);
        const raw = src.slice(i, j);
        tokens.push({ raw, quoted: false, body: raw, line, column: i + 1, endColumn: j + 1 });
        i = j;
      }
    }
    li++;
    if (depth === 0) {
      if (tokens.length > 0) entries.push({ tokens, ownerOmitted, broken, firstLine, lastLine: line });
    } else if (li === lines.length && open !== undefined) {
      // Forget what was read after the '(' and resume on the next line (see above).
      diagnostics.length = open.diagnosticCount;
      diagnostics.push(
        diagnostic(
          open.lineIndex + 1,
          open.column,
          open.column + 1,
          'unbalanced-paren',
          "this '(' is never closed, so the record it starts was skipped",
          'error',
        ),
      );
      li = open.lineIndex + 1;
      depth = 0;
      open = undefined;
    }
  }
  return { entries, diagnostics };
}

/** One octet of a decoded token, with whether it was written as an escape. */
export interface DecodedOctet {
  readonly value: number;
  /** `\.` is a dot inside a label, not a label separator (RFC 1035 §5.1). */
  readonly escaped: boolean;
}

/**
 * Decodes a token's escapes into octets (RFC 1035 §5.1): `\DDD` is the
 * octet with that decimal value, `\X` is X itself. Other characters become
 * their UTF-8 octets. Returns a diagnostic pointing at a bad escape instead.
 */
export function decodeToken(token: ZoneToken): DecodedOctet[] | ZoneDiagnostic {
  const out: DecodedOctet[] = [];
  const body = token.body;
  const start = token.column + (token.quoted ? 1 : 0);
  const push = (cp: number, escaped: boolean): void => {
    if (cp < 0x80) out.push({ value: cp, escaped });
    else for (const b of utf8Bytes(String.fromCodePoint(cp))) out.push({ value: b, escaped });
  };
  for (let k = 0; k < body.length;) {
    const cp = body.codePointAt(k)!;
    if (cp !== 0x5c /* \ */) {
      push(cp, false);
      k += cp > 0xffff ? 2 : 1;
      continue;
    }
    const next = body.codePointAt(k + 1);
    if (next === undefined) {
      return diagnostic(
        token.line,
        start + k,
        start + k + 1,
        'bad-escape',
        'a backslash here escapes nothing',
      );
    }
    if (next >= 0x30 && next <= 0x39) {
      const digits = body.slice(k + 1, k + 4);
      const value = Number(digits);
      if (!/^[0-9]{3}$/.test(digits) || value > 255) {
        return diagnostic(
          token.line,
          start + k,
          start + k + 1 + digits.replace(/[^0-9].*$/, '').length,
          'bad-escape',
          `'\\${digits}' is not an escape: \\DDD needs exactly three digits for an octet 000–255 (RFC 1035 §5.1)`,
        );
      }
      out.push({ value, escaped: true });
      k += 4;
    } else {
      push(next, true);
      k += next > 0xffff ? 3 : 2;
    }
  }
  return out;
}

/** Builds a diagnostic on one line. */
export function diagnostic(
  line: number,
  column: number,
  endColumn: number,
  code: string,
  message: string,
  severity: 'error' | 'warning' = 'error',
): ZoneDiagnostic {
  return { severity, line, column, endColumn, code, message };
}
