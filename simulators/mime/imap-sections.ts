/**
 * The exact octets of IMAP `BODY[section]<partial>` (RFC 3501 §6.4.5,
 * RFC 9051 §6.4.5), `BINARY[section]` (RFC 3516) and RFC822.SIZE, cut from
 * the raw message with the offsets `parseMessage` records. Section
 * resolution follows Dovecot's imap-msgpart.
 */
import { concatBytes, latin1Bytes } from '../core/bytes.ts';
import type { HeaderField } from './header-section.ts';
import { findPart, parseMessage, type MimePart } from './message.ts';
import { decodeTransferEncoding } from './transfer-encoding.ts';

/** The section-text of a BODY[] fetch (RFC 3501 §6.4.5). */
export type SectionKind = 'full' | 'header' | 'header.fields' | 'header.fields.not' | 'text' | 'mime';

/** A BODY[] section: part number (empty: the message) and what to return of it. */
export interface Section {
  readonly part: readonly number[];
  readonly kind: SectionKind;
  /** Field names for HEADER.FIELDS[.NOT] (case-insensitive). */
  readonly fields?: readonly string[];
}

/** `<start.length>` of a partial fetch. */
export interface ByteRange {
  readonly start: number;
  readonly length: number;
}

const CRLF = latin1Bytes('\r\n');

function applyRange(bytes: Uint8Array, range: ByteRange | undefined): Uint8Array {
  if (!range) return bytes;
  // RFC 3501 §6.4.5: a start beyond the end gives an empty string.
  if (range.start >= bytes.length) return bytes.subarray(0, 0);
  return bytes.subarray(range.start, Math.min(bytes.length, range.start + Math.max(0, range.length)));
}

/** HEADER.FIELDS[.NOT]: the selected fields in message order, then the empty line. */
function headerFields(
  raw: Uint8Array,
  fields: readonly HeaderField[],
  names: readonly string[],
  not: boolean,
) {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    if (wanted.has(f.name.toLowerCase()) === not) continue;
    parts.push(raw.subarray(f.start, f.end));
    // A field cut short by a delimiter or EOF still ends its line.
    if (raw[f.end - 1] !== 0x0a) parts.push(CRLF);
  }
  parts.push(CRLF);
  return concatBytes(parts);
}

/**
 * The octets of `BODY[section]<partial>`, or undefined when the section
 * names no part (Dovecot then sends NIL). HEADER, HEADER.FIELDS[.NOT] and
 * TEXT after a part number require a message/rfc822 part and apply to the
 * message inside it; MIME is the part's own MIME header and needs a part
 * number. HEADER includes the empty line; TEXT of the message excludes it.
 */
export function sectionBytes(raw: Uint8Array, section: Section, partial?: ByteRange): Uint8Array | undefined {
  const root = parseMessage(raw);
  const { kind } = section;
  if (section.part.length === 0) {
    if (kind === 'mime') return undefined;
    if (kind === 'full') return applyRange(raw, partial);
  }
  let part = section.part.length === 0 ? root : findPart(root, section.part);
  if (!part) return undefined;
  let bytes: Uint8Array;
  if (kind === 'full') bytes = raw.subarray(part.headerEnd, part.end);
  else if (kind === 'mime') bytes = raw.subarray(part.start, part.headerEnd);
  else {
    if (section.part.length > 0) {
      if (part.kind !== 'message' || !part.embedded) return undefined;
      part = part.embedded;
    }
    if (kind === 'header') bytes = raw.subarray(part.start, part.headerEnd);
    else if (kind === 'text') bytes = raw.subarray(part.headerEnd, part.end);
    else bytes = headerFields(raw, part.header.fields, section.fields ?? [], kind === 'header.fields.not');
  }
  return applyRange(bytes, partial);
}

/** RFC822.SIZE (RFC 3501 §7.4.2): the message's octets, the length of BODY[]. */
export function messageSize(raw: Uint8Array): number {
  return raw.length;
}

/** The result of a BINARY fetch. */
export type BinaryResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  /** `no-such-part`: NIL/NO; `unknown-cte`: NO [UNKNOWN-CTE] (RFC 3516 §4.3). */
  | { readonly ok: false; readonly reason: 'no-such-part' | 'unknown-cte' };

function binaryOf(raw: Uint8Array, root: MimePart, path: readonly number[]): BinaryResult {
  if (path.length === 0) return { ok: true, bytes: raw };
  const part = findPart(root, path);
  if (!part) return { ok: false, reason: 'no-such-part' };
  // RFC 3516 §4.2: composite parts are sent as they are (their encoding must be identity).
  if (part.kind !== 'single') return { ok: true, bytes: raw.subarray(part.headerEnd, part.end) };
  const bytes = decodeTransferEncoding(raw, part.transferEncoding, part.headerEnd, part.end);
  return bytes ? { ok: true, bytes } : { ok: false, reason: 'unknown-cte' };
}

/**
 * `BINARY[part]<partial>` (RFC 3516 §4.1): the part's body with its
 * Content-Transfer-Encoding undone (base64 and quoted-printable decoded,
 * tolerantly; see `transfer-encoding.ts`).
 */
export function binarySection(raw: Uint8Array, part: readonly number[], partial?: ByteRange): BinaryResult {
  const result = binaryOf(raw, parseMessage(raw), part);
  return result.ok ? { ok: true, bytes: applyRange(result.bytes, partial) } : result;
}

/** `BINARY.SIZE[part]` (RFC 3516 §4.2): the decoded size, or undefined when BINARY would fail. */
export function binarySize(raw: Uint8Array, part: readonly number[]): number | undefined {
  const result = binaryOf(raw, parseMessage(raw), part);
  return result.ok ? result.bytes.length : undefined;
}
