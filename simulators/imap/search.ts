/**
 * SEARCH evaluation (RFC 3501 §6.4.4, RFC 9051 §6.4.4) against a session's
 * view of the mailbox: every key of the codec's {@link SearchKey} tree.
 *
 * - Dates compare days, "disregarding time and timezone": BEFORE/ON/SINCE
 *   take the internal date's UTC day; SENTBEFORE/SENTON/SENTSINCE the
 *   `Date:` header's day as written in its own zone (the internal date when
 *   the header is missing or unparseable, as Dovecot does).
 * - String keys are case-insensitive substring matches. Header values have
 *   their RFC 2047 encoded words decoded first (Dovecot does the same);
 *   BODY searches the decoded text of the text parts, TEXT the header too.
 * - FROM, TO, CC and BCC search "the envelope structure's … field" (RFC 3501
 *   §6.4.4): the addresses as ENVELOPE holds them, written `Name
 *   <local@host>` and groups `name: …;`, so comments and folding inside an
 *   address do not hide it (`<a (x)@ (y) b.org>` is `a@b.org`).
 *   `HEADER name ""` matches every message that has the field.
 * - `*` in a sequence set is the last message; in a UID set, the highest UID.
 */
import { decodeEncodedWords, formatMailbox, parseAddressList } from '../mime/header-values.ts';
import { parseDateWithZone } from '../mime/header-date.ts';
import { partText } from '../mime/decode.ts';
import { isText, parseMessage, walkParts, type MimePart } from '../mime/message.ts';
import type { StoredMessage } from '../store/mail-store.ts';
import { expandSequenceSet, MAX_NZ_NUMBER, rangesContain, type SearchKey } from './codec/index.ts';
import type { SelectedMailbox, ViewMessage } from './selected-mailbox.ts';

const MS_PER_DAY = 86_400_000;
const day = (epochMs: number) => Math.floor(epochMs / MS_PER_DAY) * MS_PER_DAY;

const FLAG_OF: Readonly<Record<string, string>> = {
  ANSWERED: '\\Answered',
  DELETED: '\\Deleted',
  DRAFT: '\\Draft',
  FLAGGED: '\\Flagged',
  SEEN: '\\Seen',
};

/** Lazily computed facts about one message, shared by all keys of one evaluation. */
class Candidate {
  #root: MimePart | undefined;
  #body: string | undefined;
  constructor(
    readonly seq: number,
    readonly message: StoredMessage,
    readonly recent: boolean,
  ) {}

  get root(): MimePart {
    return (this.#root ??= parseMessage(this.message.raw));
  }

  headerValues(name: string): string[] {
    const lower = name.toLowerCase();
    return this.root.header.fields
      .filter((f) => f.name.toLowerCase() === lower)
      .map((f) => decodeEncodedWords(f.value));
  }

  /** An address field as the envelope structure holds it, one string per field. */
  addressTexts(name: string): string[] {
    const lower = name.toLowerCase();
    return this.root.header.fields
      .filter((f) => f.name.toLowerCase() === lower)
      .map((f) => envelopeText(f.value));
  }

  get headerText(): string {
    return this.root.header.fields.map((f) => `${f.name}: ${decodeEncodedWords(f.value)}`).join('\n');
  }

  get bodyText(): string {
    if (this.#body === undefined) {
      const texts: string[] = [];
      walkParts(this.root, (part) => {
        if (part.kind === 'single' && isText(part)) texts.push(partText(this.message.raw, part).text);
      });
      this.#body = texts.join('\n');
    }
    return this.#body;
  }

  get sentDay(): number {
    const value = this.headerValues('date')[0];
    const parsed = value === undefined ? undefined : parseDateWithZone(value);
    if (parsed === undefined) return day(this.message.internalDate);
    return day(parsed.epochMs + parsed.offsetMinutes * 60_000);
  }
}

/** `Name <local@host>, group: member, …;` for an address list (encoded words decoded, comments gone). */
function envelopeText(value: string): string {
  return parseAddressList(value)
    .map((item) =>
      item.kind === 'group'
        ? `${decodeEncodedWords(item.name)}: ${item.members.map(formatMailbox).join(', ')};`
        : formatMailbox(item),
    )
    .join(', ');
}

const contains = (haystack: string, needle: string) => haystack.toLowerCase().includes(needle.toLowerCase());

function matches(key: SearchKey, c: Candidate, view: SelectedMailbox): boolean {
  const flags = c.message.flags;
  switch (key.key) {
    case 'ALL':
      return true;
    case 'ANSWERED':
    case 'DELETED':
    case 'DRAFT':
    case 'FLAGGED':
    case 'SEEN':
      return flags.has(FLAG_OF[key.key]!);
    case 'UNANSWERED':
    case 'UNDELETED':
    case 'UNDRAFT':
    case 'UNFLAGGED':
    case 'UNSEEN':
      return !flags.has(FLAG_OF[key.key.slice(2)]!);
    case 'RECENT':
      return c.recent;
    case 'OLD':
      return !c.recent;
    case 'NEW':
      return c.recent && !flags.has('\\Seen');
    case 'KEYWORD':
      return flags.has(key.flag);
    case 'UNKEYWORD':
      return !flags.has(key.flag);
    case 'BEFORE':
      return day(c.message.internalDate) < key.date;
    case 'ON':
      return day(c.message.internalDate) === key.date;
    case 'SINCE':
      return day(c.message.internalDate) >= key.date;
    case 'SENTBEFORE':
      return c.sentDay < key.date;
    case 'SENTON':
      return c.sentDay === key.date;
    case 'SENTSINCE':
      return c.sentDay >= key.date;
    case 'LARGER':
      return c.message.raw.length > key.size;
    case 'SMALLER':
      return c.message.raw.length < key.size;
    case 'FROM':
    case 'TO':
    case 'CC':
    case 'BCC':
      return c.addressTexts(key.key).some((v) => contains(v, key.value));
    case 'SUBJECT':
      return c.headerValues(key.key).some((v) => contains(v, key.value));
    case 'HEADER':
      return c.headerValues(key.field).some((v) => contains(v, key.value));
    case 'BODY':
      return contains(c.bodyText, key.value);
    case 'TEXT':
      return contains(c.headerText, key.value) || contains(c.bodyText, key.value);
    case 'UID':
      if (key.set === '$') return false;
      return rangesContain(
        expandSequenceSet(key.set, view.highestUid === 0 ? MAX_NZ_NUMBER : view.highestUid),
        c.message.uid,
      );
    case 'SEQUENCE':
      if (key.set === '$') return false;
      return rangesContain(expandSequenceSet(key.set, view.count), c.seq);
    case 'NOT':
      return !matches(key.operand, c, view);
    case 'OR':
      return matches(key.left, c, view) || matches(key.right, c, view);
    case 'AND':
      return key.operands.every((k) => matches(k, c, view));
    case 'MODSEQ':
      return c.message.modseq >= key.modseq;
  }
}

/** The messages of the view that match all `criteria`, ascending. */
export function searchMessages(view: SelectedMailbox, criteria: readonly SearchKey[]): ViewMessage[] {
  const out: ViewMessage[] = [];
  view.messages.forEach((message, i) => {
    const c = new Candidate(i + 1, message, view.isRecent(message.uid));
    if (criteria.every((k) => matches(k, c, view))) out.push({ seq: i + 1, message });
  });
  return out;
}

/** Whether any key uses the saved result `$` (RFC 5182), which this server does not keep. */
export function usesSavedResult(criteria: readonly SearchKey[]): boolean {
  return criteria.some((k) => {
    switch (k.key) {
      case 'UID':
      case 'SEQUENCE':
        return k.set === '$';
      case 'NOT':
        return usesSavedResult([k.operand]);
      case 'OR':
        return usesSavedResult([k.left, k.right]);
      case 'AND':
        return usesSavedResult(k.operands);
      default:
        return false;
    }
  });
}
