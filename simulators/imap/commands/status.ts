/**
 * STATUS (RFC 3501 §6.3.10, RFC 9051 SIZE and DELETED): counters of a
 * mailbox without selecting it. RECENT counts the messages no session has
 * claimed yet. HIGHESTMODSEQ (RFC 7162 §3.1.7) enables CONDSTORE (§3.1).
 */
import { astr, atom, encodeMutf7, list, num, type ImapResponse, type StatusItem } from '../codec/index.ts';
import type { Mailbox } from '../../store/mail-store.ts';
import { displayName, openMailbox } from '../mailbox-access.ts';
import { condstoreEnabling } from './condstore.ts';
import { ok, type CommandHandler } from './types.ts';

function value(box: Mailbox, item: StatusItem): number {
  switch (item) {
    case 'MESSAGES':
      return box.messages.length;
    case 'RECENT':
      return box.unclaimedRecentCount;
    case 'UIDNEXT':
      return box.uidNext;
    case 'UIDVALIDITY':
      return box.uidValidity;
    case 'UNSEEN':
      return box.messages.filter((m) => !m.flags.has('\\Seen')).length;
    case 'DELETED':
      return box.messages.filter((m) => m.flags.has('\\Deleted')).length;
    case 'SIZE':
      return box.size;
    case 'HIGHESTMODSEQ':
      return box.highestModSeq;
  }
}

/** `* STATUS name (ITEM n …)`; `name` is the client's name for the mailbox (another user's is not `box.name`). */
export function statusResponse(box: Mailbox, items: readonly StatusItem[], name = box.name): ImapResponse {
  return {
    kind: 'data',
    name: 'STATUS',
    values: [astr(encodeMutf7(name)), list(...items.flatMap((i) => [atom(i), num(value(box, i))]))],
  };
}

export const status: CommandHandler<'STATUS'> = (s, cmd) => {
  // RFC 4314 §4: STATUS needs r.
  const access = openMailbox(s, cmd.mailbox, ['r']);
  if (!access.ok) return access.result;
  const { box } = access;
  const name = s.account === undefined ? box.name : displayName(s.account, box);
  const result = ok('Status completed.', undefined, [statusResponse(box, cmd.items, name)]);
  return cmd.items.includes('HIGHESTMODSEQ') ? condstoreEnabling(s)(result) : result;
};
