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
  fetchItemName,
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

/** The value of one item; its name is {@link fetchResponseName}'s. */
function itemValue(view: SelectedMailbox, message: StoredMessage, a: FetchAttribute): ImapValue {
  const raw = message.raw;
  switch (a.name) {
    case 'FLAGS':
      return flagList(view, message);
    case 'UID':
      return num(message.uid);
    case 'INTERNALDATE':
      return str(formatDateTime({ epochMs: message.internalDate, offsetMinutes: 0 }));
    case 'RFC822.SIZE':
      return num(raw.length);
    case 'ENVELOPE':
      return fromMimeValue(envelope(parseMessage(raw)));
    case 'BODYSTRUCTURE':
      return fromMimeValue(bodyStructure(parseMessage(raw), true));
    case 'BODY':
      return fromMimeValue(bodyStructure(parseMessage(raw), false));
    case 'RFC822':
      return literal(raw);
    case 'RFC822.HEADER':
      return octets(sectionBytes(raw, { part: [], kind: 'header' }));
    case 'RFC822.TEXT':
      return octets(sectionBytes(raw, { part: [], kind: 'text' }));
    case 'MODSEQ':
      return list(num(message.modseq));
    case 'BODY[]': {
      const partial = a.partial && { start: a.partial.offset, length: a.partial.length };
      return octets(sectionBytes(raw, toSection(a.section), partial));
    }
    case 'BINARY[]': {
      const partial = a.partial && { start: a.partial.offset, length: a.partial.length };
      const result = binarySection(raw, a.part, partial);
      if (!result.ok && result.reason === 'unknown-cte') throw new UnknownCteError();
      // RFC 3516 §4.2: literal8 (`~{n}`) only when the data holds NUL.
      return result.ok ? literal(result.bytes, result.bytes.includes(0)) : nil;
    }
    case 'BINARY.SIZE': {
      const size = binarySize(raw, a.part);
      return size === undefined ? nil : num(size);
    }
  }
}

const UID_ATTRIBUTE: FetchAttribute = { name: 'UID' };
const FLAGS_ATTRIBUTE: FetchAttribute = { name: 'FLAGS' };
const MODSEQ_ATTRIBUTE: FetchAttribute = { name: 'MODSEQ' };
const NO_ATTRIBUTES: readonly FetchAttribute[] = [];

/** What a FETCH's attribute list implies, worked out once per list rather than once per message. */
interface FetchPlan {
  readonly setsSeen: boolean;
  /** The attributes to answer, UID first when a UID command left it out (RFC 3501 §6.4.8). */
  readonly attributes: readonly FetchAttribute[];
  /** Their names as the response writes them. */
  readonly names: readonly ImapValue[];
  /** What is added when the FETCH set \Seen: FLAGS unless asked for (RFC 3501 §6.4.5)… */
  readonly afterSeen: readonly FetchAttribute[];
  /** …and with CONDSTORE enabled, UID and MODSEQ unless answered already (RFC 7162 §3.1). */
  readonly afterSeenCondstore: readonly FetchAttribute[];
}

const plans = new WeakMap<readonly FetchAttribute[], { uid?: FetchPlan; seq?: FetchPlan }>();
function planOf(attributes: readonly FetchAttribute[], byUid: boolean): FetchPlan {
  let entry = plans.get(attributes);
  if (!entry) plans.set(attributes, (entry = {}));
  const key = byUid ? 'uid' : 'seq';
  if (entry[key] === undefined) {
    const answered =
      byUid && !attributes.some((a) => a.name === 'UID') ? [UID_ATTRIBUTE, ...attributes] : attributes;
    const has = (name: FetchAttribute['name']) => answered.some((a) => a.name === name);
    const afterSeen = has('FLAGS') ? [] : [FLAGS_ATTRIBUTE];
    entry[key] = {
      setsSeen: attributes.some(setsSeen),
      attributes: answered,
      names: answered.map((a) => fetchItemName(fetchResponseName(a))),
      afterSeen,
      afterSeenCondstore: [
        ...afterSeen,
        ...(has('UID') ? [] : [UID_ATTRIBUTE]),
        ...(has('MODSEQ') ? [] : [MODSEQ_ATTRIBUTE]),
      ],
    };
  }
  return entry[key];
}

/**
 * FLAGS lists, built once per stored message, which never changes (a flag
 * change makes a new one), without and with \Recent; and shared between
 * messages with the same flags, which most are: `UID FETCH 1:* (FLAGS)`
 * writes thousands of lists and a handful of distinct ones stay hot in
 * the cache. Values are never changed once built, so sessions share them.
 */
const flagLists = new WeakMap<StoredMessage, { plain?: ImapValue; recent?: ImapValue }>();
const sharedFlagLists = new Map<string, ImapValue>();
/** Distinct flag sets kept; past this (many keywords) the table starts again. */
const MAX_SHARED_FLAG_LISTS = 1024;
const flagAtoms = new Map<string, ImapValue>();

function buildFlagList(message: StoredMessage, recent: boolean): ImapValue {
  const flags = recent ? [...message.flags, '\\Recent'] : [...message.flags];
  const key = flags.join(' ');
  let list = sharedFlagLists.get(key);
  if (list === undefined) {
    const items: ImapValue[] = [];
    for (const flag of flags) {
      let value = flagAtoms.get(flag);
      if (value === undefined) flagAtoms.set(flag, (value = atom(flag)));
      items.push(value);
    }
    if (sharedFlagLists.size >= MAX_SHARED_FLAG_LISTS) sharedFlagLists.clear();
    sharedFlagLists.set(key, (list = { type: 'list', items }));
  }
  return list;
}

/** The FLAGS value as {@link SelectedMailbox.flagsOf} gives it. */
function flagList(view: SelectedMailbox, message: StoredMessage): ImapValue {
  let lists = flagLists.get(message);
  if (lists === undefined) flagLists.set(message, (lists = {}));
  return view.isRecent(message.uid)
    ? (lists.recent ??= buildFlagList(message, true))
    : (lists.plain ??= buildFlagList(message, false));
}

/** `(name value name value …)` for the plan's items, laid out directly: this runs once per message of a 1:* FETCH. */
function itemList(
  view: SelectedMailbox,
  message: StoredMessage,
  plan: FetchPlan,
  extra: readonly FetchAttribute[],
): ImapValue {
  const answered = plan.attributes;
  const items = new Array<ImapValue>(answered.length * 2);
  for (let i = 0; i < answered.length; i++) {
    items[2 * i] = plan.names[i]!;
    items[2 * i + 1] = itemValue(view, message, answered[i]!);
  }
  for (const a of extra) items.push(fetchItemName(fetchResponseName(a)), itemValue(view, message, a));
  return { type: 'list', items };
}

/**
 * The FETCH response for one message; sets \Seen first when an attribute
 * asks for it and the mailbox is read-write. Throws {@link UnknownCteError}
 * for a BINARY fetch of an unknown transfer encoding.
 */
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
  const extra = markSeen ? (condstore ? plan.afterSeenCondstore : plan.afterSeen) : NO_ATTRIBUTES;
  const list = itemList(view, current, plan, extra);
  return { kind: 'data', number: seq, name: 'FETCH', values: [list] };
}
