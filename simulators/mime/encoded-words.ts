/**
 * Header text for display: RFC 2047 encoded words, RFC 2231 extended
 * parameter values and raw 8-bit header octets (RFC 6532). Input strings are
 * header octets as latin1 (one character per octet, as `header-section.ts`
 * gives them); output is Unicode text. Nothing here throws.
 */
import { latin1Bytes } from '../core/bytes.ts';
import { decodeCharset } from './charsets.ts';
import { decodeQEncoding } from './transfer-encoding.ts';

// RFC 2047 §2: encoded-word = "=?" charset "?" encoding "?" encoded-text "?="
// (charset may carry an RFC 2231 §5 "*language" suffix). encoded-text has no
// "?" or white space.
const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

const B64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

/** Base64 as RFC 2047 §4.1 "B" uses it; undefined when malformed (the word is then left as is). */
function decodeBEncoding(text: string): Uint8Array | undefined {
  if (!B64_TEXT.test(text)) return undefined;
  const body = text.replace(/=+$/, '');
  // TOLERANCE: missing padding is accepted; a lone sextet cannot be an octet.
  if (body.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const v = c >= 97 ? c - 71 : c >= 65 ? c - 65 : c >= 48 ? c + 4 : c === 43 ? 62 : 63;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.slice(0, o);
}

/** Raw header octets (latin1 string) → text: UTF-8 when valid, else windows-1252 (RFC 6532 §3). */
export function decodeRawHeaderText(octets: string): string {
  // eslint-disable-next-line no-control-regex -- checking for 8-bit octets
  if (!/[^\x00-\x7f]/.test(octets)) return octets;
  return decodeCharset(latin1Bytes(octets), undefined).text;
}

/**
 * Decodes the encoded words in unstructured header text (RFC 2047 §6.2).
 * White space between two adjacent encoded words is dropped, and adjacent
 * words in the same charset are joined as octets before charset decoding,
 * so a UTF-8 sequence split across words survives. Words that do not decode
 * are left as they are.
 *
 * TOLERANCE: encoded words are recognised even when glued to other text or
 * inside quoted strings, which RFC 2047 §5 forbids but real mail contains.
 */
export function decodeEncodedWords(octets: string): string {
  // Most header values have no encoded word; SEARCH asks this of every message's fields.
  if (!octets.includes('=?')) return decodeRawHeaderText(octets);
  let out = '';
  let pendingCharset: string | undefined;
  let pending: Uint8Array[] = [];
  let last = 0;
  let previousWasWord = false;
  const flush = () => {
    if (pendingCharset === undefined) return;
    let total = 0;
    for (const p of pending) total += p.length;
    const joined = new Uint8Array(total);
    let at = 0;
    for (const p of pending) {
      joined.set(p, at);
      at += p.length;
    }
    out += decodeCharset(joined, pendingCharset).text;
    pendingCharset = undefined;
    pending = [];
  };
  for (const m of octets.matchAll(ENCODED_WORD)) {
    const [word, charset = '', encoding = '', text = ''] = m;
    const between = octets.slice(last, m.index);
    const decoded = encoding.toUpperCase() === 'B' ? decodeBEncoding(text) : decodeQEncoding(text);
    if (decoded === undefined) {
      flush();
      out += decodeRawHeaderText(between) + word;
      previousWasWord = false;
    } else {
      const adjacent = previousWasWord && /^[ \t\r\n]*$/.test(between);
      if (!adjacent) {
        flush();
        out += decodeRawHeaderText(between);
      }
      if (pendingCharset !== undefined && pendingCharset.toLowerCase() !== charset.toLowerCase()) flush();
      pendingCharset = charset;
      pending.push(decoded);
      previousWasWord = true;
    }
    last = m.index + word.length;
  }
  flush();
  return out + decodeRawHeaderText(octets.slice(last));
}

/**
 * Decodes an RFC 2231 §4 extended value `charset'language'percent-encoded`
 * (as merged by `header-values.ts`). A value without the two quotes is
 * treated as percent-encoded text in an unknown charset.
 */
export function decodeRfc2231Value(value: string): string {
  const first = value.indexOf("'");
  const second = first === -1 ? -1 : value.indexOf("'", first + 1);
  const charset = second === -1 ? undefined : value.slice(0, first);
  const encoded = second === -1 ? value : value.slice(second + 1);
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded.charCodeAt(i);
    if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(encoded.slice(i + 1, i + 3))) {
      bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c & 0xff);
  }
  return decodeCharset(Uint8Array.from(bytes), charset === '' ? undefined : charset).text;
}
