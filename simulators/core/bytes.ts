/**
 * Bytes and text. The engine has no TextEncoder (it is a DOM/Node global, and
 * simulators/ compiles without either), so the conversions it needs live here.
 * Protocol text is ASCII or UTF-8; message bodies may hold any octet.
 */

/** Bytes of a string whose characters are all below U+0100 (ASCII and Latin-1, one octet each). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** One character per octet; lossless for any bytes, which is what protocol parsers want. */
export function bytesToLatin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end - start <= SHORT_TEXT) {
    let out = '';
    for (let i = start; i < end; i++) out += String.fromCharCode(bytes[i]!);
    return out;
  }
  // ASCII reads the same in Latin-1 and UTF-8, and the platform decodes it natively.
  if (decoder && isAscii(bytes, start, end)) return decoder.decode(bytes.subarray(start, end));
  let out = '';
  const CHUNK = 0x2000;
  for (let i = start; i < end; i += CHUNK) {
    out += String.fromCharCode.apply(
      null,
      bytes.subarray(i, Math.min(end, i + CHUNK)) as unknown as number[],
    );
  }
  return out;
}

/**
 * The platform's encoder when there is one (Node and every browser have it):
 * it is native and several times faster on the long runs an IMAP FETCH writes.
 * The engine's lib has no DOM types, so it is looked up, not named; the
 * hand-written loop below stays as the fallback and as its test oracle.
 */
const nativeEncoder = (globalThis as { TextEncoder?: new () => { encode(text: string): Uint8Array } })
  .TextEncoder;
const encoder = nativeEncoder ? new nativeEncoder() : undefined;
/** Likewise the decoder; `ignoreBOM` keeps a leading U+FEFF as text, as {@link utf8TextPortable} does. */
const nativeDecoder = (
  globalThis as {
    TextDecoder?: new (
      label: string,
      options: { ignoreBOM: boolean },
    ) => { decode(bytes: Uint8Array): string };
  }
).TextDecoder;
const decoder = nativeDecoder ? new nativeDecoder('utf-8', { ignoreBOM: true }) : undefined;

/** Up to this length a plain loop beats a call into the platform (protocol lines, replies). */
const SHORT_TEXT = 64;

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

/** UTF-8 encoding (RFC 3629); lone surrogates become U+FFFD. */
export function utf8Bytes(text: string): Uint8Array {
  if (text.length <= SHORT_TEXT || !encoder) {
    // Short ASCII text is most of what protocols write: one octet per unit.
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (unit >= 0x80) return encoder ? encoder.encode(text) : utf8BytesPortable(text);
      out[i] = unit;
    }
    return out;
  }
  return encoder.encode(text);
}

/** {@link utf8Bytes} without the platform: the same octets, in plain JavaScript. */
export function utf8BytesPortable(text: string): Uint8Array {
  // At most three octets per UTF-16 unit (a surrogate pair's four octets cover two units).
  const out = new Uint8Array(text.length * 3);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp < 0x80) {
      out[o++] = cp;
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      } else cp = 0xfffd;
    } else if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x800) {
      out[o++] = 0xc0 | (cp >> 6);
      out[o++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      out[o++] = 0xe0 | (cp >> 12);
      out[o++] = 0x80 | ((cp >> 6) & 0x3f);
      out[o++] = 0x80 | (cp & 0x3f);
    } else {
      out[o++] = 0xf0 | (cp >> 18);
      out[o++] = 0x80 | ((cp >> 12) & 0x3f);
      out[o++] = 0x80 | ((cp >> 6) & 0x3f);
      out[o++] = 0x80 | (cp & 0x3f);
    }
  }
  return out.slice(0, o);
}

/**
 * UTF-8 decoding with the WHATWG Encoding Standard's error handling: each
 * maximal invalid subpart becomes one U+FFFD, exactly as TextDecoder does
 * (the platform's, when there is one).
 */
export function utf8Text(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end - start <= SHORT_TEXT && isAscii(bytes, start, end)) return bytesToLatin1(bytes, start, end);
  if (decoder)
    return decoder.decode(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end));
  return utf8TextPortable(bytes, start, end);
}

/** {@link utf8Text} without the platform: the same text, in plain JavaScript. */
export function utf8TextPortable(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  let needed = 0;
  let seen = 0;
  let cp = 0;
  let lower = 0x80;
  let upper = 0xbf;
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (needed === 0) {
      if (b < 0x80) {
        // Fast path for ASCII runs, the common case in protocol text.
        let j = i + 1;
        while (j < end && bytes[j]! < 0x80) j++;
        out += bytesToLatin1(bytes, i, j);
        i = j;
        continue;
      }
      if (b >= 0xc2 && b <= 0xdf) {
        needed = 1;
        cp = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
        needed = 2;
        cp = b & 0x0f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
        needed = 3;
        cp = b & 0x07;
      } else out += '\ufffd';
      i++;
      continue;
    }
    if (b < lower || b > upper) {
      // The sequence so far is one error; the byte itself is looked at again.
      needed = seen = cp = 0;
      lower = 0x80;
      upper = 0xbf;
      out += '\ufffd';
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    cp = (cp << 6) | (b & 0x3f);
    i++;
    if (++seen === needed) {
      out += String.fromCodePoint(cp);
      needed = seen = cp = 0;
    }
  }
  if (needed !== 0) out += '\ufffd';
  return out;
}

/** Concatenates byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Index of `needle` in `haystack` at or after `from`, or -1. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  if (needle.length === 0) return from;
  const first: number = needle[0]!;
  const last = haystack.length - needle.length;
  outer: for (
    let i = haystack.indexOf(first, from);
    i !== -1 && i <= last;
    i = haystack.indexOf(first, i + 1)
  ) {
    for (let k = 1; k < needle.length; k++) if (haystack[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 (RFC 4648 §4) with padding. */
export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '=';
  }
  return out;
}

const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** The 6-bit value of the base64 character at `at`; 0 for padding, -1 outside the alphabet. */
function sextet(s: string, at: number, pad: number): number {
  const c = s.charCodeAt(at);
  if (c === 61 /* = */ && at >= s.length - pad) return 0;
  return c < 128 ? B64_INDEX[c]! : -1;
}

/**
 * Strict base64 decoding: returns undefined for characters outside the
 * alphabet, bad padding or a length that is not a multiple of four, because
 * protocols (SASL, RFC 4954 §4) must reject such input rather than guess.
 * With `lenient`, whitespace is skipped (as in MIME bodies and DKIM tags).
 */
export function base64Decode(text: string, lenient = false): Uint8Array | undefined {
  const s = lenient ? text.replace(/[\s]/g, '') : text;
  if (s.length % 4 !== 0) return undefined;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const a = sextet(s, i, pad);
    const b = sextet(s, i + 1, pad);
    const c = sextet(s, i + 2, pad);
    const d = sextet(s, i + 3, pad);
    if ((a | b | c | d) < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    if (o < out.length) out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  return out;
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
