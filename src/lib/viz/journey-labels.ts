/**
 * What an envelope on the map says: the protocol, the port and the command or
 * reply it carries (`SMTP 587 · MAIL FROM:<alice@example.com> +2 lines`), and
 * which hop of the journey (MUA → MSA → MTA → MDA → MUA) a connection is.
 * Pure text functions of trace data, computed once per trace event.
 */
import { bytesToLatin1 } from '../../../simulators/index.ts';

/**
 * The hops of a message's journey, named by the service the client connects
 * to: `submission` MUA → MSA (587, 465), `relay` MTA → MTA (25), `delivery`
 * into a mailbox (the MDA, no connection), `retrieval` MUA ← IMAP or POP3
 * server (143, 993, 110, 995), `other` for anything else (a terminal to an
 * unknown port).
 */
export type Hop = 'submission' | 'relay' | 'delivery' | 'retrieval' | 'other';

/** The hop and the protocol of a connection to `service` (as the server's `port.listen` names it). */
export function hopOf(service: string | undefined): { hop: Hop; protocol: string } {
  switch (service) {
    case 'submission':
    case 'submissions':
      return { hop: 'submission', protocol: 'SMTP' };
    case 'smtp':
      return { hop: 'relay', protocol: 'SMTP' };
    case 'imap':
    case 'imaps':
      return { hop: 'retrieval', protocol: 'IMAP' };
    case 'pop3':
    case 'pop3s':
      return { hop: 'retrieval', protocol: 'POP3' };
    default:
      return { hop: 'other', protocol: service === undefined ? 'TCP' : service.toUpperCase() };
  }
}

/** The roles at each end of a hop, as the role badges name them (`['mua', 'msa']`). */
export function hopRoles(hop: Hop, protocol: string): readonly [client: string, server: string] | undefined {
  switch (hop) {
    case 'submission':
      return ['mua', 'msa'];
    case 'relay':
      return ['mta', 'mta'];
    case 'retrieval':
      return ['mua', protocol.toLowerCase()];
    default:
      return undefined;
  }
}

/** How a hop reads in an envelope's accessible name. */
export const HOP_TEXT: Readonly<Record<Hop, string>> = {
  submission: 'submission, MUA to MSA',
  relay: 'relay, MTA to MTA',
  delivery: 'delivery by the MDA',
  retrieval: 'retrieval, mail server to MUA',
  other: 'direct connection',
};

/** The longest command or reply text an envelope shows before cutting it with `…`. */
export const LABEL_CHARS = 34;
/** How many bytes of a write are decoded for its label (a message body can be megabytes). */
const PEEK_BYTES = 256;

/**
 * The command or reply a write carries: its first line, cut at
 * {@link LABEL_CHARS}, and how many more lines follow (`+5 lines`), e.g. an
 * EHLO reply's extensions or pipelined `RCPT TO` and `DATA`. `isMessage`
 * marks the message itself (the write after a 354 reply): it reads
 * `message, 458 bytes` rather than its first header.
 */
export function writeText(bytes: Uint8Array, isMessage = false): string {
  if (isMessage) return `message, ${bytes.length.toLocaleString('en')} bytes`;
  const peek = bytesToLatin1(bytes, 0, Math.min(bytes.length, PEEK_BYTES));
  const lines = peek.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
  const first = (lines[0] ?? '').replace(/\r$/, '');
  // Non-printing bytes (a ClientHello sent to a plain-text server) show as dots, as a hex dump does.
  const printable = first.replace(/[^\x20-\x7e]/g, '·');
  const cut = printable.length > LABEL_CHARS ? `${printable.slice(0, LABEL_CHARS - 1)}…` : printable;
  // Only whole lines seen in the peek are counted: "+N lines" is then exact for short writes.
  let more = 0;
  for (let i = 1; i < lines.length; i++) if (lines[i]!.replace(/\r$/, '') !== '') more++;
  const truncated = bytes.length > PEEK_BYTES;
  if (more === 0 && !truncated) return cut || '(empty line)';
  return `${cut} +${truncated ? 'more' : `${more} ${more === 1 ? 'line' : 'lines'}`}`;
}

/** An SMTP 354 reply: the client's next write is the message (RFC 5321 §4.1.1.4). */
export function startsMessage(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytesToLatin1(bytes, 0, 4) === '354 ';
}
