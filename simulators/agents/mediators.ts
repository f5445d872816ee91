/**
 * Mediators (RFC 5598 §5): hosts that take delivery of a message and post it
 * again. The two RFC 5321 §3.9 describes, and what each does to the
 * message, which is what email authentication then sees:
 *
 * - an alias (§3.9.1, a `.forward` or a Postfix virtual alias) sends the
 *   message on unchanged, with the same envelope sender, so the next hop
 *   checks SPF against the original sender's domain from the forwarder's
 *   address: SPF fails, while DKIM, which signs content, survives;
 * - a mailing list (§3.9.2) re-sends to its members from its own bounce
 *   address, often with a Subject tag and a footer appended to the body:
 *   SPF now speaks for the list, and the footer breaks the author's DKIM
 *   body hash (RFC 6376 §3.7), so DMARC fails for the author's domain unless
 *   the list writes its own address into From (RFC 7960 §4.1.3).
 *
 * SIMPLIFICATION: the footer is appended to the end of the body whatever the
 * MIME structure (Mailman adds a part to a multipart message); lists do not
 * sign with DKIM of their own and do not add ARC sets (RFC 8617).
 */
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import { readHeaderSection } from '../mime/header-section.ts';

/** An address forwarded to others. */
export interface Alias {
  readonly address: string;
  readonly to: readonly string[];
}

/** A mailing list and how it changes what it re-sends. */
export interface MailingList {
  readonly address: string;
  readonly members: readonly string[];
  readonly footer?: string | undefined;
  readonly subjectTag?: string | undefined;
  readonly rewriteFrom?: boolean | undefined;
}

/** The list's bounce address, its envelope sender (Mailman's `-bounces`): `club@x` → `club-bounces@x`. */
export function listBounceAddress(list: MailingList): string {
  const at = list.address.lastIndexOf('@');
  return `${list.address.slice(0, at)}-bounces${list.address.slice(at)}`.toLowerCase();
}

/** The display name of a From value (`Alice <alice@example.com>` → `Alice`), else its address. */
function displayName(from: string): string {
  const angle = from.indexOf('<');
  const name =
    angle > 0
      ? from
          .slice(0, angle)
          .trim()
          .replace(/^"(.*)"$/, '$1')
      : '';
  return name || from.replace(/[<>]/g, '').trim();
}

/**
 * The message as the list re-sends it: the Subject tag, From rewritten (with
 * the author in Reply-To), the RFC 2369/2919 list fields appended to the
 * header, and the footer appended to the body. Octets pass through as
 * latin1, so 8-bit content is kept as it was.
 */
export function listCopy(list: MailingList, data: Uint8Array): Uint8Array {
  const section = readHeaderSection(data);
  const text = bytesToLatin1(data);
  const [local = '', domain = ''] = [
    list.address.slice(0, list.address.lastIndexOf('@')),
    list.address.slice(list.address.lastIndexOf('@') + 1),
  ];
  let header = '';
  let hasReplyTo = false;
  let author: string | undefined;
  for (const f of section.fields) {
    const name = f.name.toLowerCase();
    const raw = text.slice(f.start, f.end);
    if (name === 'reply-to') hasReplyTo = true;
    if (name === 'subject' && list.subjectTag && !f.value.includes(list.subjectTag)) {
      header += `Subject: ${list.subjectTag} ${f.value}\r\n`;
    } else if (name === 'from' && list.rewriteFrom && author === undefined) {
      author = f.value;
      header += `From: "${displayName(f.value).replace(/"/g, '')} via ${local}" <${list.address}>\r\n`;
    } else header += raw;
  }
  if (author !== undefined && !hasReplyTo) header += `Reply-To: ${author}\r\n`;
  header += [
    `List-Id: <${local}.${domain}>`,
    `List-Post: <mailto:${list.address}>`,
    `List-Unsubscribe: <mailto:${local}-leave@${domain}>`,
    'Precedence: list',
    '',
  ].join('\r\n');
  let body = section.bodyOffset < text.length ? text.slice(section.bodyOffset) : '';
  if (list.footer !== undefined) {
    if (body !== '' && !body.endsWith('\r\n')) body += '\r\n';
    body += `${list.footer.replace(/\r?\n/g, '\r\n')}\r\n`;
  }
  return latin1Bytes(`${header}\r\n${body}`);
}
