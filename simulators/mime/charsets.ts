/**
 * Character-set decoding for display (RFC 2045 §5.1 `charset`, RFC 2047
 * encoded words, RFC 2231 parameter values). The engine has no TextDecoder,
 * so the few charsets mail actually uses are decoded here.
 *
 * Labels follow the WHATWG Encoding Standard, as browsers and mail clients
 * do: `us-ascii`, `iso-8859-1` and `latin1` all mean windows-1252 (a superset
 * whose only difference is printable characters in 0x80–0x9F).
 *
 * SIMPLIFICATION: only UTF-8, US-ASCII, ISO-8859-1, Windows-1252 and
 * ISO-8859-15 are decoded. Every other label (ISO-2022-JP, KOI8-R, GB2312,
 * UTF-16, …) falls back to UTF-8 when the octets are valid UTF-8 and to
 * windows-1252 otherwise, and the result says `fallback: true` so the
 * inspector can show that it guessed.
 */
import { utf8Text } from '../core/bytes.ts';

/** A charset the engine decodes itself. */
export type KnownCharset = 'utf-8' | 'windows-1252' | 'iso-8859-15';

/** Decoded text and how it was obtained. */
export interface CharsetDecoding {
  readonly text: string;
  /** The charset actually used. */
  readonly charset: KnownCharset;
  /** True when the label was unknown (or missing) and the charset was guessed. */
  readonly fallback: boolean;
}

const LABELS: ReadonlyMap<string, KnownCharset> = new Map([
  ['utf-8', 'utf-8'],
  ['utf8', 'utf-8'],
  ['unicode-1-1-utf-8', 'utf-8'],
  ['us-ascii', 'windows-1252'],
  ['ascii', 'windows-1252'],
  ['ansi_x3.4-1968', 'windows-1252'],
  ['iso-8859-1', 'windows-1252'],
  ['iso8859-1', 'windows-1252'],
  ['iso_8859-1', 'windows-1252'],
  ['latin1', 'windows-1252'],
  ['l1', 'windows-1252'],
  ['cp819', 'windows-1252'],
  ['windows-1252', 'windows-1252'],
  ['cp1252', 'windows-1252'],
  ['x-cp1252', 'windows-1252'],
  ['iso-8859-15', 'iso-8859-15'],
  ['iso8859-15', 'iso-8859-15'],
  ['iso_8859-15', 'iso-8859-15'],
  ['latin-9', 'iso-8859-15'],
]);

/**
 * The charset a label names, or undefined when the engine does not know it.
 * RFC 2231 §5 language suffixes (`utf-8*en`) and surrounding space are ignored.
 */
export function knownCharset(label: string): KnownCharset | undefined {
  const star = label.indexOf('*');
  const bare = (star === -1 ? label : label.slice(0, star)).trim().toLowerCase();
  return LABELS.get(bare);
}

// Windows-1252 0x80–0x9F (WHATWG index); undefined slots map to the C1 control.
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
];
// ISO-8859-15 differs from ISO-8859-1 in eight positions.
const LATIN9: ReadonlyMap<number, number> = new Map([
  [0xa4, 0x20ac],
  [0xa6, 0x160],
  [0xa8, 0x161],
  [0xb4, 0x17d],
  [0xb8, 0x17e],
  [0xbc, 0x152],
  [0xbd, 0x153],
  [0xbe, 0x178],
]);

function singleByte(bytes: Uint8Array, start: number, end: number, latin9: boolean): string {
  const codes: number[] = [];
  let out = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    codes.push(b >= 0x80 && b < 0xa0 && !latin9 ? CP1252_HIGH[b - 0x80]! : latin9 ? (LATIN9.get(b) ?? b) : b);
    if (codes.length === 0x2000) {
      out += String.fromCharCode(...codes);
      codes.length = 0;
    }
  }
  return out + String.fromCharCode(...codes);
}

/** True when the octets are well-formed UTF-8 (RFC 3629), overlongs and surrogates excluded. */
export function isValidUtf8(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return false;
    if (i + need >= end) return false;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]!;
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return false;
    }
    i += need + 1;
  }
  return true;
}

/** Decodes octets in a known charset. */
export function decodeKnown(bytes: Uint8Array, charset: KnownCharset, start = 0, end = bytes.length): string {
  if (charset === 'utf-8') return utf8Text(bytes, start, end);
  return singleByte(bytes, start, end, charset === 'iso-8859-15');
}

/**
 * Decodes octets labelled with `label` (undefined: no label, as for raw
 * 8-bit header text, RFC 6532). Unknown labels fall back as described above.
 */
export function decodeCharset(
  bytes: Uint8Array,
  label: string | undefined,
  start = 0,
  end = bytes.length,
): CharsetDecoding {
  const known = label === undefined ? undefined : knownCharset(label);
  if (known) return { text: decodeKnown(bytes, known, start, end), charset: known, fallback: false };
  const guess: KnownCharset = isValidUtf8(bytes, start, end) ? 'utf-8' : 'windows-1252';
  return { text: decodeKnown(bytes, guess, start, end), charset: guess, fallback: true };
}
