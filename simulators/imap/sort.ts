/**
 * SORT (RFC 5256 §3 BASE.6.4.SORT, RFC 5957 DISPLAYFROM / DISPLAYTO) as a
 * pure function of what a message's header says, its internal date, its
 * size and its sequence number. THREAD (`thread.ts`) reads the same input.
 *
 * The keys:
 * - ARRIVAL: the internal date; DATE: the sent date (§2.2: the Date header
 *   normalised to UTC, else the internal date); SIZE: RFC822.SIZE.
 * - SUBJECT: the base subject (§2.1, `base-subject.ts`).
 * - FROM, TO, CC: the `addr-mailbox` of the first address as ENVELOPE shows
 *   it: the local part, or for a group the group's name (RFC 3501 §7.4.2).
 * - DISPLAYFROM, DISPLAYTO (RFC 5957 §3): the first address's display name,
 *   encoded words decoded, or its `mailbox@host` when it has none; a
 *   group's name.
 * - A missing header field sorts as the empty string.
 *
 * Strings compare with i;unicode-casemap (`collation.ts`). REVERSE turns
 * one criterion round; messages equal on every criterion keep sequence
 * order (§3: "the order in which they appear in the mailbox"), which
 * REVERSE does not touch.
 *
 * Header fields are read as ENVELOPE reads them: the last field of a name
 * counts when a message repeats it.
 */
import {
  decodeEncodedWords,
  decodeRawHeaderText,
  parseAddressList,
  parseDate,
} from '../mime/header-values.ts';
import { readHeaderSection } from '../mime/header-section.ts';
import type { StoredMessage } from '../store/mail-store.ts';
import { baseSubject } from './base-subject.ts';
import type { SortCriterion, SortKey } from './codec/index.ts';
import { casemapKey, compareKeys } from './collation.ts';

/** What SORT and THREAD read of one message. */
export interface SortInput {
  /** The message sequence number: the final tie-breaker (§2.2, §3). */
  readonly seq: number;
  /** INTERNALDATE, epoch ms. */
  readonly internalDate: number;
  /** RFC822.SIZE in octets. */
  readonly size: number;
  /** The unfolded raw value of the last header field called `name` (lower case), if any. */
  header(name: string): string | undefined;
}

/** The sent date of RFC 5256 §2.2: the Date header in UTC, or the internal date when it is missing or unreadable. */
export function sentDate(m: SortInput): number {
  const value = m.header('date');
  return (value === undefined ? undefined : parseDate(value)) ?? m.internalDate;
}

type AddressField = 'from' | 'to' | 'cc';

function firstAddress(m: SortInput, field: AddressField) {
  const value = m.header(field);
  return value === undefined ? undefined : parseAddressList(value)[0];
}

/** The `addr-mailbox` of the first address (a group's name for a group), or ''. */
export function addressKey(m: SortInput, field: AddressField): string {
  const first = firstAddress(m, field);
  if (first === undefined) return '';
  if (first.kind === 'group') return decodeRawHeaderText(first.name);
  return decodeRawHeaderText(first.mailbox ?? '');
}

/** RFC 5957 §3: the display name of the first address, else its `mailbox@host`; a group's name; or ''. */
export function displayKey(m: SortInput, field: 'from' | 'to'): string {
  const first = firstAddress(m, field);
  if (first === undefined) return '';
  const name = decodeEncodedWords(first.name ?? '').trim();
  if (name !== '' || first.kind === 'group') return name;
  const local = decodeRawHeaderText(first.mailbox ?? '');
  return first.domain === undefined ? local : `${local}@${decodeRawHeaderText(first.domain)}`;
}

/** One criterion's value for a message: a number, or a case-mapped string ({@link casemapKey}). */
export function sortKey(m: SortInput, key: SortKey): number | string {
  switch (key) {
    case 'ARRIVAL':
      return m.internalDate;
    case 'DATE':
      return sentDate(m);
    case 'SIZE':
      return m.size;
    case 'SUBJECT':
      return casemapKey(baseSubject(m.header('subject')).subject);
    case 'FROM':
      return casemapKey(addressKey(m, 'from'));
    case 'TO':
      return casemapKey(addressKey(m, 'to'));
    case 'CC':
      return casemapKey(addressKey(m, 'cc'));
    case 'DISPLAYFROM':
      return casemapKey(displayKey(m, 'from'));
    case 'DISPLAYTO':
      return casemapKey(displayKey(m, 'to'));
  }
}

function compareValues(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareKeys(String(a), String(b));
}

/** The messages in the order the criteria give (RFC 5256 §3); the input is not changed. */
export function sortMessages<M extends SortInput>(
  messages: readonly M[],
  criteria: readonly SortCriterion[],
): M[] {
  // Each key is computed once per message, not once per comparison.
  const rows = messages.map((m) => ({ m, keys: criteria.map((c) => sortKey(m, c.key)) }));
  rows.sort((x, y) => {
    for (let i = 0; i < criteria.length; i++) {
      const d = compareValues(x.keys[i]!, y.keys[i]!);
      if (d !== 0) return criteria[i]!.reverse ? -d : d;
    }
    return x.m.seq - y.m.seq;
  });
  return rows.map((r) => r.m);
}

/** A stored message as SORT and THREAD read it: the header section is parsed once, when first asked. */
export function sortInput(seq: number, message: StoredMessage): SortInput {
  let fields: Map<string, string> | undefined;
  return {
    seq,
    internalDate: message.internalDate,
    size: message.raw.length,
    header(name) {
      if (fields === undefined) {
        fields = new Map();
        for (const f of readHeaderSection(message.raw).fields) fields.set(f.name.toLowerCase(), f.value);
      }
      return fields.get(name);
    },
  };
}
