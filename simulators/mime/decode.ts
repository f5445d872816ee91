/**
 * What the message inspector shows: a part's text (transfer- and
 * charset-decoded, RFC 2045 §6, RFC 2046 §4.1.2), the main body of a
 * message, and its attachments with names decoded (RFC 2231, RFC 2047).
 */
import { decodeCharset, type KnownCharset } from './charsets.ts';
import { decodedParam, decodeEncodedWords, paramValue } from './header-values.ts';
import { findField } from './header-section.ts';
import { isText, mediaType, parseMessage, type MimePart } from './message.ts';
import { decodeTransferEncoding } from './transfer-encoding.ts';

/** A part's body as text. */
export interface PartText {
  /** The text, line ends normalised to LF. */
  readonly text: string;
  readonly charset: KnownCharset;
  /** True when the charset was missing or unknown and guessed (see `charsets.ts`). */
  readonly charsetGuessed: boolean;
  /** False when the transfer encoding was unknown and the raw octets are shown. */
  readonly transferDecoded: boolean;
}

/** The decoded body octets of a part (the raw octets when the encoding is unknown). */
export function partBytes(raw: Uint8Array, part: MimePart): { bytes: Uint8Array; decoded: boolean } {
  const decoded =
    part.kind === 'single'
      ? decodeTransferEncoding(raw, part.transferEncoding, part.headerEnd, part.end)
      : raw.subarray(part.headerEnd, part.end);
  return decoded
    ? { bytes: decoded, decoded: true }
    : { bytes: raw.subarray(part.headerEnd, part.end), decoded: false };
}

/**
 * The text of a part. The charset parameter decides (WHATWG labels); with
 * none, UTF-8 is assumed when valid and windows-1252 otherwise.
 * TOLERANCE: RFC 2045 §5.2 would default to US-ASCII, but 8-bit mail
 * without a charset is common and is almost always UTF-8 today.
 */
export function partText(raw: Uint8Array, part: MimePart): PartText {
  const { bytes, decoded } = partBytes(raw, part);
  const label = part.explicitType ? paramValue(part.contentType.params, 'charset') : undefined;
  const result = decodeCharset(bytes, label);
  return {
    text: result.text.replace(/\r\n/g, '\n'),
    charset: result.charset,
    charsetGuessed: result.fallback,
    transferDecoded: decoded,
  };
}

const isAttachmentDisposition = (part: MimePart) => part.disposition?.type.toLowerCase() === 'attachment';

/** A part's file name: Content-Disposition `filename`, else Content-Type `name` (RFC 2183 §2.3). */
export function fileName(part: MimePart): string | undefined {
  return (
    (part.disposition && decodedParam(part.disposition.params, 'filename')) ??
    decodedParam(part.contentType.params, 'name')
  );
}

/**
 * The part the inspector shows as the body: the first inline text part, in
 * multipart/alternative the last text/plain (else the last text part, RFC
 * 2046 §5.1.4 orders alternatives by increasing faithfulness). Undefined
 * when the message has no text.
 */
export function mainTextPart(message: MimePart): MimePart | undefined {
  const candidate = (part: MimePart): MimePart | undefined => {
    if (part.kind === 'multipart') {
      const texts = part.children.map(candidate).filter((p): p is MimePart => p !== undefined);
      if (part.contentType.subtype.toLowerCase() !== 'alternative') return texts[0];
      return texts.filter((p) => mediaType(p) === 'text/plain').at(-1) ?? texts.at(-1);
    }
    return isText(part) && !isAttachmentDisposition(part) ? part : undefined;
  };
  return candidate(message);
}

/** One attachment of a message. */
export interface Attachment {
  /** IMAP section number (`BODY[2.1]`). */
  readonly section: readonly number[];
  readonly part: MimePart;
  /** Decoded file name, or a forwarded message's subject; undefined when there is none. */
  readonly name: string | undefined;
  /** Lower-case `type/subtype`. */
  readonly mediaType: string;
  /** Size of the decoded content in octets. */
  readonly size: number;
}

/**
 * The attachments: parts with `Content-Disposition: attachment`, other
 * non-multipart parts with a file name, and forwarded messages
 * (message/rfc822 below the top), whose own parts are not listed.
 */
export function listAttachments(raw: Uint8Array): Attachment[] {
  const root = parseMessage(raw);
  const out: Attachment[] = [];
  const main = mainTextPart(root);
  const visit = (part: MimePart, section: readonly number[]) => {
    if (part.kind === 'multipart') {
      part.children.forEach((c, i) => visit(c, [...section, i + 1]));
      return;
    }
    const forwarded = part.kind === 'message' && part !== root;
    if (part === main || !(forwarded || isAttachmentDisposition(part) || fileName(part) !== undefined))
      return;
    const subject = forwarded && part.embedded ? findField(part.embedded.header, 'subject') : undefined;
    out.push({
      section,
      part,
      name: fileName(part) ?? (subject ? decodeEncodedWords(subject.value) : undefined),
      mediaType: mediaType(part),
      size: partBytes(raw, part).bytes.length,
    });
  };
  if (root.kind === 'multipart') visit(root, []);
  else if (root.kind === 'message' && root.embedded?.kind === 'multipart') visit(root.embedded, [1]);
  return out;
}
