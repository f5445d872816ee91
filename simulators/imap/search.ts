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
import type { HeaderField } from '../mime/header-section.ts';
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
    readonly view: SelectedMailbox,
  ) {}

  get recent(): boolean {
    return this.view.isRecent(this.message.uid);
  }

  get root(): MimePart {
    return (this.#root ??= parseMessage(this.message.raw));
  }

  /** The fields called `name` (case-insensitive). */
  fields(name: string): HeaderField[] {
    const lower = name.toLowerCase();
    const out: HeaderField[] = [];
    for (const f of this.root.header.fields)
      if (f.name.length === lower.length && f.name.toLowerCase() === lower) out.push(f);
    return out;
  }

  headerValues(name: string): string[] {
    return this.fields(name).map(decodedValue);
  }

  get headerText(): string {
    return this.root.header.fields.map((f) => `${f.name}: ${decodedValue(f)}`).join('\n');
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

// Header fields belong to the parsed message, which parseMessage keeps per message: the
// texts SEARCH derives from them are kept alongside, so a repeated SEARCH does not redo them.
const decodedValues = new WeakMap<HeaderField, string>();
const envelopeValues = new WeakMap<HeaderField, string>();

/** The field's value, encoded words decoded. */
function decodedValue(f: HeaderField): string {
  let value = decodedValues.get(f);
  if (value === undefined) decodedValues.set(f, (value = decodeEncodedWords(f.value)));
  return value;
}

/** `Name <local@host>, group: member, …;` for an address field (encoded words decoded, comments gone). */
function envelopeValue(f: HeaderField): string {
  let value = envelopeValues.get(f);
  if (value === undefined) {
    value = parseAddressList(f.value)
      .map((item) =>
        item.kind === 'group'
          ? `${decodeEncodedWords(item.name)}: ${item.members.map(formatMailbox).join(', ')};`
          : formatMailbox(item),
      )
      .join(', ');
    envelopeValues.set(f, value);
  }
  return value;
}

type Predicate = (c: Candidate) => boolean;

/**
 * A key as a test of one message. The key is looked at once per SEARCH, not
 * once per message: the switch, the needle's case folding and the expansion
 * of sequence sets are done here.
 */
function compile(key: SearchKey, view: SelectedMailbox): Predicate {
  switch (key.key) {
    case 'ALL':
      return () => true;
    case 'ANSWERED':
    case 'DELETED':
    case 'DRAFT':
    case 'FLAGGED':
    case 'SEEN': {
      const flag = FLAG_OF[key.key]!;
      return (c) => c.message.flags.has(flag);
    }
    case 'UNANSWERED':
    case 'UNDELETED':
    case 'UNDRAFT':
    case 'UNFLAGGED':
    case 'UNSEEN': {
      const flag = FLAG_OF[key.key.slice(2)]!;
      return (c) => !c.message.flags.has(flag);
    }
    case 'RECENT':
      return (c) => c.recent;
    case 'OLD':
      return (c) => !c.recent;
    case 'NEW':
      return (c) => c.recent && !c.message.flags.has('\\Seen');
    case 'KEYWORD': {
      const flag = key.flag;
      return (c) => c.message.flags.has(flag);
    }
    case 'UNKEYWORD': {
      const flag = key.flag;
      return (c) => !c.message.flags.has(flag);
    }
    case 'BEFORE': {
      const date = key.date;
      return (c) => day(c.message.internalDate) < date;
    }
    case 'ON': {
      const date = key.date;
      return (c) => day(c.message.internalDate) === date;
    }
    case 'SINCE': {
      const date = key.date;
      return (c) => day(c.message.internalDate) >= date;
    }
    case 'SENTBEFORE': {
      const date = key.date;
      return (c) => c.sentDay < date;
    }
    case 'SENTON': {
      const date = key.date;
      return (c) => c.sentDay === date;
    }
    case 'SENTSINCE': {
      const date = key.date;
      return (c) => c.sentDay >= date;
    }
    case 'LARGER': {
      const size = key.size;
      return (c) => c.message.raw.length > size;
    }
    case 'SMALLER': {
      const size = key.size;
      return (c) => c.message.raw.length < size;
    }
    case 'FROM':
    case 'TO':
    case 'CC':
    case 'BCC':
      return fieldTest(key.key, envelopeValue, key.value);
    case 'SUBJECT':
      return fieldTest(key.key, decodedValue, key.value);
    case 'HEADER':
      return fieldTest(key.field, decodedValue, key.value);
    case 'BODY': {
      const needle = key.value.toLowerCase();
      return (c) => c.bodyText.toLowerCase().includes(needle);
    }
    case 'TEXT': {
      const needle = key.value.toLowerCase();
      return (c) => c.headerText.toLowerCase().includes(needle) || c.bodyText.toLowerCase().includes(needle);
    }
    case 'UID': {
      if (key.set === '$') return () => false;
      const ranges = expandSequenceSet(key.set, view.highestUid === 0 ? MAX_NZ_NUMBER : view.highestUid);
      return (c) => rangesContain(ranges, c.message.uid);
    }
    case 'SEQUENCE': {
      if (key.set === '$') return () => false;
      const ranges = expandSequenceSet(key.set, view.count);
      return (c) => rangesContain(ranges, c.seq);
    }
    case 'NOT': {
      const operand = compile(key.operand, view);
      return (c) => !operand(c);
    }
    case 'OR': {
      const left = compile(key.left, view);
      const right = compile(key.right, view);
      return (c) => left(c) || right(c);
    }
    case 'AND':
      return all(key.operands.map((k) => compile(k, view)));
    case 'MODSEQ': {
      const modseq = key.modseq;
      return (c) => c.message.modseq >= modseq;
    }
  }
}

/** A field called `name`, as `read` gives it, contains `value` (case-insensitive). */
function fieldTest(name: string, read: (f: HeaderField) => string, value: string): Predicate {
  const lower = name.toLowerCase();
  const needle = value.toLowerCase();
  return (c) => {
    for (const f of c.root.header.fields)
      if (
        f.name.length === lower.length &&
        f.name.toLowerCase() === lower &&
        read(f).toLowerCase().includes(needle)
      )
        return true;
    return false;
  };
}

/** Every test passes. */
function all(tests: readonly Predicate[]): Predicate {
  if (tests.length === 1) return tests[0]!;
  return (c) => {
    for (const test of tests) if (!test(c)) return false;
    return true;
  };
}

/** The messages of the view that match all `criteria`, ascending. */
export function searchMessages(view: SelectedMailbox, criteria: readonly SearchKey[]): ViewMessage[] {
  const test = all(criteria.map((k) => compile(k, view)));
  const out: ViewMessage[] = [];
  const messages = view.messages;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (test(new Candidate(i + 1, message, view))) out.push({ seq: i + 1, message });
  }
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
