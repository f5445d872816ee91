/**
 * Delivery status notifications (RFC 3464) in a multipart/report (RFC 6522),
 * worded like Postfix's: a human-readable part, the machine-readable
 * message/delivery-status part, and the returned message's header.
 */
import { bytesToLatin1 } from '../core/bytes.ts';
import { formatRfc5322Date } from '../core/civil-time.ts';
import { readHeaderSection } from '../mime/header-section.ts';

/** One recipient that could not be delivered. */
export interface FailedRecipient {
  readonly address: string;
  /** RFC 3463 status, e.g. `5.1.1`. */
  readonly status: string;
  /** The remote server that refused, if any. */
  readonly remoteMta?: string;
  /** Its reply (`550 5.1.1 <x>: … unknown`), or our own reason. */
  readonly diagnostic: string;
  /** Which command was refused, for the prose (`RCPT TO`, `end of DATA`). */
  readonly inReplyTo?: string;
}

/** What a bounce needs. */
export interface BounceInput {
  /** This MTA's name. */
  readonly reportingMta: string;
  readonly queueId: string;
  /** Where the bounce goes: the original envelope sender. */
  readonly to: string;
  readonly recipients: readonly FailedRecipient[];
  /** The original message; only its header section is returned (`text/rfc822-headers`, RFC 6522 §2). */
  readonly original: Uint8Array;
  readonly arrivalDate: number;
  readonly now: number;
  readonly boundary: string;
  readonly messageId: string;
}

/** The bounce message, CRLF line ends. */
export function formatBounce(b: BounceInput): string {
  const crlf = (lines: readonly string[]) => lines.join('\r\n') + '\r\n';
  const header = bytesToLatin1(b.original, 0, readHeaderSection(b.original).bodyOffset).replace(
    /(\r?\n)+$/,
    '',
  );
  const prose = b.recipients.map(
    (r) =>
      `<${r.address}>: ${r.remoteMta ? `host ${r.remoteMta} said: ` : ''}${r.diagnostic}` +
      (r.inReplyTo ? ` (in reply to ${r.inReplyTo} command)` : ''),
  );
  const perRecipient = b.recipients.flatMap((r) => [
    '',
    `Final-Recipient: rfc822; ${r.address}`,
    `Original-Recipient: rfc822;${r.address}`,
    'Action: failed',
    `Status: ${r.status}`,
    ...(r.remoteMta ? [`Remote-MTA: dns; ${r.remoteMta}`] : []),
    `Diagnostic-Code: smtp; ${r.diagnostic}`,
  ]);
  return crlf([
    `From: MAILER-DAEMON@${b.reportingMta} (Mail Delivery System)`,
    `To: ${b.to}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${formatRfc5322Date(b.now)}`,
    `Message-ID: ${b.messageId}`,
    // RFC 3834 §5: automatic replies must say so, so that no one answers them automatically.
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${b.boundary}"`,
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${b.boundary}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    `This is the mail system at host ${b.reportingMta}.`,
    '',
    "I'm sorry to have to inform you that your message could not",
    'be delivered to one or more recipients. It is attached below.',
    '',
    ...prose,
    '',
    `--${b.boundary}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${b.reportingMta}`,
    `X-Mailroom-Queue-ID: ${b.queueId}`,
    `Arrival-Date: ${formatRfc5322Date(b.arrivalDate)}`,
    ...perRecipient,
    '',
    `--${b.boundary}`,
    'Content-Description: Undelivered Message Headers',
    'Content-Type: text/rfc822-headers',
    '',
    header,
    '',
    `--${b.boundary}--`,
  ]);
}
