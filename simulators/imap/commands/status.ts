/**
 * STATUS (RFC 3501 §6.3.10, RFC 9051 SIZE and DELETED): counters of a
 * mailbox without selecting it. RECENT counts the messages no session has
 * claimed yet. HIGHESTMODSEQ (RFC 7162 §3.1.7) enables CONDSTORE (§3.1).
 */
import { astr, atom, encodeMutf7, list, num, type ImapResponse, type StatusItem } from '../codec/index.ts';
import type { Mailbox } from '../../store/mail-store.ts';
import { condstoreEnabling } from './condstore.ts';
import { no, ok, type CommandHandler } from './types.ts';

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

/** `* STATUS name (ITEM n …)`. */
export function statusResponse(box: Mailbox, items: readonly StatusItem[]): ImapResponse {
  return {
    kind: 'data',
    name: 'STATUS',
    values: [astr(encodeMutf7(box.name)), list(...items.flatMap((i) => [atom(i), num(value(box, i))]))],
  };
}

export const status: CommandHandler<'STATUS'> = (s, cmd) => {
  const box = s.account?.mailbox(cmd.mailbox);
  if (box === undefined) return no(`Mailbox doesn't exist: ${cmd.mailbox}`, { code: 'NONEXISTENT' });
  const result = ok('Status completed.', undefined, [statusResponse(box, cmd.items)]);
  return cmd.items.includes('HIGHESTMODSEQ') ? condstoreEnabling(s)(result) : result;
};
