/**
 * STORE and UID STORE (RFC 3501 §6.4.6): FLAGS replaces, +FLAGS adds,
 * -FLAGS removes; each message then gets `* n FETCH (FLAGS …)` (with UID for
 * UID STORE) unless `.SILENT`. \Recent cannot be stored (RFC 3501 §2.3.2).
 * A read-only mailbox refuses (RFC 3501 §6.3.2).
 *
 * CONDSTORE (RFC 7162 §3.1.3): with `(UNCHANGEDSINCE n)` a message whose
 * mod-sequence is above n is left alone and named in `OK [MODIFIED set]`
 * (sequence numbers, or UIDs for UID STORE); every message changed gets a
 * FETCH with its new MODSEQ, even with `.SILENT`. Once CONDSTORE is enabled
 * the FETCH responses carry UID and MODSEQ too.
 */
import { permissionDenied } from '../mailbox-access.ts';
import { resolveSet } from './message-set.ts';
import { condstoreEnabled, condstoreEnabling } from './condstore.ts';
import { no, ok, type CommandHandler, type CommandResult } from './types.ts';
import type { ViewMessage } from '../selected-mailbox.ts';
import type { ImapResponse } from '../codec/index.ts';

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
  const limit = cmd.unchangedSince;
  const condstore = limit !== undefined || condstoreEnabled(s);
  const complete = limit === undefined ? (r: CommandResult) => r : condstoreEnabling(s);
  const modified: number[] = [];
  const reported: (ViewMessage & { readonly changed: boolean })[] = [];
  for (const { seq, message } of set.messages) {
    if (view.isExpunged(message.uid)) {
      reported.push({ seq, message, changed: false });
      continue;
    }
    if (limit !== undefined && message.modseq > limit) {
      modified.push(cmd.uid ? message.uid : seq);
      continue;
    }
    // FLAGS (…) replaces only the flags the user may change; the others stay as they are.
    const flags = new Set(
      cmd.mode === 'replace' ? [...message.flags].filter((f) => !view.mayChange(f)) : message.flags,
    );
    for (const f of given)
      if (cmd.mode === 'remove') flags.delete(f);
      else flags.add(f);
    const same = flags.size === message.flags.size && [...flags].every((f) => message.flags.has(f));
    const stored = same ? undefined : view.write(() => view.mailbox.setFlags(message.uid, flags));
    reported.push({ seq, message: stored ?? message, changed: stored !== undefined });
  }
  const out: ImapResponse[] = [...view.announceKeywords()];
  const options = { withUid: cmd.uid || condstore, flags: !cmd.silent, withModSeq: condstore };
  for (const { seq, message, changed } of reported)
    if (!cmd.silent || (condstore && changed)) out.push(view.flagUpdate(seq, message, options));
  const result: CommandResult = {
    ...(modified.length === 0
      ? ok('Store completed.', undefined, out)
      : ok('Conditional STORE failed', { code: 'MODIFIED', numbers: modified }, out)),
    deferExpunge: true,
  };
  return complete(result);
};
