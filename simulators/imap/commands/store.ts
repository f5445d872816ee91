/**
 * STORE and UID STORE (RFC 3501 §6.4.6): FLAGS replaces, +FLAGS adds,
 * -FLAGS removes; each message then gets `* n FETCH (FLAGS …)` (with UID for
 * UID STORE) unless `.SILENT`. \Recent cannot be stored (RFC 3501 §2.3.2).
 * A read-only mailbox refuses (RFC 3501 §6.3.2).
 */
import { atom, fetchResponse, list, num, type ImapResponse } from '../codec/index.ts';
import { permissionDenied } from '../mailbox-access.ts';
import { resolveSet } from './message-set.ts';
import { no, ok, type CommandHandler } from './types.ts';

export const store: CommandHandler<'STORE'> = (s, cmd) => {
  const view = s.selected;
  if (view === undefined) return no('No mailbox selected.');
  const set = resolveSet(view, cmd.sequence, cmd.uid);
  if (!set.ok) return set.result;
  if (view.readOnly) return { ...no('Mailbox is read-only.'), deferExpunge: true };
  const named = cmd.flags.filter((f) => f !== '\\Recent');
  // RFC 4314 §4: each flag needs its right (s for \Seen, t for \Deleted, w for the rest); flags
  // without it are left alone, and only a STORE that may change none of its flags fails.
  const given = named.filter((f) => view.mayChange(f));
  const anyRight = ['\\Seen', '\\Deleted', '\\Flagged'].some((f) => view.mayChange(f));
  if (named.length > 0 ? given.length === 0 : !anyRight) return { ...permissionDenied(), deferExpunge: true };
  const updated = set.messages.map(({ seq, message }) => {
    if (view.isExpunged(message.uid)) return { seq, message };
    // FLAGS (…) replaces only the flags the user may change; the others stay as they are.
    const flags = new Set(
      cmd.mode === 'replace' ? [...message.flags].filter((f) => !view.mayChange(f)) : message.flags,
    );
    for (const f of given)
      if (cmd.mode === 'remove') flags.delete(f);
      else flags.add(f);
    const same = flags.size === message.flags.size && [...flags].every((f) => message.flags.has(f));
    if (same) return { seq, message };
    return { seq, message: view.write(() => view.mailbox.setFlags(message.uid, flags)) ?? message };
  });
  const out: ImapResponse[] = [...view.announceKeywords()];
  if (!cmd.silent) {
    for (const { seq, message } of updated) {
      const flags: [string, ReturnType<typeof list>] = ['FLAGS', list(...view.flagsOf(message).map(atom))];
      out.push(fetchResponse(seq, cmd.uid ? [['UID', num(message.uid)], flags] : [flags]));
    }
  }
  return { ...ok('Store completed.', undefined, out), deferExpunge: true };
};
