/**
 * Mailbox names across accounts and the rights they need (RFC 4314 §4,
 * RFC 2342 namespaces).
 *
 * A user's own mailboxes are the personal namespace, prefix `""`. Mailboxes
 * of other users that the ACL lets them see are in the "other users"
 * namespace: `Other Users/<owner's address>/<owner's name for it>`, so
 * bob's `Projects` shared with alice is `Other Users/bob@example.net/Projects`
 * for her (Dovecot's `shared/%u/` layout, under a name a learner can read).
 *
 * Existence is not revealed to whoever may not see a mailbox (RFC 4314 §6):
 * without `l` or `r` on it, a command gets the same NO as for a mailbox that
 * does not exist. With `l` or `r` but without the right the command needs,
 * the answer is `NO [NOPERM]` (RFC 5530).
 */
import type { Right } from '../store/acl.ts';
import type { Account, Mailbox, MailStore } from '../store/mail-store.ts';
import type { ResponseCode } from './codec/index.ts';
import { DELIMITER } from './mailbox-list.ts';
import { no, type CommandResult } from './commands/types.ts';

/** The root of the other users' namespace (RFC 2342 §5 "Other Users' Namespace"). */
export const OTHER_USERS = 'Other Users';

/** Dovecot's words for a refused right. */
export const PERMISSION_DENIED = 'Permission denied.';

/** Where a mailbox name points. */
export interface ResolvedName {
  /** The account that owns the name; undefined for an unknown user or the namespace itself. */
  readonly owner: Account | undefined;
  /** The owner's name for the mailbox; empty for a namespace prefix (`Other Users/bob@example.net`). */
  readonly local: string;
}

/** What a user session needs to resolve names. */
export interface Viewer {
  readonly store: MailStore;
  readonly account: Account | undefined;
}

/** Splits a name into its owner and the owner's own name for it. */
export function resolveName(viewer: Viewer, name: string): ResolvedName {
  if (name !== OTHER_USERS && !name.startsWith(OTHER_USERS + DELIMITER))
    return { owner: viewer.account, local: name };
  const [user = '', ...rest] = name.slice(OTHER_USERS.length + 1).split(DELIMITER);
  const owner = user === '' ? undefined : viewer.store.account(user);
  const local = rest.join(DELIMITER);
  return { owner, local: local.toUpperCase() === 'INBOX' ? 'INBOX' : local };
}

/** The name `viewer` knows `box` by. */
export function displayName(viewer: Account, box: Mailbox): string {
  return box.account === viewer ? box.name : otherUsersName(box.account, box.name);
}

/** `Other Users/<owner>/<name>`. */
export function otherUsersName(owner: Account, name: string): string {
  return [OTHER_USERS, owner.address, name].join(DELIMITER);
}

/** The rights of the logged-in user on `box`. */
export function rightsOn(viewer: Viewer, box: Mailbox): ReadonlySet<Right> {
  return viewer.account === undefined ? new Set() : box.rightsOf(viewer.account.address);
}

/** RFC 4314 §6: a mailbox the user can neither list nor read is, for them, not there. */
export function isVisible(rights: ReadonlySet<Right>): boolean {
  return rights.has('l') || rights.has('r');
}

/** The mailbox a name points to, whether or not the user may see it. */
export function findMailbox(viewer: Viewer, name: string): Mailbox | undefined {
  const { owner, local } = resolveName(viewer, name);
  return local === '' ? undefined : owner?.mailbox(local);
}

/** An opened mailbox with the user's rights on it, or the NO to send. */
export type Access =
  | { readonly ok: true; readonly box: Mailbox; readonly rights: ReadonlySet<Right> }
  | { readonly ok: false; readonly result: CommandResult };

/** The NO for a mailbox that is missing (or hidden from the user). */
export function missingMailbox(
  name: string,
  code: 'NONEXISTENT' | 'TRYCREATE' = 'NONEXISTENT',
): CommandResult {
  return no(`Mailbox doesn't exist: ${name}`, { code });
}

/** `NO [NOPERM] Permission denied.` */
export function permissionDenied(): CommandResult {
  const code: ResponseCode = { code: 'NOPERM' };
  return no(PERMISSION_DENIED, code);
}

/**
 * Looks up `name` for a command that needs `needed` (any one of them, for
 * MYRIGHTS's "Any"): the mailbox and the rights, or the NO — the same one
 * as for a missing mailbox when the user may not see it (RFC 4314 §6).
 */
export function openMailbox(
  viewer: Viewer,
  name: string,
  needed: readonly Right[],
  missing: 'NONEXISTENT' | 'TRYCREATE' = 'NONEXISTENT',
): Access {
  const box = findMailbox(viewer, name);
  if (box === undefined) return { ok: false, result: missingMailbox(name, missing) };
  const rights = rightsOn(viewer, box);
  if (needed.some((r) => rights.has(r))) return { ok: true, box, rights };
  if (!isVisible(rights)) return { ok: false, result: missingMailbox(name, missing) };
  return { ok: false, result: permissionDenied() };
}

/**
 * Every mailbox `viewer` may list (RFC 4314 §4: LIST needs `l`), by the
 * name the viewer knows it by: their own, then other users' by address.
 */
export function listableMailboxes(viewer: Viewer): { readonly name: string; readonly box: Mailbox }[] {
  const self = viewer.account;
  if (self === undefined) return [];
  const out = self.mailboxes
    .filter((box) => box.rightsOf(self.address).has('l'))
    .map((box) => ({ name: box.name, box }));
  const others = viewer.store.accounts
    .filter((a) => a !== self)
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  for (const owner of others)
    for (const box of owner.mailboxes)
      if (box.rightsOf(self.address).has('l')) out.push({ name: otherUsersName(owner, box.name), box });
  return out;
}

/**
 * The flags a user may set or clear (RFC 4314 §4): `\Seen` needs `s`,
 * `\Deleted` needs `t`, every other flag and keyword `w`.
 */
export function mayChangeFlag(rights: ReadonlySet<Right>, flag: string): boolean {
  const lower = flag.toLowerCase();
  if (lower === '\\seen') return rights.has('s');
  if (lower === '\\deleted') return rights.has('t');
  return rights.has('w');
}

/** The flags of a copied or appended message that the target's rights let through (RFC 4314 §4). */
export function permittedFlags(rights: ReadonlySet<Right>, flags: Iterable<string>): string[] {
  return [...flags].filter((f) => mayChangeFlag(rights, f));
}
