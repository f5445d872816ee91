/**
 * The header section of an RFC 5322 message, read with byte offsets (IMAP's
 * BODY[HEADER] and DKIM's canonicalisation need exact octets). Each field
 * keeps its raw octets, folding included; `value` is the unfolded text.
 */
import { bytesToLatin1 } from '../core/bytes.ts';

/** One header field. */
export interface HeaderField {
  /** The field name as written (`Message-ID`). */
  readonly name: string;
  /** The unfolded value without the leading space, as latin1 text (RFC 5322 §2.2.3). */
  readonly value: string;
  /** Offset of the field's first octet. */
  readonly start: number;
  /** Offset just past the field's final CRLF. */
  readonly end: number;
}

/** The parsed header section. */
export interface HeaderSection {
  readonly fields: readonly HeaderField[];
  /** Offset of the body (just past the empty line), or the message length when there is none. */
  readonly bodyOffset: number;
}

/**
 * Reads the header section. TOLERANCE: lines that are neither a field nor a
 * continuation (no colon) are skipped, as most readers do; a bare LF is
 * accepted as a line end.
 */
export function readHeaderSection(bytes: Uint8Array): HeaderSection {
  return readFields(bytes, Infinity);
}

/** The first header field, read without going through the rest (as {@link readHeaderSection} reads it). */
export function readFirstField(bytes: Uint8Array): HeaderField | undefined {
  return readFields(bytes, 1).fields[0];
}

/** Reads fields until the body or until `limit` fields are complete. */
function readFields(bytes: Uint8Array, limit: number): HeaderSection {
  const fields: HeaderField[] = [];
  let pos = 0;
  let current: OpenField | undefined;
  while (pos < bytes.length) {
    let eol = bytes.indexOf(0x0a, pos);
    if (eol === -1) eol = bytes.length - 1;
    const lineEnd = eol + 1;
    const contentEnd = eol > pos && bytes[eol - 1] === 0x0d ? eol - 1 : bytes[eol] === 0x0a ? eol : lineEnd;
    if (contentEnd === pos) {
      if (current) fields.push(closeField(current, pos));
      return { fields, bodyOffset: lineEnd };
    }
    const first = bytes[pos];
    if ((first === 0x20 || first === 0x09) && current) {
      current.valueParts.push(bytesToLatin1(bytes, pos, lineEnd));
    } else {
      if (current) fields.push(closeField(current, pos));
      current = undefined;
      if (fields.length >= limit) return { fields, bodyOffset: pos };
      const line = bytesToLatin1(bytes, pos, contentEnd);
      const colon = line.indexOf(':');
      if (colon > 0 && /^[\x21-\x39\x3b-\x7e]+$/.test(line.slice(0, colon).trimEnd())) {
        current = { name: line.slice(0, colon).trimEnd(), start: pos, valueParts: [line.slice(colon + 1)] };
      }
    }
    pos = lineEnd;
  }
  if (current) fields.push(closeField(current, bytes.length));
  return { fields, bodyOffset: bytes.length };
}

/** A field being read: its name, where it starts, and its value's lines so far. */
interface OpenField {
  readonly name: string;
  readonly start: number;
  readonly valueParts: string[];
}

function closeField(field: OpenField, end: number): HeaderField {
  return {
    name: field.name,
    value: field.valueParts.join('').replace(/\r?\n/g, '').trim(),
    start: field.start,
    end,
  };
}

/** The first field called `name` (case-insensitive). */
export function findField(section: HeaderSection, name: string): HeaderField | undefined {
  const lower = name.toLowerCase();
  return section.fields.find((f) => f.name.toLowerCase() === lower);
}
