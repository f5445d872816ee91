/**
 * From a place in a TXT record's text to a place in the zone file. SPF,
 * DKIM and DMARC read a TXT record as its character-strings joined without
 * separator (RFC 7208 §3.3, RFC 6376 §3.6.2.2), and their parsers report
 * positions in that joined text; the editor needs the line and columns where
 * those characters were written, inside which quoted string, past which
 * escapes.
 *
 * TOLERANCE: a `\DDD` escape is one character of the joined text only when
 * it encodes ASCII; when escapes spell a multi-byte UTF-8 character, the
 * string's decoded length differs from its source, and every position in
 * that string falls back to the whole string.
 */
import type { LocatedRecord, Span } from './zone-lint.ts';
import type { ZoneToken } from './zone-lexer.ts';

/** A place in a zone, possibly empty (`column === endColumn`: an insertion point). */
export type TxtSpan = Span;

/** For one string token: the column of each UTF-16 unit of its decoded text, and where its text ends. */
interface StringColumns {
  readonly token: ZoneToken;
  /** Column of each character of the decoded text; `undefined` when the source could not be followed. */
  readonly columns: readonly number[] | undefined;
  /** Width in the source of each character (4 for `\DDD`, 2 for `\X`, else 1). */
  readonly widths: readonly number[];
  /** Column just after the text (before a closing quote). */
  readonly textEnd: number;
  /** Length of the string in the joined text. */
  readonly length: number;
}

function columnsOf(token: ZoneToken, decoded: string): StringColumns {
  const start = token.column + (token.quoted ? 1 : 0);
  const body = token.body;
  const columns: number[] = [];
  const widths: number[] = [];
  for (let k = 0; k < body.length;) {
    if (body[k] === '\\' && /^[0-9]{3}$/.test(body.slice(k + 1, k + 4))) {
      columns.push(start + k);
      widths.push(4);
      k += 4;
    } else if (body[k] === '\\' && k + 1 < body.length) {
      columns.push(start + k);
      widths.push(2);
      k += 2;
    } else {
      columns.push(start + k);
      widths.push(1);
      k += 1;
    }
  }
  const textEnd = start + body.length;
  const followed = columns.length === decoded.length;
  return { token, columns: followed ? columns : undefined, widths, textEnd, length: decoded.length };
}

/**
 * The zone place of characters `[start, end)` of a TXT record's joined text.
 * A range that runs on into the next string (on the same or another line)
 * is cut at the end of the string it starts in, since a diagnostic covers
 * one line. An empty range gives an insertion point.
 */
export function txtSpan(record: LocatedRecord, start: number, end: number): TxtSpan {
  const texts = record.rr.type === 'TXT' ? record.rr.strings : [];
  const strings = (record.strings ?? []).map((t, i) => columnsOf(t, texts[i] ?? ''));
  if (strings.length === 0) return record.data;
  const total = strings.reduce((n, s) => n + s.length, 0);
  const from = Math.max(0, Math.min(start, total));
  const to = Math.max(from, Math.min(end, total));
  // The string holding `from`; a position at a boundary belongs to the later string, except at the very end.
  let index = 0;
  let offset = 0;
  while (index < strings.length - 1 && from >= offset + strings[index]!.length) {
    offset += strings[index]!.length;
    index++;
  }
  const s = strings[index]!;
  const line = s.token.line;
  if (s.columns === undefined) {
    return { line, column: s.token.column, endColumn: s.token.endColumn };
  }
  const at = from - offset;
  const column = at < s.length ? s.columns[at]! : s.textEnd;
  if (to === from) return { line, column, endColumn: column };
  const last = Math.min(to - offset, s.length) - 1;
  const endColumn = last < at ? column : s.columns[last]! + s.widths[last]!;
  return { line, column, endColumn };
}

/** The joined text of a located TXT record (RFC 7208 §3.3). */
export function txtText(record: LocatedRecord): string {
  return record.rr.type === 'TXT' ? record.rr.strings.join('') : '';
}
