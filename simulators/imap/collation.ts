/**
 * The i;unicode-casemap collation (RFC 5051), which SORT and THREAD use for
 * every string they compare: RFC 5256 §1 requires I18NLEVEL=1 collation,
 * and RFC 5255 §4.1 makes i;unicode-casemap its default comparator.
 *
 * RFC 5051 §2: each character is replaced by its simple titlecase mapping,
 * then the string is decomposed (NFKD); two strings compare as the octets
 * of their UTF-8 forms, which is code point order. {@link casemapKey} does
 * the first two steps once per message, {@link compareKeys} the last.
 *
 * SIMPLIFICATION: JavaScript has no titlecase mapping. The uppercase
 * mapping is used where it maps one code point to one (a full mapping such
 * as ß → SS is not a simple mapping, so ß stays ß), and the four
 * Latin digraphs, the only characters whose titlecase and uppercase differ,
 * come from a table.
 */

/** Latin digraphs: every case form → the titlecase form (UnicodeData.txt field 14). */
const DIGRAPH_TITLECASE: ReadonlyMap<string, string> = new Map([
  ['\u01c4', '\u01c5'],
  ['\u01c5', '\u01c5'],
  ['\u01c6', '\u01c5'],
  ['\u01c7', '\u01c8'],
  ['\u01c8', '\u01c8'],
  ['\u01c9', '\u01c8'],
  ['\u01ca', '\u01cb'],
  ['\u01cb', '\u01cb'],
  ['\u01cc', '\u01cb'],
  ['\u01f1', '\u01f2'],
  ['\u01f2', '\u01f2'],
  ['\u01f3', '\u01f2'],
]);

function titlecase(ch: string): string {
  const digraph = DIGRAPH_TITLECASE.get(ch);
  if (digraph !== undefined) return digraph;
  const upper = ch.toUpperCase();
  // A simple mapping maps one code point to one code point.
  return singleCodePoint(upper) ? upper : ch;
}

function singleCodePoint(s: string): boolean {
  const first = s.codePointAt(0);
  return first !== undefined && s.length === (first > 0xffff ? 2 : 1);
}

/** The string as i;unicode-casemap compares it: titlecased, then NFKD. */
export function casemapKey(text: string): string {
  // eslint-disable-next-line no-control-regex -- the ASCII fast path
  if (/^[\x00-\x7f]*$/.test(text)) return text.toUpperCase();
  let out = '';
  for (const ch of text) out += titlecase(ch);
  return out.normalize('NFKD');
}

/** Code point order of two {@link casemapKey} results (the order of their UTF-8 octets). */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order differs from code point order only where a surrogate meets U+E000–U+FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
