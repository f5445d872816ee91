/**
 * LIST (RFC 3501 §6.3.8, RFC 5258 LIST-EXTENDED, RFC 6154 SPECIAL-USE,
 * RFC 5819 LIST-STATUS) and LSUB (RFC 3501 §6.3.9).
 *
 * `LIST "" ""` asks only for the delimiter: `* LIST (\Noselect) "/" ""`.
 * Attributes: `\HasChildren` / `\HasNoChildren` always (Dovecot), special
 * use always, `\Noselect` for names that exist only as parents,
 * `\Subscribed` with `RETURN (SUBSCRIBED)` or `(SUBSCRIBED)` selection,
 * `\NonExistent` for a subscribed name whose mailbox is gone (and, with
 * RECURSIVEMATCH, for a parent of one that is no name at all).
 * RECURSIVEMATCH adds `CHILDINFO` (RFC 5258 §3.5) to the parents of names
 * that meet the selection criteria without matching the pattern.
 *
 * Only mailboxes the user holds `l` on are listed, never with a NO
 * (RFC 4314 §4); other users' shared mailboxes appear under `Other Users/`
 * (mailbox-access.ts), and LIST-STATUS reports only those the user may read.
 */
import { astr, atom, encodeMutf7, list, str, type ImapResponse } from '../codec/index.ts';
import type { Account, Mailbox } from '../../store/mail-store.ts';
import { listableMailboxes, rightsOn, type Viewer } from '../mailbox-access.ts';
import { DELIMITER, hierarchy, listMatcher, type ListEntry } from '../mailbox-list.ts';
import { statusResponse } from './status.ts';
import { ok, type CommandHandler } from './types.ts';

/** The mailboxes the user may list, by the names they know them by. */
function listable(viewer: Viewer): Map<string, Mailbox> {
  return new Map(listableMailboxes(viewer).map(({ name, box }) => [name, box]));
}

function listLine(
  name: 'LIST' | 'LSUB',
  entry: { name: string; attributes: readonly string[] },
  childInfo: readonly string[] = [],
): ImapResponse {
  const values = [list(...entry.attributes.map(atom)), str(DELIMITER), astr(encodeMutf7(entry.name))];
  // RFC 5258 §3.5: mbox-list-extended, `("CHILDINFO" ("SUBSCRIBED"))`.
  if (childInfo.length > 0) values.push(list(str('CHILDINFO'), list(...childInfo.map(str))));
  return { kind: 'data', name, values };
}

/** A special use is the owner's: another user's `\Sent` is not this user's (RFC 6154). */
function ownSpecialUse(account: Account, box: Mailbox | undefined): string | undefined {
  return box?.account === account ? box.specialUse : undefined;
}

/** The hierarchy of the mailboxes the user may list. */
function visible(account: Account, boxes: ReadonlyMap<string, Mailbox>): ListEntry[] {
  return hierarchy([...boxes].map(([name, box]) => ({ name, specialUse: ownSpecialUse(account, box) })));
}

/**
 * The names a LIST may return: the hierarchy of the listable mailboxes,
 * then subscribed names whose mailbox is gone (or hidden from the user) and
 * the parents of those that are no name at all, both `\NonExistent`
 * (RFC 5258 §3.4).
 */
function universe(account: Account, boxes: ReadonlyMap<string, Mailbox>): ListEntry[] {
  const entries = visible(account, boxes);
  const known = new Set(entries.map((e) => e.name));
  const extra = (name: string) => {
    if (known.has(name)) return;
    known.add(name);
    entries.push({ name, exists: false, attributes: ['\\NonExistent'] });
  };
  for (const name of account.subscriptions) {
    const parts = name.split(DELIMITER);
    for (let i = 1; i <= parts.length; i++) extra(parts.slice(0, i).join(DELIMITER));
  }
  return entries;
}

export const listCommand: CommandHandler<'LIST'> = (s, cmd) => {
  const account = s.account;
  if (account === undefined) return ok('List completed.');
  const select = new Set(cmd.selectOptions ?? []);
  const returns = cmd.returnOptions ?? [];
  if (cmd.patterns.length === 1 && cmd.patterns[0] === '' && select.size === 0) {
    return ok('List completed.', undefined, [listLine('LIST', { name: '', attributes: ['\\Noselect'] })]);
  }
  const matchers = cmd.patterns.map((p) => listMatcher(cmd.reference, p));
  const matches = (name: string) => matchers.some((m) => m(name));
  const returnSubscribed = select.has('SUBSCRIBED') || returns.some((r) => r.option === 'SUBSCRIBED');
  const statusItems = returns.find((r) => r.option === 'STATUS');
  const boxes = listable(s);
  // RFC 5258 §3.1 selection criteria; SUBSCRIBED includes names whose mailbox is gone.
  const criteria: ('SUBSCRIBED' | 'SPECIAL-USE')[] = [];
  if (select.has('SUBSCRIBED')) criteria.push('SUBSCRIBED');
  if (select.has('SPECIAL-USE')) criteria.push('SPECIAL-USE');
  const selected = (e: ListEntry) =>
    (!select.has('SUBSCRIBED') || account.subscriptions.has(e.name)) &&
    (!select.has('SPECIAL-USE') || ownSpecialUse(account, boxes.get(e.name)) !== undefined);
  const entries = criteria.length === 0 ? visible(account, boxes) : universe(account, boxes);
  // RFC 5258 §3.1 RECURSIVEMATCH: a name that matches the pattern is also returned, with
  // CHILDINFO, when a descendant meets the criteria — one the pattern does not return itself
  // (imaptest's listext: a child listed in its own right makes the parent's entry redundant).
  const recursive = select.has('RECURSIVEMATCH') && criteria.length > 0;
  const hidden = recursive ? entries.filter((e) => selected(e) && !matches(e.name)).map((e) => e.name) : [];
  const out: ImapResponse[] = [];
  for (const entry of entries) {
    if (!matches(entry.name)) continue;
    const childInfo = hidden.some((n) => n.startsWith(entry.name + DELIMITER)) ? criteria : [];
    if (!selected(entry) && childInfo.length === 0) continue;
    const attributes = [...entry.attributes];
    if (returnSubscribed && account.subscriptions.has(entry.name)) attributes.push('\\Subscribed');
    out.push(listLine('LIST', { name: entry.name, attributes }, childInfo));
    const box = boxes.get(entry.name);
    if (statusItems?.option === 'STATUS' && box !== undefined && rightsOn(s, box).has('r'))
      out.push(statusResponse(box, statusItems.items, entry.name));
  }
  return ok('List completed.', undefined, out);
};

export const lsub: CommandHandler<'LSUB'> = (s, cmd) => {
  const account = s.account;
  if (account === undefined) return ok('Lsub completed.');
  const match = listMatcher(cmd.reference, cmd.pattern);
  const boxes = listable(s);
  const subscribed = [...account.subscriptions];
  // RFC 3501 §6.3.9: with "foo/bar" subscribed and "foo" not, a "%" that stops at "foo"
  // returns foo, flagged \Noselect — so unsubscribed parents are candidates too.
  const candidates = new Set(subscribed);
  for (const name of subscribed) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) candidates.add(parts.slice(0, i).join('/'));
  }
  const out = [...candidates]
    .sort((a, b) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a < b ? -1 : a > b ? 1 : 0))
    .filter(match)
    .filter(
      (name) =>
        account.subscriptions.has(name) || !subscribed.some((d) => d.startsWith(`${name}/`) && match(d)),
    )
    .map((name) =>
      listLine('LSUB', {
        name,
        attributes: account.subscriptions.has(name) && boxes.has(name) ? [] : ['\\Noselect'],
      }),
    );
  return ok('Lsub completed.', undefined, out);
};
