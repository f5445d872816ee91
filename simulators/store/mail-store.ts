/**
 * The mail store shared by the MDA (which writes into it), POP3 and IMAP
 * (which read and change it): accounts, mailboxes, and messages kept as the
 * raw octets that were delivered, with an internal date, flags, a UID and a
 * modification sequence.
 *
 * Invariants (RFC 3501 §2.3.1.1, RFC 7162 §3.1): UIDs strictly ascend in a
 * mailbox and are never reused while its UIDVALIDITY stands; UIDNEXT is
 * greater than every UID ever assigned; every change to a message raises the
 * mailbox's HIGHESTMODSEQ. Sessions that have a mailbox open subscribe to its
 * changes and turn them into EXISTS / EXPUNGE / FETCH FLAGS updates.
 *
 * Quota (RFC 9208): each account is one quota root over all its mailboxes,
 * with optional limits on STORAGE (units of 1024 octets) and MESSAGE
 * (count). A write that would pass a limit throws {@link StoreFullError}
 * before anything changes; a message moved within the account is already
 * counted, so moving never fails for quota.
 */

import { MailboxAcl, type Right } from './acl.ts';

/** System flags (RFC 3501 §2.3.2); keywords are any other atom. */
export const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;

/** Folders every account starts with, and their RFC 6154 special use. */
export const DEFAULT_FOLDERS: readonly (readonly [string, string])[] = [
  ['Drafts', '\\Drafts'],
  ['Sent', '\\Sent'],
  ['Junk', '\\Junk'],
  ['Trash', '\\Trash'],
  ['Archive', '\\Archive'],
];

/** A delivered message. */
export interface StoredMessage {
  readonly uid: number;
  /** The message exactly as delivered (CRLF line ends). */
  readonly raw: Uint8Array;
  /** When it arrived, in ms since the Unix epoch (IMAP INTERNALDATE). */
  readonly internalDate: number;
  readonly flags: ReadonlySet<string>;
  readonly modseq: number;
}

/** What changed in a mailbox. */
export type MailboxChange =
  | { readonly type: 'append'; readonly message: StoredMessage }
  | { readonly type: 'expunge'; readonly uids: readonly number[] }
  | { readonly type: 'flags'; readonly message: StoredMessage };

/** RFC 9208 §5 resources a quota root limits here. */
export type QuotaResource = 'STORAGE' | 'MESSAGE';

/** An account's limits; a missing one is unlimited. */
export interface QuotaLimits {
  /** RFC 9208 §5.1 STORAGE: units of 1024 octets. */
  readonly storageKiB?: number | undefined;
  /** RFC 9208 §5.2 MESSAGE: messages in all the account's mailboxes. */
  readonly messages?: number | undefined;
}

/** Why a write to the store failed: the account's quota (which resource), or a full disk (a fault). */
export class StoreFullError extends Error {
  constructor(
    readonly account: string,
    /** The quota resource that would be exceeded, or `disk` for the full-disk fault. */
    readonly resource: QuotaResource | 'disk',
  ) {
    super(
      resource === 'disk'
        ? `no space left on the disk for ${account}`
        : `mailbox of ${account} is full (${resource} quota exceeded)`,
    );
    this.name = 'StoreFullError';
  }
}

/** One mailbox (folder). */
export class Mailbox {
  #messages: StoredMessage[] = [];
  #uidNext = 1;
  #modseq = 1;
  readonly #listeners = new Set<(change: MailboxChange) => void>();
  /** UIDs no session has been told about yet: the next to select or be notified takes their \Recent. */
  readonly #unclaimedRecent = new Set<number>();
  /** Who may do what with this mailbox (RFC 4314); the owner is {@link account}. */
  readonly acl = new MailboxAcl();

  constructor(
    readonly account: Account,
    public name: string,
    readonly uidValidity: number,
    /** RFC 6154 special use (`\Sent`, `\Drafts`, `\Trash`, `\Junk`, `\Archive`), if any. */
    public specialUse?: string,
  ) {}

  /**
   * RFC 3501 §2.3.2: \Recent belongs to the first session told about a
   * message. A session calls this when it selects the mailbox (read-write)
   * or hears of new messages; it gets the UIDs that are recent for it, and
   * no other session will see them as recent.
   */
  claimRecent(): number[] {
    const uids = [...this.#unclaimedRecent].sort((a, b) => a - b);
    this.#unclaimedRecent.clear();
    return uids;
  }

  /** The rights `user` (an address) has on this mailbox (RFC 4314 §2). */
  rightsOf(user: string): ReadonlySet<Right> {
    return this.acl.rightsOf(user, this.account.address);
  }

  /** The UIDs that are recent and unclaimed, ascending, without claiming them (IMAP EXAMINE). */
  get unclaimedRecentUids(): number[] {
    return [...this.#unclaimedRecent].sort((a, b) => a - b);
  }

  /** How many messages are recent and unclaimed (STATUS RECENT, EXAMINE), without claiming them. */
  get unclaimedRecentCount(): number {
    return this.#unclaimedRecent.size;
  }

  /** Messages in UID order (sequence number n is index n − 1). */
  get messages(): readonly StoredMessage[] {
    return this.#messages;
  }
  /** The UID the next message will get. */
  get uidNext(): number {
    return this.#uidNext;
  }
  /** Highest modification sequence (RFC 7162). */
  get highestModSeq(): number {
    return this.#modseq;
  }
  /** Octets stored. */
  get size(): number {
    let n = 0;
    for (const m of this.#messages) n += m.raw.length;
    return n;
  }

  /** The message with `uid`, if present. */
  byUid(uid: number): StoredMessage | undefined {
    // UIDs ascend, so binary search.
    let lo = 0;
    let hi = this.#messages.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = this.#messages[mid]!;
      if (m.uid === uid) return m;
      if (m.uid < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /**
   * Adds a message; throws StoreFullError when the account's quota would be
   * exceeded (not for `moved`: a message moved within the account, whose
   * source copy is about to be expunged, is already counted) or the disk is full.
   */
  append(
    raw: Uint8Array,
    options: { flags?: Iterable<string>; internalDate: number; moved?: boolean },
  ): StoredMessage {
    this.account.reserve(raw.length, options.moved !== true);
    const message: StoredMessage = {
      uid: this.#uidNext++,
      raw,
      internalDate: options.internalDate,
      flags: new Set(options.flags ?? []),
      modseq: ++this.#modseq,
    };
    this.#messages.push(message);
    this.#unclaimedRecent.add(message.uid);
    this.#emit({ type: 'append', message });
    return message;
  }

  /** Replaces a message's flags. */
  setFlags(uid: number, flags: Iterable<string>): StoredMessage | undefined {
    const i = this.#indexOf(uid);
    if (i < 0) return undefined;
    const message: StoredMessage = { ...this.#messages[i]!, flags: new Set(flags), modseq: ++this.#modseq };
    this.#messages[i] = message;
    this.#emit({ type: 'flags', message });
    return message;
  }

  /** Removes messages for good; returns the UIDs actually removed, ascending. */
  expunge(uids: Iterable<number>): number[] {
    const gone = new Set(uids);
    const removed: number[] = [];
    this.#messages = this.#messages.filter((m) => {
      if (!gone.has(m.uid)) return true;
      removed.push(m.uid);
      this.#unclaimedRecent.delete(m.uid);
      this.account.release(m.raw.length);
      return false;
    });
    if (removed.length > 0) {
      this.#modseq++;
      this.#emit({ type: 'expunge', uids: removed });
    }
    return removed;
  }

  /** Hears every change; returns the unsubscribe function. */
  subscribe(listener: (change: MailboxChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #indexOf(uid: number): number {
    const m = this.byUid(uid);
    return m ? this.#messages.indexOf(m) : -1;
  }

  #emit(change: MailboxChange): void {
    for (const l of this.#listeners) l(change);
  }
}

/** A user's account: credentials and mailboxes. */
export class Account {
  readonly #mailboxes = new Map<string, Mailbox>();
  readonly subscriptions = new Set<string>();
  #used = 0;
  #count = 0;
  /** Limits of the account's quota root (RFC 9208); none by default. */
  quota: QuotaLimits = {};
  /** Which session holds the POP3 maildrop lock (RFC 1939 §8), if any. */
  maildropLock: string | undefined;

  constructor(
    readonly store: MailStore,
    readonly address: string,
    public password: string,
    readonly displayName: string,
  ) {
    this.createMailbox('INBOX');
    // The folders a mail program expects, marked for RFC 6154 SPECIAL-USE (Dovecot's usual set).
    for (const [name, use] of DEFAULT_FOLDERS) {
      this.createMailbox(name, use);
      this.subscriptions.add(name);
    }
    this.subscriptions.add('INBOX');
  }

  /** The mailbox with this special use (`\Junk` for quarantined mail, `\Sent`…), if any. */
  specialMailbox(use: string): Mailbox | undefined {
    return this.mailboxes.find((m) => m.specialUse === use);
  }

  /** The INBOX (always present; RFC 3501 §5.1: its name is case-insensitive). */
  get inbox(): Mailbox {
    return this.#mailboxes.get('INBOX')!;
  }

  /** Mailboxes in creation order. */
  get mailboxes(): readonly Mailbox[] {
    return [...this.#mailboxes.values()];
  }

  /** The mailbox called `name` (INBOX in any case). */
  mailbox(name: string): Mailbox | undefined {
    return this.#mailboxes.get(normaliseName(name));
  }

  /** Creates a mailbox; returns undefined if it exists. */
  createMailbox(name: string, specialUse?: string): Mailbox | undefined {
    const key = normaliseName(name);
    if (this.#mailboxes.has(key)) return undefined;
    const box = new Mailbox(this, key, this.store.nextUidValidity(), specialUse);
    this.#mailboxes.set(key, box);
    return box;
  }

  /** Deletes a mailbox (not INBOX); returns whether it existed. */
  deleteMailbox(name: string): boolean {
    const key = normaliseName(name);
    const box = this.#mailboxes.get(key);
    if (!box || key === 'INBOX') return false;
    this.release(box.size, box.messages.length);
    // RFC 3501 §6.3.9: the server MUST NOT remove a name from the subscription list on its own.
    return this.#mailboxes.delete(key);
  }

  /** Renames a mailbox; the renamed one keeps its messages under a new UIDVALIDITY-safe identity. */
  renameMailbox(from: string, to: string): boolean {
    const src = normaliseName(from);
    const dst = normaliseName(to);
    const box = this.#mailboxes.get(src);
    if (!box || this.#mailboxes.has(dst)) return false;
    this.#mailboxes.delete(src);
    box.name = dst;
    this.#mailboxes.set(dst, box);
    return true;
  }

  /** Octets used. */
  get used(): number {
    return this.#used;
  }

  /** Messages held, in all mailboxes. */
  get messageCount(): number {
    return this.#count;
  }

  /** RFC 9208 §5.1: STORAGE usage in units of 1024 octets, rounded down (as Dovecot reports it). */
  get usedKiB(): number {
    return Math.floor(this.#used / 1024);
  }

  /**
   * The resource that adding `messages` messages of `octets` in total would
   * take over its limit, if any. The MDA asks this before a delivery (so the
   * MTA can answer 452 4.2.2 "Mailbox full"), IMAP before APPEND and COPY.
   */
  quotaExceededBy(octets: number, messages = 1): QuotaResource | undefined {
    const { storageKiB, messages: maxMessages } = this.quota;
    if (storageKiB !== undefined && this.#used + octets > storageKiB * 1024) return 'STORAGE';
    if (maxMessages !== undefined && this.#count + messages > maxMessages) return 'MESSAGE';
    return undefined;
  }

  /** @internal Claims space for a new message; `limited` false for a move within the account. */
  reserve(octets: number, limited = true): void {
    if (this.store.full) throw new StoreFullError(this.address, 'disk');
    const over = limited ? this.quotaExceededBy(octets) : undefined;
    if (over !== undefined) throw new StoreFullError(this.address, over);
    this.#used += octets;
    this.#count++;
  }

  /** @internal Frees the space of removed messages. */
  release(octets: number, messages = 1): void {
    this.#used = Math.max(0, this.#used - octets);
    this.#count = Math.max(0, this.#count - messages);
  }
}

/** All accounts of one host. */
export class MailStore {
  readonly #accounts = new Map<string, Account>();
  #uidValidity: number;
  /** Fault: while true, every append fails as on a full disk. */
  full = false;

  /** `uidValidityBase` seeds UIDVALIDITY values (a world passes its epoch seconds, so values look real and replay alike). */
  constructor(uidValidityBase = 1) {
    this.#uidValidity = uidValidityBase;
  }

  /** @internal */
  nextUidValidity(): number {
    return this.#uidValidity++;
  }

  /** Creates an account (or returns the existing one, with the password updated). */
  createAccount(address: string, password: string, displayName = ''): Account {
    const key = address.toLowerCase();
    const existing = this.#accounts.get(key);
    if (existing) {
      existing.password = password;
      return existing;
    }
    const account = new Account(this, key, password, displayName);
    this.#accounts.set(key, account);
    return account;
  }

  /** The account for `address` (case-insensitive), if any. */
  account(address: string): Account | undefined {
    return this.#accounts.get(address.toLowerCase());
  }

  /** All accounts. */
  get accounts(): readonly Account[] {
    return [...this.#accounts.values()];
  }
}

/** RFC 3501 §5.1: INBOX is case-insensitive; other names are kept as given. */
function normaliseName(name: string): string {
  return name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
}
