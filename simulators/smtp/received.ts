/**
 * The trace header a receiving server prepends (RFC 5321 §4.4, RFC 5322
 * §3.6.7), with the `with` protocol keyword of RFC 3848, and the hop count
 * that detects mail loops (RFC 5321 §6.3).
 */
import { formatRfc5322Date } from '../core/civil-time.ts';

/** What goes into one Received: header. */
export interface ReceivedFields {
  /** Name the client gave in HELO/EHLO. */
  readonly helo: string;
  /** The client's name from reverse DNS, if known. */
  readonly peerName: string | undefined;
  readonly peerAddress: string;
  /** This server's name. */
  readonly by: string;
  readonly esmtp: boolean;
  readonly tls: boolean;
  readonly authenticated: boolean;
  readonly utf8: boolean;
  readonly queueId: string;
  /** Named only for a single recipient, as Postfix does (one `for` clause would reveal Bcc recipients). */
  readonly recipients: readonly string[];
  /** Epoch ms. */
  readonly date: number;
}

/** RFC 3848 §2 protocol keywords: SMTP, ESMTP, ESMTPS, ESMTPA, ESMTPSA; RFC 6531 §3.7.3 UTF8SMTP… */
export function withKeyword(f: Pick<ReceivedFields, 'esmtp' | 'tls' | 'authenticated' | 'utf8'>): string {
  if (!f.esmtp) return 'SMTP';
  const base = f.utf8 ? 'UTF8SMTP' : 'ESMTP';
  return `${base}${f.tls ? 'S' : ''}${f.authenticated ? 'A' : ''}`;
}

/** The folded header, ending with CRLF. */
export function formatReceived(f: ReceivedFields): string {
  const from = `${f.helo} (${f.peerName ?? 'unknown'} [${f.peerAddress}])`;
  const only = f.recipients.length === 1 ? `\r\n\tfor <${f.recipients[0]}>` : '';
  return (
    `Received: from ${from}\r\n` +
    `\tby ${f.by} (Mailroom) with ${withKeyword(f)} id ${f.queueId}${only};\r\n` +
    `\t${formatRfc5322Date(f.date)}\r\n`
  );
}

/** Number of Received: fields in the header section of `message` (RFC 5321 §6.3 loop detection). */
export function countReceived(message: Uint8Array): number {
  let count = 0;
  let lineStart = 0;
  for (let i = 0; i < message.length; i++) {
    if (message[i] !== 0x0a) continue;
    const len = i - lineStart;
    // An empty line (CRLF or LF alone) ends the header section.
    if (len === 0 || (len === 1 && message[lineStart] === 0x0d)) break;
    if (len >= 9 && isReceived(message, lineStart)) count++;
    lineStart = i + 1;
  }
  return count;
}

const RECEIVED = 'received:';
function isReceived(bytes: Uint8Array, at: number): boolean {
  for (let k = 0; k < RECEIVED.length; k++) {
    const c = bytes[at + k]! | 0x20; // ASCII lower-case; ':' | 0x20 is ':'
    if (c !== RECEIVED.charCodeAt(k)) return false;
  }
  return true;
}
