/**
 * CREATE, DELETE, RENAME (RFC 3501 §6.3.3–5, RFC 6154 §3 CREATE-SPECIAL-USE),
 * SUBSCRIBE and UNSUBSCRIBE (§6.3.6–7). Refusals carry RFC 5530 codes, as
 * Dovecot sends them.
 */
import { DELIMITER, hasChildren } from '../mailbox-list.ts';
import { StoreFullError } from '../../store/mail-store.ts';
import { no, ok, type CommandHandler } from './types.ts';

/** RFC 3501 §6.3.3: a trailing delimiter only declares the name a parent. */
const stripDelimiter = (name: string) => (name.endsWith(DELIMITER) ? name.slice(0, -1) : name);

export const create: CommandHandler<'CREATE'> = (s, cmd) => {
  const account = s.account;
  const name = stripDelimiter(cmd.mailbox);
  if (account === undefined || name === '') return no('Invalid mailbox name.');
  if (account.mailbox(name) !== undefined) return no('Mailbox already exists', { code: 'ALREADYEXISTS' });
  const use = cmd.specialUse?.[0];
  account.createMailbox(name, use);
  return ok('Create completed.');
};

export const deleteMailbox: CommandHandler<'DELETE'> = (s, cmd) => {
  const account = s.account;
  const box = account?.mailbox(cmd.mailbox);
  if (account === undefined || box === undefined)
    return no(`Mailbox doesn't exist: ${cmd.mailbox}`, { code: 'NONEXISTENT' });
  if (box.name === 'INBOX') return no("INBOX can't be deleted.", { code: 'CANNOT' });
  // SIMPLIFICATION: the store has no \Noselect mailboxes, so a parent is refused (Dovecot's answer too).
  if (hasChildren(account, box.name))
    return no('Mailbox has children, delete them first', { code: 'HASCHILDREN' });
  account.deleteMailbox(box.name);
  return ok('Delete completed.');
};

export const rename: CommandHandler<'RENAME'> = (s, cmd) => {
  const account = s.account;
  const source = account?.mailbox(cmd.from);
  const to = stripDelimiter(cmd.to);
  if (account === undefined || source === undefined)
    return no(`Mailbox doesn't exist: ${cmd.from}`, { code: 'NONEXISTENT' });
  if (account.mailbox(to) !== undefined)
    return no('Target mailbox already exists', { code: 'ALREADYEXISTS' });
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
  for (const sub of [...account.subscriptions]) {
    if (sub === from || sub.startsWith(from + DELIMITER)) {
      account.subscriptions.delete(sub);
      account.subscriptions.add(to + sub.slice(from.length));
    }
  }
  return ok('Rename completed.');
};

export const subscribe: CommandHandler<'SUBSCRIBE'> = (s, cmd) => {
  const account = s.account;
  const box = account?.mailbox(cmd.mailbox);
  if (account === undefined || box === undefined)
    return no(`Mailbox doesn't exist: ${cmd.mailbox}`, { code: 'NONEXISTENT' });
  account.subscriptions.add(box.name);
  return ok('Subscribe completed.');
};

/** RFC 3501 §6.3.7: a name may be unsubscribed even when its mailbox is gone. */
export const unsubscribe: CommandHandler<'UNSUBSCRIBE'> = (s, cmd) => {
  const name = cmd.mailbox.toUpperCase() === 'INBOX' ? 'INBOX' : cmd.mailbox;
  s.account?.subscriptions.delete(name);
  return ok('Unsubscribe completed.');
};
