/**
 * FETCH data items for one message (RFC 3501 §6.4.5 / §7.4.2, RFC 3516
 * BINARY): the values come from mime's Dovecot-compatible builders, bridged
 * by `imap-values.ts`.
 *
 * - `BODY[…]`, `RFC822` and `RFC822.TEXT` set \Seen in a read-write
 *   mailbox; `BODY.PEEK[…]`, `BINARY.PEEK[…]` and `RFC822.HEADER` do not.
 *   When \Seen was set and FLAGS was not asked for, FLAGS is added so the
 *   client learns of the change (RFC 3501 §6.4.5).
 * - A UID command always returns UID, first (RFC 3501 §6.4.8).
 * - With CONDSTORE enabled, a FETCH that sets \Seen reports the change with
 *   UID and MODSEQ as well (RFC 7162 §3.1).
 * - A section that names no part is `NIL` (Dovecot).
 * - INTERNALDATE is written in UTC (`+0000`): the store keeps an instant,
 *   not the zone it was received in.
 */
import { parseMessage } from '../mime/message.ts';
import {
  binarySection,
  binarySize,
  bodyStructure,
  envelope,
  sectionBytes,
  type Section,
} from '../mime/imap-structures.ts';
import type { StoredMessage } from '../store/mail-store.ts';
import {
  atom,
  fetchResponse,
  fetchResponseName,
  formatDateTime,
  list,
  literal,
  nil,
  num,
  str,
  type BodySection,
  type FetchAttribute,
  type ImapResponse,
  type ImapValue,
} from './codec/index.ts';
import { fromMimeValue } from './imap-values.ts';
import type { SelectedMailbox } from './selected-mailbox.ts';

/** Whether fetching `attribute` sets \Seen (RFC 3501 §6.4.5). */
export function setsSeen(attribute: FetchAttribute): boolean {
  switch (attribute.name) {
    case 'RFC822':
    case 'RFC822.TEXT':
      return true;
    case 'BODY[]':
    case 'BINARY[]':
      return !attribute.peek;
    default:
      return false;
  }
}

function toSection(section: BodySection): Section {
  const base = { part: section.part };
  if (section.text === 'HEADER.FIELDS' || section.text === 'HEADER.FIELDS.NOT') {
    const kind = section.text === 'HEADER.FIELDS' ? 'header.fields' : 'header.fields.not';
    return { ...base, kind, fields: section.fields };
  }
  switch (section.text) {
    case undefined:
      return { ...base, kind: 'full' };
    case 'HEADER':
      return { ...base, kind: 'header' };
    case 'TEXT':
      return { ...base, kind: 'text' };
    default:
      return { ...base, kind: 'mime' };
  }
}

const octets = (bytes: Uint8Array | undefined): ImapValue => (bytes === undefined ? nil : literal(bytes));

/** Why a FETCH cannot be answered: RFC 3516 §4.3 UNKNOWN-CTE. */
export class UnknownCteError extends Error {}

function item(
  view: SelectedMailbox,
  message: StoredMessage,
  a: FetchAttribute,
): readonly [string, ImapValue] {
  const raw = message.raw;
  switch (a.name) {
    case 'FLAGS':
      return ['FLAGS', flagList(view, message)];
    case 'UID':
      return ['UID', num(message.uid)];
    case 'INTERNALDATE':
      return ['INTERNALDATE', str(formatDateTime({ epochMs: message.internalDate, offsetMinutes: 0 }))];
    case 'RFC822.SIZE':
      return ['RFC822.SIZE', num(raw.length)];
    case 'ENVELOPE':
      return ['ENVELOPE', fromMimeValue(envelope(parseMessage(raw)))];
    case 'BODYSTRUCTURE':
      return ['BODYSTRUCTURE', fromMimeValue(bodyStructure(parseMessage(raw), true))];
    case 'BODY':
      return ['BODY', fromMimeValue(bodyStructure(parseMessage(raw), false))];
    case 'RFC822':
      return ['RFC822', literal(raw)];
    case 'RFC822.HEADER':
      return ['RFC822.HEADER', octets(sectionBytes(raw, { part: [], kind: 'header' }))];
    case 'RFC822.TEXT':
      return ['RFC822.TEXT', octets(sectionBytes(raw, { part: [], kind: 'text' }))];
    case 'MODSEQ':
      return ['MODSEQ', list(num(message.modseq))];
    case 'BODY[]': {
      const partial = a.partial && { start: a.partial.offset, length: a.partial.length };
      return [fetchResponseName(a), octets(sectionBytes(raw, toSection(a.section), partial))];
    }
    case 'BINARY[]': {
      const partial = a.partial && { start: a.partial.offset, length: a.partial.length };
      const result = binarySection(raw, a.part, partial);
      if (!result.ok && result.reason === 'unknown-cte') throw new UnknownCteError();
      // RFC 3516 §4.2: literal8 (`~{n}`) only when the data holds NUL.
      const value = result.ok ? literal(result.bytes, result.bytes.includes(0)) : nil;
      return [fetchResponseName(a), value];
    }
    case 'BINARY.SIZE': {
      const size = binarySize(raw, a.part);
      return [fetchResponseName(a), size === undefined ? nil : num(size)];
    }
  }
}

/**
 * The FETCH response for one message; sets \Seen first when an attribute
 * asks for it and the mailbox is read-write. Throws {@link UnknownCteError}
 * for a BINARY fetch of an unknown transfer encoding.
 */
const UID_ATTRIBUTE: FetchAttribute = { name: 'UID' };
const FLAGS_ATTRIBUTE: FetchAttribute = { name: 'FLAGS' };
const MODSEQ_ATTRIBUTE: FetchAttribute = { name: 'MODSEQ' };

interface FetchPlan {
  readonly setsSeen: boolean;
  readonly addUid: boolean;
  readonly hasUid: boolean;
  readonly hasFlags: boolean;
  readonly hasModSeq: boolean;
}

/** What a FETCH's attribute list implies, worked out once per list rather than once per message. */
const plans = new WeakMap<readonly FetchAttribute[], { uid?: FetchPlan; seq?: FetchPlan }>();
function planOf(attributes: readonly FetchAttribute[], byUid: boolean): FetchPlan {
  let entry = plans.get(attributes);
  if (!entry) plans.set(attributes, (entry = {}));
  const key = byUid ? 'uid' : 'seq';
  return (entry[key] ??= {
    setsSeen: attributes.some(setsSeen),
    addUid: byUid && !attributes.some((a) => a.name === 'UID'),
    hasUid: byUid || attributes.some((a) => a.name === 'UID'),
    hasFlags: attributes.some((a) => a.name === 'FLAGS'),
    hasModSeq: attributes.some((a) => a.name === 'MODSEQ'),
  });
}

/** Flag atoms are few and written by the thousand (`UID FETCH 1:* (FLAGS)`): one object each. */
const flagAtoms = new Map<string, ImapValue>();
function flagList(view: SelectedMailbox, message: StoredMessage): ImapValue {
  const items: ImapValue[] = [];
  for (const flag of view.flagsOf(message)) {
    let value = flagAtoms.get(flag);
    if (value === undefined) flagAtoms.set(flag, (value = atom(flag)));
    items.push(value);
  }
  return { type: 'list', items };
}

export function fetchMessage(
  view: SelectedMailbox,
  seq: number,
  message: StoredMessage,
  attributes: readonly FetchAttribute[],
  byUid: boolean,
  condstore = false,
): ImapResponse {
  const plan = planOf(attributes, byUid);
  let current = message;
  // RFC 4314 §4: without the s right, FETCH MUST NOT set \Seen.
  const markSeen = plan.setsSeen && view.mayChange('\\Seen') && !message.flags.has('\\Seen');
  if (markSeen && !view.isExpunged(message.uid)) {
    current = view.write(() => view.mailbox.setFlags(message.uid, [...message.flags, '\\Seen'])) ?? message;
  }
  const items: (readonly [string, ImapValue])[] = [];
  if (plan.addUid) items.push(item(view, current, UID_ATTRIBUTE));
  for (const a of attributes) items.push(item(view, current, a));
  if (markSeen && !plan.hasFlags) items.push(item(view, current, FLAGS_ATTRIBUTE));
  if (markSeen && condstore) {
    if (!plan.hasUid) items.push(item(view, current, UID_ATTRIBUTE));
    if (!plan.hasModSeq) items.push(item(view, current, MODSEQ_ATTRIBUTE));
  }
  return fetchResponse(seq, items);
}
