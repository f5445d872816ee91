/**
 * The maildrop as one POP3 session sees it (RFC 1939 §§5–6): a snapshot of
 * the INBOX taken at login, numbered 1..n for the whole session, with a set
 * of numbers marked deleted. Pure values: marking or unmarking returns a new
 * maildrop, and only the UPDATE state touches the store.
 *
 * Why a snapshot: message numbers must not shift under a client that has
 * just read LIST (§5 "message-numbers … remain fixed for the session"), so
 * mail delivered during the session is invisible until the next login, as in
 * Dovecot and qpopper. The snapshot keeps the stored octets too (they are
 * immutable), so RETR serves what LIST measured even if IMAP expunges the
 * message meanwhile.
 */
import type { Mailbox, StoredMessage } from '../store/mail-store.ts';

/** One message of the snapshot. */
export interface MaildropEntry {
  /** The message number, 1-based (RFC 1939 §5). */
  readonly number: number;
  readonly uid: number;
  /** Octets as stored, CRLF line ends (the size RETR sends before stuffing, §7 LIST). */
  readonly size: number;
  /** The unique-id listing value (§7 UIDL). */
  readonly uidl: string;
  readonly message: StoredMessage;
}

/** The session's view of the maildrop. */
export interface Maildrop {
  /** The account's address (the store's key). */
  readonly account: string;
  readonly entries: readonly MaildropEntry[];
  /** Message numbers marked by DELE, forgotten by RSET, removed at UPDATE. */
  readonly deleted: ReadonlySet<number>;
}

/**
 * RFC 1939 §7: a unique-id is 1–70 characters 0x21–0x7E, the same for a
 * message in every session and never reused in the maildrop. UIDVALIDITY and
 * UID together are exactly that (Dovecot's `%v.%u` default, `pop3_uidl_format`).
 */
export function uidlOf(uidValidity: number, uid: number): string {
  return `${uidValidity}.${uid}`;
}

/** Takes the snapshot at login. */
export function openMaildrop(account: string, inbox: Mailbox): Maildrop {
  return {
    account,
    entries: inbox.messages.map((message, i) => ({
      number: i + 1,
      uid: message.uid,
      size: message.raw.length,
      uidl: uidlOf(inbox.uidValidity, message.uid),
      message,
    })),
    deleted: new Set(),
  };
}

/** A message number's fate: the entry, or why there is none (RFC 1939 §7 "-ERR no such message"). */
export type Lookup =
  | { readonly kind: 'found'; readonly entry: MaildropEntry }
  | { readonly kind: 'missing' }
  | { readonly kind: 'deleted' };

/** Looks a message number up; deleted messages may not be referred to (RFC 1939 §7 DELE). */
export function lookup(maildrop: Maildrop, msg: number): Lookup {
  const entry = maildrop.entries[msg - 1];
  if (!Number.isInteger(msg) || msg < 1 || entry === undefined) return { kind: 'missing' };
  return maildrop.deleted.has(msg) ? { kind: 'deleted' } : { kind: 'found', entry };
}

/** The messages not marked deleted, in number order. */
export function visible(maildrop: Maildrop): MaildropEntry[] {
  return maildrop.entries.filter((e) => !maildrop.deleted.has(e.number));
}

/** STAT's numbers: count and octets of the messages not marked deleted (RFC 1939 §5). */
export function stat(maildrop: Maildrop): { readonly count: number; readonly octets: number } {
  const live = visible(maildrop);
  return { count: live.length, octets: live.reduce((n, e) => n + e.size, 0) };
}

/** Marks a message deleted. */
export function markDeleted(maildrop: Maildrop, msg: number): Maildrop {
  return { ...maildrop, deleted: new Set([...maildrop.deleted, msg]) };
}

/** RSET: every mark is forgotten (RFC 1939 §6). */
export function unmarkAll(maildrop: Maildrop): Maildrop {
  return { ...maildrop, deleted: new Set() };
}

/** The UIDs to expunge at UPDATE. */
export function deletedUids(maildrop: Maildrop): number[] {
  return maildrop.entries.filter((e) => maildrop.deleted.has(e.number)).map((e) => e.uid);
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * RFC 1939 §7 TOP: the header, the blank line after it, and the first
 * `lines` lines of the body. A message with no blank line is all header.
 * TOLERANCE: a bare LF counts as a line end, in case a message was stored
 * with one.
 */
export function topOf(raw: Uint8Array, lines: number): Uint8Array {
  // Find the end of the header: the first empty line.
  let i = 0;
  let bodyStart = raw.length;
  while (i < raw.length) {
    const lf = raw.indexOf(LF, i);
    const lineEnd = lf === -1 ? raw.length : lf + 1;
    const content = lf === -1 ? raw.length - i : lf - i - (lf > i && raw[lf - 1] === CR ? 1 : 0);
    i = lineEnd;
    if (content === 0 && lf !== -1) {
      bodyStart = lineEnd;
      break;
    }
  }
  let end = bodyStart;
  for (let n = 0; n < lines && end < raw.length; n++) {
    const lf = raw.indexOf(LF, end);
    end = lf === -1 ? raw.length : lf + 1;
  }
  return raw.subarray(0, end);
}
