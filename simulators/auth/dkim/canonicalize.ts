/**
 * Canonicalization (RFC 6376 §3.4) on exact octets, header field selection
 * (§5.4.2) and the data hashed for a signature (§3.7). Header text is handled
 * as latin1 strings, which map octets one to one, so nothing is re-encoded.
 */
import { bytesToLatin1, latin1Bytes, utf8Text } from '../../core/bytes.ts';
import type { HeaderField } from '../../mime/header-section.ts';
import type { Canonicalization } from './signature.ts';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const TAB = 0x09;

/**
 * Canonicalizes one header field given as its raw octets (latin1), folding
 * and final CRLF included. The result ends in CRLF when the input did.
 *
 * - simple (§3.4.1): unchanged.
 * - relaxed (§3.4.2): name lower-cased; unfolded; WSP runs → one SP; WSP at
 *   the end of the value and around the colon deleted; CRLF appended.
 */
export function canonicalizeHeaderField(raw: string, canon: Canonicalization): string {
  if (canon === 'simple') return raw;
  const colon = raw.indexOf(':');
  if (colon === -1) return raw; // never produced by readHeaderSection
  const name = raw
    .slice(0, colon)
    .replace(/[ \t]+$/, '')
    .replace(/[A-Z]+/g, (m) => m.toLowerCase());
  const value = raw
    .slice(colon + 1)
    .replace(/\r?\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
  return `${name}:${value}\r\n`;
}

/**
 * Canonicalizes a body (§3.4.3 simple, §3.4.4 relaxed).
 *
 * - simple: trailing empty lines removed, then one CRLF ensured (so an empty
 *   body becomes CRLF).
 * - relaxed: WSP runs in a line → one SP; WSP at line ends removed; trailing
 *   empty lines removed; a non-empty body ends with CRLF; an empty body stays
 *   empty (RFC 4871 erratum 1384).
 */
export function canonicalizeBody(body: Uint8Array, canon: Canonicalization): Uint8Array {
  if (canon === 'simple') {
    let end = body.length;
    while (end >= 2 && body[end - 2] === CR && body[end - 1] === LF) end -= 2;
    const out = new Uint8Array(end + 2);
    out.set(body.subarray(0, end));
    out[end] = CR;
    out[end + 1] = LF;
    return out;
  }
  const out = new Uint8Array(body.length + 2);
  let o = 0;
  let pendingLines = 0;
  let wsp = false;
  const n = body.length;
  for (let i = 0; i < n; i++) {
    const c = body[i]!;
    if (c === CR && body[i + 1] === LF) {
      wsp = false;
      pendingLines++;
      i++;
      continue;
    }
    if (c === SP || c === TAB) {
      wsp = true;
      continue;
    }
    for (; pendingLines > 0; pendingLines--) {
      out[o++] = CR;
      out[o++] = LF;
    }
    if (wsp) {
      out[o++] = SP;
      wsp = false;
    }
    out[o++] = c;
  }
  if (o > 0) {
    out[o++] = CR;
    out[o++] = LF;
  }
  return out.slice(0, o);
}

/** Applies an `l=` body length limit (§3.5) to a canonicalized body. */
export function limitBody(canonical: Uint8Array, bodyLength: number | undefined): Uint8Array {
  return bodyLength === undefined || bodyLength >= canonical.length
    ? canonical
    : canonical.subarray(0, bodyLength);
}

/**
 * Picks the header fields named in `h=` (§5.4.2): for each name, the last
 * instance not yet used, working upwards; a name with no instance left (over-
 * signing) selects nothing and contributes the null string. `exclude` is the
 * field being verified, which never selects itself.
 */
export function selectHeaderFields(
  fields: readonly HeaderField[],
  names: readonly string[],
  exclude?: HeaderField,
): (HeaderField | undefined)[] {
  const used = new Set<number>();
  return names.map((name) => {
    const lower = name.toLowerCase();
    for (let i = fields.length - 1; i >= 0; i--) {
      const field = fields[i]!;
      if (field === exclude || used.has(i) || field.name.toLowerCase() !== lower) continue;
      used.add(i);
      return field;
    }
    return undefined;
  });
}

/**
 * Deletes the value of the `b=` tag, with all whitespace around it, from a
 * raw DKIM-Signature field (§3.7); everything else, folding included, stays.
 */
export function stripSignatureValue(raw: string): string {
  const colon = raw.indexOf(':');
  let pos = colon + 1;
  while (pos <= raw.length) {
    let semi = raw.indexOf(';', pos);
    if (semi === -1) semi = raw.length;
    const eq = raw.indexOf('=', pos);
    if (eq !== -1 && eq < semi && raw.slice(pos, eq).replace(/[ \t\r\n]+/g, '') === 'b') {
      let end = semi;
      // The field's own line end is not part of the tag value.
      const tail = /\r?\n$/.exec(raw.slice(eq + 1, end));
      if (semi === raw.length && tail) end -= tail[0].length;
      return raw.slice(0, eq + 1) + raw.slice(end);
    }
    pos = semi + 1;
  }
  return raw;
}

/** The header data hashed for a signature (§3.7), as latin1 text: selected fields, then the signature field without `b=` value or CRLF. */
export function headerHashText(
  message: Uint8Array,
  fields: readonly HeaderField[],
  signedHeaders: readonly string[],
  canon: Canonicalization,
  signatureField: string,
  exclude?: HeaderField,
): string {
  let text = '';
  for (const field of selectHeaderFields(fields, signedHeaders, exclude)) {
    if (field) text += canonicalizeHeaderField(bytesToLatin1(message, field.start, field.end), canon);
  }
  const own = canonicalizeHeaderField(stripSignatureValue(signatureField), canon);
  return text + own.replace(/\r?\n$/, '');
}

/** The header data hashed, as octets. */
export function headerHashInput(...args: Parameters<typeof headerHashText>): Uint8Array {
  return latin1Bytes(headerHashText(...args));
}

/** "What was hashed", for display: canonical header block and body as text, cut to `maxChars`. */
export interface HashedView {
  readonly canonicalHeaders: string;
  readonly canonicalBody: string;
  /** Octets of the canonicalized body that were hashed (after `l=`). */
  readonly hashedBodyLength: number;
  /** Octets of the whole canonicalized body. */
  readonly canonicalBodyLength: number;
  readonly truncated: boolean;
}

/** Default display limit for {@link hashedView}. */
export const VIEW_LIMIT = 64 * 1024;

/** Builds the display of what was hashed (UTF-8 decoded for reading; the hash input itself is octets). */
export function hashedView(
  headerText: string,
  canonicalBody: Uint8Array,
  hashedBodyLength: number,
  maxChars = VIEW_LIMIT,
): HashedView {
  const headers = utf8Text(latin1Bytes(headerText));
  const body = utf8Text(canonicalBody, 0, Math.min(hashedBodyLength, maxChars * 4));
  const truncated = headers.length > maxChars || body.length > maxChars || hashedBodyLength > maxChars * 4;
  return {
    canonicalHeaders: headers.length > maxChars ? headers.slice(0, maxChars) : headers,
    canonicalBody: body.length > maxChars ? body.slice(0, maxChars) : body,
    hashedBodyLength,
    canonicalBodyLength: canonicalBody.length,
    truncated,
  };
}
