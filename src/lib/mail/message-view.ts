/**
 * A stored message as the Mailboxes panel shows it: one summary line (From,
 * Subject, Date) and the raw source with its Received chain picked out. The
 * header fields are found by the engine's `readHeaderSection`; nothing here
 * parses more than field values.
 */
import { findField, readHeaderSection, utf8Text, type StoredMessage } from '../../../simulators/index.ts';
import { headerText } from './encoded-words.ts';

/** One row of the message list. */
export interface MessageSummary {
  readonly uid: number;
  /** The From field, decoded; empty when the message has none. */
  readonly from: string;
  /** The Subject field, decoded; empty when the message has none. */
  readonly subject: string;
  /** The Date field as written, or the arrival time when the message has none. */
  readonly date: string;
  /** Octets stored. */
  readonly size: number;
}

/** A run of the raw source: a Received field or anything else. */
export interface SourcePart {
  readonly text: string;
  readonly received: boolean;
}

/** A message opened for reading. */
export interface MessageSource {
  /** The whole message, line ends as newlines, cut into parts so the Received fields can be marked. */
  readonly parts: readonly SourcePart[];
  /**
   * The Received fields, unfolded, in the order the hops happened: each
   * server adds its own at the top (RFC 5321 §4.4), so this is the header
   * order reversed.
   */
  readonly hops: readonly string[];
}

/** The header fields a list shows, decoded; empty when the message has none (Date: undefined). */
export interface HeaderSummary {
  readonly from: string;
  readonly subject: string;
  readonly date: string | undefined;
  /** The Message-ID field as written, which identifies the message wherever a copy of it is (RFC 5322 §3.6.4). */
  readonly messageId: string | undefined;
}

/** Reads From, Subject, Date and Message-ID from a message's header section. */
export function summarizeHeader(raw: Uint8Array): HeaderSummary {
  const header = readHeaderSection(raw);
  const field = (name: string) => {
    const f = findField(header, name);
    return f === undefined ? undefined : headerText(f.value);
  };
  return {
    from: field('From') ?? '',
    subject: field('Subject') ?? '',
    date: field('Date'),
    messageId: field('Message-ID')?.trim(),
  };
}

/** The list row of a message. */
export function summarizeMessage(message: StoredMessage): MessageSummary {
  const { from, subject, date } = summarizeHeader(message.raw);
  return {
    uid: message.uid,
    from,
    subject,
    date: date ?? formatArrival(message.internalDate),
    size: message.raw.length,
  };
}

/** The source of a message, with its Received fields marked. */
export function messageSource(raw: Uint8Array): MessageSource {
  const header = readHeaderSection(raw);
  const parts: SourcePart[] = [];
  const hops: string[] = [];
  let pos = 0;
  const text = (start: number, end: number) => utf8Text(raw, start, end).replace(/\r\n/g, '\n');
  for (const f of header.fields) {
    if (f.name.toLowerCase() !== 'received') continue;
    if (f.start > pos) parts.push({ text: text(pos, f.start), received: false });
    parts.push({ text: text(f.start, f.end), received: true });
    hops.unshift(headerText(f.value).replace(/\s+/g, ' '));
    pos = f.end;
  }
  if (pos < raw.length) parts.push({ text: text(pos, raw.length), received: false });
  return { parts, hops };
}

/** `2026-11-29 09:00:04 UTC`: an arrival time (epoch ms) for a message without a Date field. */
export function formatArrival(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
