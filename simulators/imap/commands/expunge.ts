/**
 * EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1): removes the
 * \Deleted messages (of the UID set, for UID EXPUNGE). The `* n EXPUNGE`
 * responses come from the store change, flushed by the machine before the
 * tagged OK, highest sequence number first.
 */
import { permissionDenied } from '../mailbox-access.ts';
import { resolveSet } from './message-set.ts';
import { no, ok, type CommandHandler } from './types.ts';

export const expunge: CommandHandler<'EXPUNGE'> = (s, cmd) => {
  const view = s.selected;
  if (view === undefined) return no('No mailbox selected.');
  if (view.readOnly) return no('Mailbox is read-only.');
  // RFC 4314 §4: EXPUNGE needs e.
  if (!view.rights.has('e')) return permissionDenied();
  let candidates = view.messages;
  if (cmd.uid) {
    const set = resolveSet(view, cmd.sequence, true);
    if (!set.ok) return set.result;
    candidates = set.messages.map((m) => m.message);
  }
  const uids = candidates
    .filter((m) => !view.isExpunged(m.uid))
    .map((m) => view.mailbox.byUid(m.uid))
    .filter((m) => m !== undefined && m.flags.has('\\Deleted'))
    .map((m) => m!.uid);
  view.mailbox.expunge(uids);
  return ok('Expunge completed.');
};
