/**
 * The MIME tree of a message with byte offsets for every part (RFC 2045,
 * RFC 2046), the model behind IMAP FETCH BODYSTRUCTURE / BODY[section] and
 * the app's message inspector.
 *
 * Theory of operation. One pass over the octets, line by line, with a stack
 * of the multipart boundaries currently open (innermost last):
 *
 * - A part is a header (read with `readHeaderSection`) and a body. The body
 *   ends where a boundary line of *any* open multipart begins, or at EOF;
 *   the CRLF before that line belongs to the delimiter (RFC 2046 §5.1.1), so
 *   `end` excludes it — exactly the octets IMAP `BODY[1]` returns.
 * - A boundary line is `--` + boundary; only the prefix has to match, the
 *   longest open boundary wins, and `--` straight after it closes the
 *   multipart. This is Dovecot's message-parser rule: it accepts RFC 2046
 *   transport padding and tolerates generators that put text after the
 *   delimiter.
 * - A multipart body is preamble, delimiter, part, delimiter, …, close
 *   delimiter, epilogue. Preamble and epilogue belong to no child.
 * - A message/rfc822 body is parsed again as a message (`embedded`), still
 *   inside the enclosing boundaries.
 * - TOLERANCE: a boundary of an *outer* multipart ends the inner one (its
 *   close delimiter was lost); a missing close delimiter ends at EOF; a
 *   boundary line inside a header ends the header (and the part is empty).
 * - Content-* fields count only in MIME parts (RFC 2045 §4): a part with
 *   MIME-Version or Content-Type, or any part of a multipart. The first of
 *   each field wins. Defaults: text/plain; charset=us-ascii, or
 *   message/rfc822 inside multipart/digest (RFC 2046 §5.1.5).
 * - Nesting deeper than {@link MAX_MIME_DEPTH} is opaque: such a part's body
 *   is not split any further, so hostile input cannot exhaust the stack.
 *
 * SIMPLIFICATION: sizes and line counts are of the octets as stored. Dovecot
 * reports CRLF ("virtual") sizes; the two agree for CRLF messages, which is
 * what IMAP APPEND and SMTP deliver.
 *
 * parseMessage never throws, and caches its result per byte array.
 */
import { latin1Bytes } from '../core/bytes.ts';
import { readHeaderSection, type HeaderField, type HeaderSection } from './header-section.ts';
import {
  paramValue,
  parseContentDisposition,
  parseContentType,
  parseLanguageList,
  parseTransferEncoding,
  type MimeParam,
} from './header-values.ts';

/** Nesting depth beyond which parts are treated as opaque leaves. */
export const MAX_MIME_DEPTH = 50;

/** The media type of a part (RFC 2045 §5). Type and subtype keep their case as written. */
export interface ContentType {
  readonly type: string;
  readonly subtype: string;
  /** Parameters as written, RFC 2231 sections merged (see `header-values.ts`). */
  readonly params: readonly MimeParam[];
}

/** Content-Disposition (RFC 2183). */
export interface ContentDisposition {
  readonly type: string;
  readonly params: readonly MimeParam[];
}

/** How a part's body is structured. */
export type PartKind = 'multipart' | 'message' | 'single';

/** One MIME entity. Offsets index the raw message passed to {@link parseMessage}. */
export interface MimePart {
  /** First octet of the part's header (its MIME header, for a body part). */
  readonly start: number;
  /** First octet of the body: just past the empty line, or where the header stopped. */
  readonly headerEnd: number;
  /** Just past the body's last octet (the CRLF before a delimiter excluded). */
  readonly end: number;
  /** The header fields; their offsets are absolute, like the part's. */
  readonly header: HeaderSection;
  readonly kind: PartKind;
  /** The effective media type (a default when none applies). */
  readonly contentType: ContentType;
  /** True when the type came from a Content-Type field rather than a default. */
  readonly explicitType: boolean;
  readonly disposition?: ContentDisposition;
  /** The Content-Transfer-Encoding as written, or `7bit` (RFC 2045 §6.1 default). */
  readonly transferEncoding: string;
  /** Raw, unfolded Content-ID / Content-Description / Content-Location / Content-MD5 values. */
  readonly contentId?: string;
  readonly description?: string;
  readonly language?: readonly string[];
  readonly location?: string;
  readonly md5?: string;
  /** Body parts of a multipart, in order (empty otherwise). */
  readonly children: readonly MimePart[];
  /** The message inside a message/rfc822 part. */
  readonly embedded?: MimePart;
  /** Number of line feeds in the body. */
  readonly lines: number;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

interface BoundaryHit {
  /** Index of the matching boundary on the stack. */
  readonly index: number;
  readonly lineStart: number;
  /** Just past the delimiter line's LF (transport padding and all). */
  readonly lineEnd: number;
  readonly close: boolean;
}

interface Parsed {
  readonly part: MimePart;
  /** The boundary line that ended the part, if any (undefined: EOF). */
  readonly hit: BoundaryHit | undefined;
}

const TEXT_PLAIN: ContentType = {
  type: 'text',
  subtype: 'plain',
  params: [{ name: 'charset', value: 'us-ascii' }],
};
const MESSAGE_RFC822: ContentType = { type: 'message', subtype: 'rfc822', params: [] };

const ieq = (a: string, b: string) => a.toLowerCase() === b;

function rebase(section: HeaderSection, offset: number): HeaderSection {
  if (offset === 0) return section;
  return {
    fields: section.fields.map((f) => ({ ...f, start: f.start + offset, end: f.end + offset })),
    bodyOffset: section.bodyOffset + offset,
  };
}

function countLines(raw: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = raw.indexOf(0x0a, start); i !== -1 && i < end; i = raw.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** The first occurrence of each MIME header field (RFC 2045 §3). */
interface MimeFields {
  mimeVersion: boolean;
  type?: HeaderField;
  encoding?: HeaderField;
  id?: HeaderField;
  description?: HeaderField;
  disposition?: HeaderField;
  language?: HeaderField;
  location?: HeaderField;
  md5?: HeaderField;
}

function mimeFields(fields: readonly HeaderField[]): MimeFields {
  const out: MimeFields = { mimeVersion: false };
  for (const f of fields) {
    const name = f.name.toLowerCase();
    if (name === 'mime-version') out.mimeVersion = true;
    else if (name === 'content-type') out.type ??= f;
    else if (name === 'content-transfer-encoding') out.encoding ??= f;
    else if (name === 'content-id') out.id ??= f;
    else if (name === 'content-description') out.description ??= f;
    else if (name === 'content-disposition') out.disposition ??= f;
    else if (name === 'content-language') out.language ??= f;
    else if (name === 'content-location') out.location ??= f;
    else if (name === 'content-md5') out.md5 ??= f;
  }
  return out;
}

class Parser {
  private readonly stack: Uint8Array[] = [];
  constructor(private readonly raw: Uint8Array) {}

  /** Is the line at `pos` a boundary line of an open multipart? (Dovecot's boundary_line_find.) */
  private matchBoundary(pos: number): BoundaryHit | undefined {
    const raw = this.raw;
    if (this.stack.length === 0 || raw[pos] !== 0x2d || raw[pos + 1] !== 0x2d) return undefined;
    const lf = raw.indexOf(0x0a, pos);
    const contentEnd = lf === -1 ? raw.length : lf > pos && raw[lf - 1] === 0x0d ? lf - 1 : lf;
    let size = contentEnd - (pos + 2);
    if (size > 2 && raw[contentEnd - 1] === 0x2d && raw[contentEnd - 2] === 0x2d) size -= 2;
    let best = -1;
    for (let k = this.stack.length - 1; k >= 0; k--) {
      const b = this.stack[k]!;
      if (b.length > size || (best !== -1 && this.stack[best]!.length >= b.length)) continue;
      let same = true;
      for (let j = 0; j < b.length && same; j++) same = raw[pos + 2 + j] === b[j];
      if (same) best = k;
    }
    if (best === -1) return undefined;
    const after = pos + 2 + this.stack[best]!.length;
    return {
      index: best,
      lineStart: pos,
      lineEnd: lf === -1 ? raw.length : lf + 1,
      close: raw[after] === 0x2d && raw[after + 1] === 0x2d,
    };
  }

  /** The first boundary line at or after the line starting at `pos`. */
  private findBoundary(pos: number): BoundaryHit | undefined {
    if (this.stack.length === 0) return undefined;
    const raw = this.raw;
    let hit = this.matchBoundary(pos);
    for (let lf = raw.indexOf(0x0a, pos); !hit && lf !== -1; lf = raw.indexOf(0x0a, lf + 1)) {
      if (raw[lf + 1] === 0x2d) hit = this.matchBoundary(lf + 1);
    }
    return hit;
  }

  /** Where a body that began at `bodyStart` ends, given a boundary line at `lineStart`. */
  private cut(lineStart: number, bodyStart: number): number {
    if (lineStart <= bodyStart) return bodyStart;
    const lf = lineStart - 1;
    return lf > bodyStart && this.raw[lf - 1] === 0x0d ? lf - 1 : lf;
  }

  private emptyPart(at: number): MimePart {
    return {
      start: at,
      headerEnd: at,
      end: at,
      header: { fields: [], bodyOffset: at },
      kind: 'single',
      contentType: TEXT_PLAIN,
      explicitType: false,
      transferEncoding: '7bit',
      children: [],
      lines: 0,
    };
  }

  parse(start: number, depth: number, inDigest: boolean, inMultipart: boolean): Parsed {
    const raw = this.raw;
    // The header: up to the empty line, EOF, or a boundary line.
    let pos = start;
    let headerEnd = raw.length;
    let hit: BoundaryHit | undefined;
    while (pos < raw.length) {
      if (raw[pos] === 0x0a || (raw[pos] === 0x0d && raw[pos + 1] === 0x0a)) {
        headerEnd = pos + (raw[pos] === 0x0a ? 1 : 2);
        break;
      }
      hit = this.matchBoundary(pos);
      if (hit) {
        headerEnd = this.cut(pos, start);
        break;
      }
      const lf = raw.indexOf(0x0a, pos);
      pos = lf === -1 ? raw.length : lf + 1;
    }
    const header = rebase(readHeaderSection(raw.subarray(start, headerEnd)), start);

    const fields = mimeFields(header.fields);
    const isMime = inMultipart || fields.mimeVersion || fields.type !== undefined;
    const ct = isMime && fields.type ? parseContentType(fields.type.value) : undefined;
    const kind: PartKind = ct
      ? ct.valid && ieq(ct.type, 'multipart')
        ? 'multipart'
        : ct.valid && ieq(ct.type, 'message') && ieq(ct.subtype, 'rfc822')
          ? 'message'
          : 'single'
      : inDigest
        ? 'message'
        : 'single';
    const part: Writable<MimePart> = {
      start,
      headerEnd,
      end: headerEnd,
      header,
      kind,
      contentType: ct
        ? { type: ct.type, subtype: ct.subtype, params: ct.params }
        : inDigest
          ? MESSAGE_RFC822
          : TEXT_PLAIN,
      explicitType: ct !== undefined,
      transferEncoding: (isMime && fields.encoding && parseTransferEncoding(fields.encoding.value)) || '7bit',
      children: [],
      lines: 0,
    };
    if (isMime) this.describe(part, fields);

    const opaque = depth >= MAX_MIME_DEPTH;
    if (hit) {
      // The header ran into a delimiter: no body (Dovecot keeps an empty message inside).
      if (kind === 'message' && !opaque) part.embedded = this.emptyPart(headerEnd);
      return { part, hit };
    }
    const boundary =
      kind === 'multipart' && !opaque ? paramValue(part.contentType.params, 'boundary') : undefined;
    if (boundary) {
      const children: MimePart[] = [];
      const digest = ieq(part.contentType.subtype, 'digest');
      const mine = this.stack.push(latin1Bytes(boundary)) - 1;
      hit = this.findBoundary(headerEnd);
      while (hit && hit.index === mine && !hit.close) {
        const child = this.parse(hit.lineEnd, depth + 1, digest, true);
        children.push(child.part);
        hit = child.hit;
      }
      this.stack.pop();
      // After the close delimiter comes the epilogue, up to an outer boundary.
      if (hit && hit.index === mine) hit = this.findBoundary(hit.lineEnd);
      part.children = children;
      part.end = hit ? this.cut(hit.lineStart, headerEnd) : raw.length;
    } else if (kind === 'message' && !opaque) {
      const inner = this.parse(headerEnd, depth + 1, false, false);
      part.embedded = inner.part;
      part.end = inner.part.end;
      hit = inner.hit;
    } else {
      hit = this.findBoundary(headerEnd);
      part.end = hit ? this.cut(hit.lineStart, headerEnd) : raw.length;
    }
    part.lines = countLines(raw, headerEnd, part.end);
    return { part, hit };
  }

  /** Content-* fields other than the type and encoding (RFC 2045 §7–§8, RFC 2183, RFC 3282, RFC 2557, RFC 1864). */
  private describe(part: Writable<MimePart>, fields: MimeFields): void {
    if (fields.id) part.contentId = fields.id.value;
    if (fields.description) part.description = fields.description.value;
    if (fields.location) part.location = fields.location.value;
    if (fields.md5) part.md5 = fields.md5.value;
    const disposition = fields.disposition && parseContentDisposition(fields.disposition.value);
    if (disposition) part.disposition = disposition;
    const language = fields.language && parseLanguageList(fields.language.value);
    if (language && language.length > 0) part.language = language;
  }
}

const cache = new WeakMap<Uint8Array, MimePart>();

/**
 * Parses a message into its MIME tree. The result is cached per byte array
 * (the store keeps messages immutable), so IMAP FETCH items computed one by
 * one share a single parse.
 */
export function parseMessage(raw: Uint8Array): MimePart {
  let root = cache.get(raw);
  if (!root) {
    root = new Parser(raw).parse(0, 0, false, false).part;
    cache.set(raw, root);
  }
  return root;
}

/** True for text/* parts (RFC 2046 §4.1), which carry a line count in BODYSTRUCTURE. */
export function isText(part: MimePart): boolean {
  return part.kind === 'single' && ieq(part.contentType.type, 'text');
}

/** `type/subtype` in lower case, for comparisons and display. */
export function mediaType(part: MimePart): string {
  return `${part.contentType.type}/${part.contentType.subtype}`.toLowerCase();
}

/**
 * The part an IMAP section number names (RFC 3501 §6.4.5): `[]` is the
 * message itself; in a multipart `n` is the n-th body part; a non-multipart
 * part has only part 1 (itself); a number after a message/rfc822 part
 * addresses the embedded message's parts. Undefined when there is no such part.
 */
export function findPart(root: MimePart, path: readonly number[]): MimePart | undefined {
  let part: MimePart | undefined = root;
  for (let k = 0; k < path.length && part; k++) {
    const num = path[k]!;
    const more = k < path.length - 1;
    if (part.kind === 'multipart') part = part.children[num - 1];
    else if (num !== 1 || (more && part.kind !== 'message')) return undefined;
    if (part && more && part.kind === 'message') part = part.embedded;
  }
  return part;
}

/**
 * Visits every part with its IMAP section number (RFC 3501 §6.4.5), in
 * BODYSTRUCTURE order: `findPart(root, path)` is the part, except that a
 * multipart directly inside a message shares the message's number (`[]` at
 * the top), having none of its own.
 */
export function walkParts(root: MimePart, visit: (part: MimePart, path: readonly number[]) => void): void {
  const go = (part: MimePart, path: readonly number[]) => {
    visit(part, path);
    if (part.kind === 'multipart') part.children.forEach((c, i) => go(c, [...path, i + 1]));
    else if (part.kind === 'message' && part.embedded) {
      const inner = part.embedded;
      go(inner, inner.kind === 'multipart' ? path : [...path, 1]);
    }
  };
  go(root, root.kind === 'multipart' ? [] : [1]);
}
