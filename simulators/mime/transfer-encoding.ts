/**
 * Content-Transfer-Encoding decoders (RFC 2045 §6): what IMAP BINARY[]
 * (RFC 3516) returns and what the inspector shows. Both work on byte ranges
 * of the raw message, so a 10 MB attachment is never turned into a string.
 *
 * TOLERANCE: both decoders accept bad input, as mail readers must (RFC 2045
 * §6.8: "any characters outside of the base64 alphabet are to be ignored";
 * §6.7 note 1 suggests leaving malformed `=` sequences as they are).
 */

const B64 = new Int8Array(256).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  .split('')
  .forEach((c, i) => (B64[c.charCodeAt(0)] = i));

/**
 * Base64 body decoding (RFC 2045 §6.8). Characters outside the alphabet
 * (line breaks, transport padding, garbage) are skipped; decoding stops at
 * the first `=`; a trailing partial quantum yields its complete octets.
 */
export function decodeBase64(bytes: Uint8Array, start = 0, end = bytes.length): Uint8Array {
  const out = new Uint8Array(Math.floor(((end - start) * 3) / 4) + 3);
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === 0x3d) break;
    const v = B64[c]!;
    if (v < 0) continue;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.slice(0, o);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  // TOLERANCE: lower-case hex, which RFC 2045 §6.7 forbids but encoders emit.
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

const isBlank = (c: number | undefined) => c === 0x20 || c === 0x09;

/**
 * Quoted-printable body decoding (RFC 2045 §6.7): trailing white space on a
 * line is dropped (rule 3), a line ending in `=` is a soft line break (rule
 * 5, white space after the `=` tolerated), `=XX` becomes one octet, and line
 * ends are copied as they are (CRLF stays CRLF). Malformed `=` sequences are
 * kept literally.
 */
export function decodeQuotedPrintable(bytes: Uint8Array, start = 0, end = bytes.length): Uint8Array {
  const out = new Uint8Array(end - start);
  let o = 0;
  let pos = start;
  while (pos < end) {
    let lf = bytes.indexOf(0x0a, pos);
    if (lf === -1 || lf >= end) lf = end;
    let contentEnd = lf < end && lf > pos && bytes[lf - 1] === 0x0d ? lf - 1 : lf;
    while (contentEnd > pos && isBlank(bytes[contentEnd - 1])) contentEnd--;
    let soft = false;
    for (let i = pos; i < contentEnd; i++) {
      const c = bytes[i]!;
      if (c !== 0x3d) {
        out[o++] = c;
        continue;
      }
      if (i === contentEnd - 1) {
        soft = true;
        break;
      }
      const hi = hexValue(bytes[i + 1]!);
      const lo = i + 2 < contentEnd ? hexValue(bytes[i + 2]!) : -1;
      if (hi >= 0 && lo >= 0) {
        out[o++] = (hi << 4) | lo;
        i += 2;
      } else out[o++] = c;
    }
    if (!soft && lf < end) {
      // Copy the line end exactly (CRLF or a bare LF).
      for (let i = contentEnd; i <= lf; i++) {
        const c = bytes[i]!;
        if (c === 0x0d || c === 0x0a) out[o++] = c;
      }
    }
    pos = lf + 1;
  }
  return out.slice(0, o);
}

/**
 * Quoted-printable as RFC 2047 §4.2 "Q" uses it in encoded words: `_` is
 * space, `=XX` an octet; there are no lines. Malformed `=` kept literally.
 */
export function decodeQEncoding(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5f) out[o++] = 0x20;
    else if (c === 0x3d && i + 2 < text.length) {
      const hi = hexValue(text.charCodeAt(i + 1));
      const lo = hexValue(text.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        out[o++] = (hi << 4) | lo;
        i += 2;
      } else out[o++] = c;
    } else out[o++] = c & 0xff;
  }
  return out.slice(0, o);
}

/** A Content-Transfer-Encoding the decoders understand (RFC 2045 §6.1). */
export type KnownTransferEncoding = '7bit' | '8bit' | 'binary' | 'base64' | 'quoted-printable';

/** Lower-cases a mechanism name and says whether it is one RFC 2045 defines. */
export function knownTransferEncoding(name: string): KnownTransferEncoding | undefined {
  const lower = name.toLowerCase();
  return lower === '7bit' ||
    lower === '8bit' ||
    lower === 'binary' ||
    lower === 'base64' ||
    lower === 'quoted-printable'
    ? lower
    : undefined;
}

/**
 * Undoes a transfer encoding over `bytes[start, end)`. Identity encodings
 * return a view (no copy). Returns undefined for an unknown mechanism, which
 * IMAP BINARY reports as `[UNKNOWN-CTE]` (RFC 3516 §4.3).
 */
export function decodeTransferEncoding(
  bytes: Uint8Array,
  encoding: string,
  start = 0,
  end = bytes.length,
): Uint8Array | undefined {
  switch (knownTransferEncoding(encoding)) {
    case 'base64':
      return decodeBase64(bytes, start, end);
    case 'quoted-printable':
      return decodeQuotedPrintable(bytes, start, end);
    case undefined:
      return undefined;
    default:
      return bytes.subarray(start, end);
  }
}
