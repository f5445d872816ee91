/**
 * Header text for reading: RFC 2047 encoded words (`=?UTF-8?B?…?=`, the way
 * a mail program writes a non-ASCII subject or name) decoded, and raw 8-bit
 * header octets (RFC 6532) read as UTF-8.
 */

/** RFC 2047 §2: `=?charset?encoding?encoded-text?=`; charset may carry an RFC 2231 language (`*en`). */
const ENCODED_WORD = /=\?([^?*\s]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * Decodes the encoded words in an unstructured header value (RFC 2047 §6).
 * Whitespace between two adjacent encoded words is dropped (§6.2); a word in
 * a charset the browser cannot decode, or with broken base64, stays as it is.
 */
export function decodeEncodedWords(value: string): string {
  let out = '';
  let last = 0;
  let previousWasWord = false;
  for (const m of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, m.index);
    const decoded = decodeWord(m[1]!, m[2]!, m[3]!);
    if (!(previousWasWord && decoded !== undefined && /^[ \t\r\n]*$/.test(between))) out += between;
    out += decoded ?? m[0];
    previousWasWord = decoded !== undefined;
    last = m.index + m[0].length;
  }
  return out + value.slice(last);
}

/** One encoded word's text, or undefined when it cannot be decoded. */
function decodeWord(charset: string, encoding: string, text: string): string | undefined {
  const bytes = encoding.toUpperCase() === 'B' ? base64Bytes(text) : qBytes(text);
  if (bytes === undefined) return undefined;
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return undefined;
  }
}

/** RFC 2047 §4.1: base64 as in RFC 2045 §6.8. */
function base64Bytes(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) return undefined;
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** RFC 2047 §4.2: "Q" encoding — `_` is a space, `=XX` an octet in hex. */
function qBytes(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const hex = c === '=' ? text.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(c === '_' ? 0x20 : c.charCodeAt(0) & 0xff);
  }
  return Uint8Array.from(out);
}

/**
 * A header value as the engine reads it (each octet one latin1 character),
 * made readable: octets that form valid UTF-8 are decoded as UTF-8 (RFC 6532
 * allows UTF-8 in headers), then encoded words are decoded.
 */
export function headerText(latin1: string): string {
  let text = latin1;
  if (/[\x80-\xff]/.test(latin1)) {
    try {
      const bytes = Uint8Array.from(latin1, (c) => c.charCodeAt(0) & 0xff);
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // TOLERANCE: not UTF-8; show the octets as latin1, as old mail programs would.
    }
  }
  return decodeEncodedWords(text);
}
