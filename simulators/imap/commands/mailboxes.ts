/**
 * CREATE, DELETE, RENAME (RFC 3501 §6.3.3–5, RFC 6154 §3 CREATE-SPECIAL-USE),
 * SUBSCRIBE and UNSUBSCRIBE (§6.3.6–7), with the rights RFC 4314 §4 asks
 * for: CREATE `k` on the nearest existing parent, DELETE `x`, RENAME `x` on
 * the old name and `k` on the new parent, SUBSCRIBE `l`. Names may point
 * into another user's account (`Other Users/…`, mailbox-access.ts).
 * Refusals carry RFC 5530 codes, as Dovecot sends them.
 */
import type { Account, Mailbox } from '../../store/mail-store.ts';
import { StoreFullError } from '../../store/mail-store.ts';
import {
  isVisible,
  openMailbox,
  OTHER_USERS,
  otherUsersName,
  permissionDenied,
  resolveName,
  rightsOn,
  type Viewer,
} from '../mailbox-access.ts';
import { DELIMITER, hasChildren } from '../mailbox-list.ts';
import { no, ok, type CommandHandler, type CommandResult } from './types.ts';

/** RFC 3501 §6.3.3: a trailing delimiter only declares the name a parent. */
const stripDelimiter = (name: string) => (name.endsWith(DELIMITER) ? name.slice(0, -1) : name);

/** The closest existing ancestor of `local` in `owner`'s account (RFC 4314 §4 "nearest existing parent"). */
function nearestParent(owner: Account, local: string): Mailbox | undefined {
  const parts = local.split(DELIMITER);
  for (let i = parts.length - 1; i > 0; i--) {
    const parent = owner.mailbox(parts.slice(0, i).join(DELIMITER));
    if (parent !== undefined) return parent;
  }
  return undefined;
}

/**
 * Whether the user may create `local` in `owner`'s account: in their own
 * account always at the top (the owner holds k on their whole hierarchy),
 * otherwise with k on the nearest existing parent; and the parent whose
 * ACL the new mailbox inherits.
 */
function mayCreate(
  viewer: Viewer,
  owner: Account,
  local: string,
): { readonly ok: boolean; readonly parent: Mailbox | undefined } {
  const parent = nearestParent(owner, local);
  if (parent === undefined) return { ok: owner === viewer.account, parent };
  return { ok: rightsOn(viewer, parent).has('k'), parent };
}

/** The namespace prefixes themselves (`Other Users`, `Other Users/bob@example.net`) are not mailboxes. */
const invalidName = (): CommandResult => no('Invalid mailbox name.', { code: 'CANNOT' });

export const create: CommandHandler<'CREATE'> = (s, cmd) => {
  const name = stripDelimiter(cmd.mailbox);
  const { owner, local } = resolveName(s, name);
  if (s.account === undefined || name === '') return no('Invalid mailbox name.');
  if (owner === undefined || local === '')
    return name.startsWith(OTHER_USERS) ? invalidName() : permissionDenied();
  const existing = owner.mailbox(local);
  if (existing !== undefined)
    return isVisible(rightsOn(s, existing))
      ? no('Mailbox already exists', { code: 'ALREADYEXISTS' })
      : permissionDenied();
  const allowed = mayCreate(s, owner, local);
  if (!allowed.ok) return permissionDenied();
  const use = owner === s.account ? cmd.specialUse?.[0] : undefined;
  const box = owner.createMailbox(local, use)!;
  // RFC 4314 §4: a new mailbox SHOULD inherit its parent's ACL.
  if (allowed.parent !== undefined) box.acl.copyFrom(allowed.parent.acl);
  return ok('Create completed.');
};

export const deleteMailbox: CommandHandler<'DELETE'> = (s, cmd) => {
  // RFC 4314 §4: DELETE needs x on the mailbox; its ACL goes with it.
  const access = openMailbox(s, cmd.mailbox, ['x']);
  if (!access.ok) return access.result;
  const { box } = access;
  const account = box.account;
  if (box.name === 'INBOX') return no("INBOX can't be deleted.", { code: 'CANNOT' });
  // SIMPLIFICATION: the store has no \Noselect mailboxes, so a parent is refused (Dovecot's answer too).
  if (hasChildren(account, box.name))
    return no('Mailbox has children, delete them first', { code: 'HASCHILDREN' });
  account.deleteMailbox(box.name);
  return ok('Delete completed.');
};

export const rename: CommandHandler<'RENAME'> = (s, cmd) => {
  // RFC 4314 §4: x on the old name, k on the new name's parent.
  const access = openMailbox(s, cmd.from, ['x']);
  if (!access.ok) return access.result;
  const source = access.box;
  const account = source.account;
  const destination = resolveName(s, stripDelimiter(cmd.to));
  // SIMPLIFICATION: a mailbox stays in its owner's account (Dovecot refuses moves between namespaces too).
  if (destination.owner !== account || destination.local === '')
    return no("Can't rename mailboxes across namespaces.", { code: 'CANNOT' });
  const to = destination.local;
  if (account.mailbox(to) !== undefined)
    return no('Target mailbox already exists', { code: 'ALREADYEXISTS' });
  if (!mayCreate(s, account, to).ok) return permissionDenied();
  if (source.name === 'INBOX') {
    // RFC 3501 §6.3.5: renaming INBOX moves its messages to the new name and leaves INBOX empty.
    const target = account.createMailbox(to)!;
    const moved: number[] = [];
    try {
      for (const m of source.messages) {
        target.append(m.raw, { flags: m.flags, internalDate: m.internalDate, moved: true });
        moved.push(m.uid);
      }
    } catch (e) {
      if (!(e instanceof StoreFullError)) throw e;
      account.deleteMailbox(to);
      return no('Quota exceeded', { code: 'OVERQUOTA' });
    }
    source.expunge(moved);
    return ok('Rename completed.');
  }
  // Inferior names move with their parent (RFC 3501 §6.3.5).
  const children = account.mailboxes.filter((m) => m.name.startsWith(source.name + DELIMITER));
  const from = source.name;
  account.renameMailbox(from, to);
  for (const child of children) account.renameMailbox(child.name, to + child.name.slice(from.length));
  // The renaming user's subscriptions follow, under the names they know the mailboxes by.
  const known = (name: string) => (s.account === account ? name : otherUsersName(account, name));
  const subscriptions = s.account?.subscriptions ?? new Set<string>();
  for (const sub of [...subscriptions]) {
    if (sub === known(from) || sub.startsWith(known(from) + DELIMITER)) {
      subscriptions.delete(sub);
      subscriptions.add(known(to) + sub.slice(known(from).length));
    }
  }
  return ok('Rename completed.');
};

export const subscribe: CommandHandler<'SUBSCRIBE'> = (s, cmd) => {
  // RFC 4314 §4: SUBSCRIBE checks that the mailbox exists, so it needs l.
  const access = openMailbox(s, cmd.mailbox, ['l']);
  if (!access.ok) return access.result;
  const { box } = access;
  const name = s.account === box.account ? box.name : otherUsersName(box.account, box.name);
  s.account?.subscriptions.add(name);
  return ok('Subscribe completed.');
};

/** RFC 3501 §6.3.7: a name may be unsubscribed even when its mailbox is gone (RFC 4314 §4: no right needed). */
export const unsubscribe: CommandHandler<'UNSUBSCRIBE'> = (s, cmd) => {
  const name = cmd.mailbox.toUpperCase() === 'INBOX' ? 'INBOX' : cmd.mailbox;
  s.account?.subscriptions.delete(name);
  return ok('Unsubscribe completed.');
};
