/**
 * What the Mail client panel shows of the engine's IMAP mail client: the
 * folders with their special use (RFC 6154), the message list with each
 * message's flags (RFC 3501 §2.3.2), and the opened message's header fields
 * and text. Everything comes from what the server said (LIST, ENVELOPE,
 * FLAGS, BODY[]); the text is found and decoded by the engine's MIME code.
 */
import {
  findField,
  mainTextPart,
  parseMessage,
  partText,
  readHeaderSection,
  type EnvelopeAddress,
  type ImapListedMessage,
  type ImapMailClientSnapshot,
  type MailboxEntry,
} from '../../../simulators/index.ts';
import { decodeEncodedWords, headerText } from './encoded-words.ts';

/** RFC 6154 §2 special uses, and RFC 3501's INBOX, in words. */
const SPECIAL_USES: Readonly<Record<string, string>> = {
  '\\All': 'all mail',
  '\\Archive': 'archive',
  '\\Drafts': 'drafts',
  '\\Flagged': 'flagged',
  '\\Junk': 'junk',
  '\\Sent': 'sent mail',
  '\\Trash': 'deleted mail',
};

/** One folder of the list. */
export interface FolderRow {
  readonly name: string;
  /** The RFC 6154 attribute (`\Sent`), when the server marks the folder with one. */
  readonly specialUse: string | undefined;
  /** What the special use means, in words (`sent mail`). */
  readonly purpose: string | undefined;
  /** `\Noselect` / `\NonExistent` (RFC 3501 §7.2.2, RFC 5258): it cannot be opened. */
  readonly selectable: boolean;
}

/** The folders, in the server's order. */
export function folderRows(folders: readonly MailboxEntry[]): FolderRow[] {
  return folders.map((f) => {
    const specialUse = f.attributes.find((a) => SPECIAL_USES[a] !== undefined);
    const unselectable = f.attributes.some((a) => /^\\(noselect|nonexistent)$/i.test(a));
    return {
      name: f.name,
      specialUse,
      purpose: specialUse === undefined ? undefined : SPECIAL_USES[specialUse],
      selectable: !unselectable,
    };
  });
}

/** The flags a list row shows (RFC 3501 §2.3.2). */
export interface RowFlags {
  readonly seen: boolean;
  readonly flagged: boolean;
  readonly answered: boolean;
  readonly deleted: boolean;
}

/** One message of the list. */
export interface MessageRow {
  readonly uid: number;
  /** The sender's name, else their address. */
  readonly from: string;
  readonly subject: string;
  /** INTERNALDATE, `29 Nov 09:00` (UTC). */
  readonly date: string;
  /** RFC822.SIZE in words: `1.1 KB`. */
  readonly size: string;
  readonly flags: RowFlags;
  /** The flags as sent, for the learner (`\Seen \Flagged`). */
  readonly rawFlags: string;
  /** The flags in words, for a screen reader and the row's title (`read, flagged`). */
  readonly state: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `29 Nov 09:00`, in UTC as the simulated world keeps time. */
export function shortDate(epochMs: number): string {
  const d = new Date(epochMs);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${hh}:${mm}`;
}

/** `512 B`, `1.1 KB`, `2.3 MB`. */
export function formatSize(octets: number): string {
  if (octets < 1024) return `${octets} B`;
  if (octets < 1024 * 1024) return `${(octets / 1024).toFixed(1)} KB`;
  return `${(octets / 1024 / 1024).toFixed(1)} MB`;
}

/** `Alice <alice@example.com>` as a list shows it: the name, else the address. */
export function addressText(addresses: readonly EnvelopeAddress[]): string {
  return addresses
    .map((a) => {
      const address = a.host === undefined ? (a.mailbox ?? '') : `${a.mailbox ?? ''}@${a.host}`;
      return a.name === undefined || a.name === '' ? address : decodeEncodedWords(a.name);
    })
    .join(', ');
}

/** Whether `flags` holds `flag` (flags are case-insensitive, RFC 3501 §2.3.2). */
export function hasFlag(flags: readonly string[], flag: string): boolean {
  const wanted = flag.toLowerCase();
  return flags.some((f) => f.toLowerCase() === wanted);
}

/** The row of one message. */
export function messageRow(m: ImapListedMessage): MessageRow {
  const flags: RowFlags = {
    seen: hasFlag(m.flags, '\\Seen'),
    flagged: hasFlag(m.flags, '\\Flagged'),
    answered: hasFlag(m.flags, '\\Answered'),
    deleted: hasFlag(m.flags, '\\Deleted'),
  };
  const words = [
    flags.seen ? 'read' : 'unread',
    ...(flags.flagged ? ['flagged'] : []),
    ...(flags.answered ? ['answered'] : []),
    ...(flags.deleted ? ['deleted'] : []),
  ];
  return {
    uid: m.uid,
    from: addressText(m.envelope.from),
    subject: decodeEncodedWords(m.envelope.subject ?? ''),
    date: shortDate(m.internalDate),
    size: formatSize(m.size),
    flags,
    rawFlags: m.flags.join(' '),
    state: words.join(', '),
  };
}

/** The list: newest first, only the search's hits while a search is shown. */
export function messageRows(state: ImapMailClientSnapshot): MessageRow[] {
  const hits = state.search?.uids;
  const shown = hits === undefined ? state.messages : state.messages.filter((m) => hits.includes(m.uid));
  return shown.map(messageRow).reverse();
}

/** The header fields the reading pane shows first, in this order. */
const MAIN_FIELDS = ['From', 'To', 'Cc', 'Date', 'Subject'];

/** A message opened for reading. */
export interface ReadableMessage {
  /** From, To, Cc, Date, Subject: decoded, those present. */
  readonly fields: readonly { readonly name: string; readonly value: string }[];
  /** Every header field, unfolded and decoded, in order. */
  readonly allFields: readonly { readonly name: string; readonly value: string }[];
  /** The main text, decoded (transfer encoding and charset); undefined when there is none. */
  readonly text: string | undefined;
  /** How the text was stored, for the learner: `text/plain; utf-8, 8bit`. */
  readonly encoding: string | undefined;
}

/** Header fields and main text of a message's octets (BODY[]). */
export function readMessage(bytes: Uint8Array): ReadableMessage {
  const header = readHeaderSection(bytes);
  const unfold = (value: string) =>
    headerText(value)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
  const fields = MAIN_FIELDS.flatMap((name) => {
    const f = findField(header, name);
    return f === undefined ? [] : [{ name, value: unfold(f.value) }];
  });
  const allFields = header.fields.map((f) => ({ name: f.name, value: unfold(f.value) }));
  const root = parseMessage(bytes);
  const part = mainTextPart(root);
  if (part === undefined) return { fields, allFields, text: undefined, encoding: undefined };
  const text = partText(bytes, part);
  const type = `${part.contentType.type}/${part.contentType.subtype}`.toLowerCase();
  return {
    fields,
    allFields,
    text: text.text,
    encoding: `${type}; ${text.charset}${text.charsetGuessed ? ' (guessed)' : ''}, ${part.transferEncoding.toLowerCase()}`,
  };
}

/** The status line: where the client is and what it does. */
export function describeClient(state: ImapMailClientSnapshot | undefined, server: string): string {
  if (state === undefined) return 'Not connected.';
  const where = `${server}:${state.port}`;
  switch (state.phase) {
    case 'connecting':
      return `Connecting to ${where} and logging in…`;
    case 'closed':
      return state.error === undefined
        ? `Logged out of ${where}.`
        : `Disconnected from ${where}: ${state.error}`;
    case 'open':
      if (state.busy) return `${state.selected ?? 'Connected'}: talking to the server…`;
      if (state.idling) return `${state.selected ?? ''}: waiting in IDLE; new mail shows up by itself.`;
      return `${state.selected ?? 'Connected'}: ready.`;
  }
}
