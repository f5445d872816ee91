/**
 * One session's view of its selected mailbox (RFC 3501 §5.2, §7.4.1;
 * RFC 9051 §5.2): the message sequence numbers as this session knows them,
 * the messages that are \Recent for it, and the changes other sessions (or
 * its own COPY/APPEND/EXPUNGE) made to the store that it has not yet been
 * told about.
 *
 * Theory of operation. The view keeps its own list of {@link StoredMessage}
 * snapshots; sequence number n is index n − 1. It subscribes to the store's
 * mailbox: a new message waits in `pendingAppend` (it has no sequence number
 * yet), an expunged one stays in the list, still readable, until the expunge
 * is announced, and a flag change made elsewhere updates the snapshot at once
 * and waits to be announced as `* n FETCH (FLAGS …)`. {@link flush} turns the
 * waiting changes into untagged responses: at NOOP, at the end of every
 * command, and at once while idling. Expunges are held back while the
 * command is FETCH, STORE or SEARCH (or their UID forms), which RFC 3501
 * §7.4.1 requires for the sequence-number forms and we choose for all, so a
 * client's sequence numbers stay valid for the whole command.
 *
 * The session's own flag writes (STORE, the \Seen of FETCH BODY[]) go through
 * {@link write}, which keeps them out of the unsolicited FETCH list: the
 * command reports them itself, or not at all for `.SILENT`.
 *
 * Once the session has enabled CONDSTORE, a flag change is reported as
 * `* n FETCH (UID u FLAGS (…) MODSEQ (m))` (RFC 7162 §3.1: "both UID and
 * mod-sequence data in all subsequent untagged FETCH responses"), so a
 * client's cache always learns the new mod-sequence.
 */
import { STANDARD_RIGHTS, type Right } from '../store/acl.ts';
import type { Mailbox, MailboxChange, StoredMessage } from '../store/mail-store.ts';
import { mayChangeFlag } from './mailbox-access.ts';
import {
  atom,
  expandSequenceSet,
  fetchResponse,
  list,
  MAX_NZ_NUMBER,
  num,
  type ImapResponse,
  type ImapValue,
  type SeqItem,
} from './codec/index.ts';

/** The system flags in Dovecot's order for `* FLAGS` (RFC 3501 §7.2.6). */
export const SYSTEM_FLAG_ORDER = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'] as const;

/** A message of the view with its sequence number. */
export interface ViewMessage {
  readonly seq: number;
  readonly message: StoredMessage;
}

/** The selected mailbox as one session sees it; see the module comment. */
export class SelectedMailbox {
  #messages: StoredMessage[];
  readonly #recent = new Set<number>();
  readonly #pendingExpunge = new Set<number>();
  #pendingAppend: StoredMessage[] = [];
  readonly #pendingFlags = new Set<number>();
  /** Keywords already announced in `* FLAGS`. */
  readonly #keywords = new Set<string>();
  #quiet = 0;
  #unsubscribe: (() => void) | undefined;

  constructor(
    readonly mailbox: Mailbox,
    /** EXAMINE (RFC 3501 §6.3.2): no flag changes, no \Recent claimed. */
    readonly readOnly: boolean,
    /** Called after a change arrives from the store, so an idling session can push it. */
    readonly notify: () => void = () => {},
    /**
     * The user's rights, taken at SELECT (RFC 4314 §5.1.1: a server MAY
     * cache them until the mailbox is selected again).
     */
    readonly rights: ReadonlySet<Right> = new Set(STANDARD_RIGHTS),
  ) {
    this.#messages = [...mailbox.messages];
    // RFC 3501 §2.3.2: a read-write SELECT takes \Recent; EXAMINE only looks.
    const recent = readOnly ? mailbox.unclaimedRecentUids : mailbox.claimRecent();
    for (const uid of recent) this.#recent.add(uid);
    for (const k of this.#allKeywords()) this.#keywords.add(k);
    this.#unsubscribe = mailbox.subscribe((change) => this.#onChange(change));
  }

  /** Stops listening to the store (the session left the selected state). */
  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** Messages with their sequence numbers, as the session knows them. */
  get messages(): readonly StoredMessage[] {
    return this.#messages;
  }

  /** `* n EXISTS` as last reported. */
  get count(): number {
    return this.#messages.length;
  }

  /** How many messages are \Recent for this session. */
  get recentCount(): number {
    let n = 0;
    for (const m of this.#messages) if (this.#recent.has(m.uid)) n++;
    return n;
  }

  /** The flags FETCH reports: the stored ones plus \Recent (RFC 3501 §2.3.2). */
  flagsOf(message: StoredMessage): string[] {
    const flags = [...message.flags];
    if (this.#recent.has(message.uid)) flags.push('\\Recent');
    return flags;
  }

  /** Whether the message is \Recent for this session. */
  isRecent(uid: number): boolean {
    return this.#recent.has(uid);
  }

  /** Whether the message was expunged and the session not yet told. */
  isExpunged(uid: number): boolean {
    return this.#pendingExpunge.has(uid);
  }

  /** The highest UID the session knows, for `*` in a UID set (0 when empty). */
  get highestUid(): number {
    return this.#messages.at(-1)?.uid ?? 0;
  }

  /**
   * The messages a set names, ascending. Sequence numbers count from 1 to
   * {@link count}; `*` is the last message, or for UIDs the highest UID.
   */
  resolve(set: readonly SeqItem[], byUid: boolean): ViewMessage[] {
    const out: ViewMessage[] = [];
    const messages = this.#messages;
    if (byUid) {
      // RFC 3501 §6.4.8: `*` is the largest UID in use; a range need not name existing UIDs.
      const ranges = expandSequenceSet(set, this.highestUid === 0 ? MAX_NZ_NUMBER : this.highestUid);
      // UIDs ascend with the sequence numbers: each range is one run, found by binary search.
      for (const [lo, hi] of ranges) {
        for (let i = firstIndexWithUid(messages, lo); i < messages.length && messages[i]!.uid <= hi; i++)
          out.push({ seq: i + 1, message: messages[i]! });
      }
      return out;
    }
    for (const [lo, hi] of expandSequenceSet(set, messages.length))
      for (let seq = lo; seq <= hi; seq++) out.push({ seq, message: messages[seq - 1]! });
    return out;
  }

  /** Runs the session's own flag change: the command reports it, so it is not queued as unsolicited. */
  write<T>(fn: () => T): T {
    this.#quiet++;
    try {
      return fn();
    } finally {
      this.#quiet--;
    }
  }

  /**
   * `* n FETCH (…)` for a flag change: UID when `withUid`, FLAGS unless
   * `flags` is false (STORE .SILENT), MODSEQ when `withModSeq` (RFC 7162 §3.1.3).
   */
  flagUpdate(
    seq: number,
    message: StoredMessage,
    options: { readonly withUid: boolean; readonly flags: boolean; readonly withModSeq: boolean },
  ): ImapResponse {
    const items: (readonly [string, ImapValue])[] = [];
    if (options.withUid) items.push(['UID', num(message.uid)]);
    if (options.flags) items.push(['FLAGS', list(...this.flagsOf(message).map(atom))]);
    if (options.withModSeq) items.push(['MODSEQ', list(num(message.modseq))]);
    return fetchResponse(seq, items);
  }

  /** `* FLAGS` and PERMANENTFLAGS when a keyword appeared that the session has not been told of. */
  announceKeywords(): ImapResponse[] {
    let fresh = false;
    for (const k of this.#allKeywords()) {
      if (!this.#keywords.has(k)) {
        this.#keywords.add(k);
        fresh = true;
      }
    }
    return fresh ? this.flagResponses() : [];
  }

  /** Whether this session may set or clear `flag` (RFC 4314 §4: s for \Seen, t for \Deleted, w for the rest). */
  mayChange(flag: string): boolean {
    return !this.readOnly && mayChangeFlag(this.rights, flag);
  }

  /**
   * `* FLAGS (…)` and `* OK [PERMANENTFLAGS (…)]`, as SELECT sends them
   * (Dovecot's wording); PERMANENTFLAGS lists only the flags the user's
   * rights let them change (RFC 4314 §5.1.1).
   */
  flagResponses(): ImapResponse[] {
    const flags = [...SYSTEM_FLAG_ORDER, ...[...this.#keywords].sort()];
    const permanent = [...flags, '\\*'].filter((f) => this.mayChange(f));
    return [
      { kind: 'data', name: 'FLAGS', values: [list(...flags.map(atom))] },
      this.readOnly
        ? {
            kind: 'status',
            status: 'OK',
            code: { code: 'PERMANENTFLAGS', flags: [] },
            text: 'Read-only mailbox.',
          }
        : {
            kind: 'status',
            status: 'OK',
            code: { code: 'PERMANENTFLAGS', flags: permanent },
            text: 'Flags permitted.',
          },
    ];
  }

  /**
   * The pending changes as untagged responses (RFC 3501 §7.4.1, §7.3.1):
   * EXPUNGEs highest first (so each number is valid when sent) unless
   * `allowExpunge` is false, then EXISTS and RECENT for new messages, then
   * FETCH FLAGS for flags changed by others (with UID and MODSEQ once
   * `condstore` is enabled).
   */
  flush(allowExpunge: boolean, condstore = false): ImapResponse[] {
    const out: ImapResponse[] = [];
    if (allowExpunge && this.#pendingExpunge.size > 0) {
      for (let i = this.#messages.length - 1; i >= 0; i--) {
        const uid = this.#messages[i]!.uid;
        if (this.#pendingExpunge.has(uid))
          out.push({ kind: 'data', number: i + 1, name: 'EXPUNGE', values: [] });
      }
      this.#messages = this.#messages.filter((m) => !this.#pendingExpunge.has(m.uid));
      for (const uid of this.#pendingExpunge) {
        this.#recent.delete(uid);
        this.#pendingFlags.delete(uid);
      }
      this.#pendingExpunge.clear();
    }
    if (this.#pendingAppend.length > 0) {
      const known = new Set(this.#pendingAppend.map((m) => m.uid));
      this.#messages.push(...this.#pendingAppend);
      this.#pendingAppend = [];
      const recent = this.readOnly ? this.mailbox.unclaimedRecentUids : this.mailbox.claimRecent();
      for (const uid of recent) if (known.has(uid)) this.#recent.add(uid);
      out.push(...this.announceKeywords());
      out.push({ kind: 'data', number: this.#messages.length, name: 'EXISTS', values: [] });
      out.push({ kind: 'data', number: this.recentCount, name: 'RECENT', values: [] });
    }
    if (this.#pendingFlags.size > 0) {
      out.push(...this.announceKeywords());
      const options = { withUid: condstore, flags: true, withModSeq: condstore };
      this.#messages.forEach((m, i) => {
        if (this.#pendingFlags.has(m.uid)) out.push(this.flagUpdate(i + 1, m, options));
      });
      this.#pendingFlags.clear();
    }
    return out;
  }

  #allKeywords(): Set<string> {
    const out = new Set<string>();
    for (const m of this.#messages) for (const f of m.flags) if (!f.startsWith('\\')) out.add(f);
    return out;
  }

  #onChange(change: MailboxChange): void {
    switch (change.type) {
      case 'append':
        this.#pendingAppend.push(change.message);
        break;
      case 'flags': {
        const { message } = change;
        const i = this.#messages.findIndex((m) => m.uid === message.uid);
        if (i >= 0) {
          this.#messages[i] = message;
          if (this.#quiet === 0) this.#pendingFlags.add(message.uid);
          else this.#pendingFlags.delete(message.uid);
        } else {
          const j = this.#pendingAppend.findIndex((m) => m.uid === message.uid);
          if (j >= 0) this.#pendingAppend[j] = message;
        }
        if (this.#quiet > 0) return;
        break;
      }
      case 'expunge': {
        const gone = new Set(change.uids);
        // A message never announced simply never appears.
        this.#pendingAppend = this.#pendingAppend.filter((m) => !gone.has(m.uid));
        for (const m of this.#messages) if (gone.has(m.uid)) this.#pendingExpunge.add(m.uid);
        break;
      }
    }
    this.notify();
  }
}

/** The index of the first message whose UID is at least `uid` (messages ascend by UID). */
function firstIndexWithUid(messages: readonly StoredMessage[], uid: number): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (messages[mid]!.uid < uid) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
