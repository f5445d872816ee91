/**
 * Mailbox names as a hierarchy (RFC 3501 §5.1.1, §6.3.8; RFC 5258
 * LIST-EXTENDED; RFC 6154 SPECIAL-USE; RFC 3348 CHILDREN): pattern
 * matching with `*` and `%`, the intermediate names that exist only as
 * parents (`\Noselect`), and the attributes a LIST reply carries.
 *
 * The hierarchy delimiter is `/`. Names are Unicode here; the LIST command
 * writes them in modified UTF-7 (RFC 3501 §5.1.3).
 */
import type { Account } from '../store/mail-store.ts';

/** The hierarchy delimiter. */
export const DELIMITER = '/';

/** One name a LIST may return. */
export interface ListEntry {
  readonly name: string;
  /** The mailbox exists (false: an intermediate name, or subscribed but gone). */
  readonly exists: boolean;
  readonly attributes: readonly string[];
}

/**
 * A matcher for `reference` + `pattern` (RFC 3501 §6.3.8): `*` matches
 * anything, `%` anything but the delimiter. INBOX matches case-insensitively.
 */
export function listMatcher(reference: string, pattern: string): (name: string) => boolean {
  // SIMPLIFICATION: the reference is prefixed as written (Dovecot's behaviour for a personal namespace).
  const source = [...(reference + pattern)]
    .map((c) => (c === '*' ? '.*' : c === '%' ? '[^/]*' : c.replace(/[\\^$.|?+()[\]{}]/g, '\\$&')))
    .join('');
  const exact = new RegExp(`^${source}$`, 'u');
  const inbox = new RegExp(`^${source}$`, 'iu');
  return (name) => exact.test(name) || ((name === 'INBOX' || name.startsWith('INBOX/')) && inbox.test(name));
}

/** A mailbox as LIST sees it: the name the user knows it by, and its special use if it is the user's own. */
export interface ListedMailbox {
  readonly name: string;
  readonly specialUse?: string | undefined;
}

/** Every name in the hierarchy: the mailboxes and their missing parents, INBOX first, then sorted. */
export function hierarchy(mailboxes: readonly ListedMailbox[]): ListEntry[] {
  const byName = new Map(mailboxes.map((m) => [m.name, m]));
  const names = new Set(byName.keys());
  const all = new Set(names);
  for (const name of names) {
    const parts = name.split(DELIMITER);
    for (let i = 1; i < parts.length; i++) all.add(parts.slice(0, i).join(DELIMITER));
  }
  const sorted = [...all].sort((a, b) =>
    a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
  return sorted.map((name) => {
    const children = [...all].some((n) => n.startsWith(name + DELIMITER));
    const box = byName.get(name);
    const attributes: string[] = [];
    // RFC 3501 §7.2.2: a name that exists only as a parent cannot be selected.
    if (!box) attributes.push('\\Noselect');
    attributes.push(children ? '\\HasChildren' : '\\HasNoChildren');
    if (box?.specialUse !== undefined) attributes.push(box.specialUse);
    return { name, exists: box !== undefined, attributes };
  });
}

/** Whether `name` has children in the account. */
export function hasChildren(account: Account, name: string): boolean {
  return account.mailboxes.some((m) => m.name.startsWith(name + DELIMITER));
}
