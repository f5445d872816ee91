/**
 * LIST (RFC 3501 §6.3.8, RFC 5258 LIST-EXTENDED, RFC 6154 SPECIAL-USE,
 * RFC 5819 LIST-STATUS) and LSUB (RFC 3501 §6.3.9).
 *
 * `LIST "" ""` asks only for the delimiter: `* LIST (\Noselect) "/" ""`.
 * Attributes: `\HasChildren` / `\HasNoChildren` always (Dovecot), special
 * use always, `\Noselect` for names that exist only as parents,
 * `\Subscribed` with `RETURN (SUBSCRIBED)` or `(SUBSCRIBED)` selection,
 * `\NonExistent` for a subscribed name whose mailbox is gone.
 *
 * Only mailboxes the user holds `l` on are listed, never with a NO
 * (RFC 4314 §4); other users' shared mailboxes appear under `Other Users/`
 * (mailbox-access.ts), and LIST-STATUS reports only those the user may read.
 */
import { astr, atom, encodeMutf7, list, str, type ImapResponse } from '../codec/index.ts';
import type { Mailbox } from '../../store/mail-store.ts';
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
): ImapResponse {
  return {
    kind: 'data',
    name,
    values: [list(...entry.attributes.map(atom)), str(DELIMITER), astr(encodeMutf7(entry.name))],
  };
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
  const returnSubscribed = select.has('SUBSCRIBED') || returns.some((r) => r.option === 'SUBSCRIBED');
  const statusItems = returns.find((r) => r.option === 'STATUS');
  const boxes = listable(s);
  let entries: ListEntry[] = hierarchy(
    [...boxes].map(([name, box]) => ({
      name,
      specialUse: box.account === account ? box.specialUse : undefined,
    })),
  );
  if (select.has('SUBSCRIBED')) {
    // RFC 5258 §3.1: only subscribed names, including ones whose mailbox is gone.
    const gone = [...account.subscriptions]
      .filter((n) => !boxes.has(n))
      .map((name) => ({ name, exists: false, attributes: ['\\NonExistent'] }));
    entries = [...entries.filter((e) => account.subscriptions.has(e.name)), ...gone];
  }
  if (select.has('SPECIAL-USE'))
    entries = entries.filter(
      (e) => boxes.get(e.name)?.specialUse !== undefined && boxes.get(e.name)?.account === account,
    );
  const out: ImapResponse[] = [];
  for (const entry of entries) {
    if (!matchers.some((m) => m(entry.name))) continue;
    const attributes = [...entry.attributes];
    if (returnSubscribed && account.subscriptions.has(entry.name)) attributes.push('\\Subscribed');
    out.push(listLine('LIST', { name: entry.name, attributes }));
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
