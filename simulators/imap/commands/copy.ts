/**
 * COPY, MOVE and their UID forms (RFC 3501 §6.4.7, RFC 6851 MOVE, RFC 4315
 * COPYUID). Copies keep flags and internal date; \Recent is the target's to
 * give. A missing target gets `NO [TRYCREATE]`; a full account
 * `NO [OVERQUOTA]` with nothing copied (RFC 3501 §6.4.7: all or nothing;
 * RFC 9208 §4.3.1). MOVE never passes the quota: the account's mailboxes
 * share one quota root, so the usage does not change.
 *
 * MOVE sends `* OK [COPYUID …]` untagged, then the EXPUNGEs, then the
 * tagged OK (RFC 6851 §4.3).
 */
import { StoreFullError } from '../../store/mail-store.ts';
import type { ResponseCode } from '../codec/index.ts';
import { openMailbox, permissionDenied, permittedFlags } from '../mailbox-access.ts';
import { resolveSet } from './message-set.ts';
import { no, ok, untaggedOk, type CommandHandler } from './types.ts';

export const copy: CommandHandler<'COPY' | 'MOVE'> = (s, cmd) => {
  const view = s.selected;
  if (view === undefined) return no('No mailbox selected.');
  const set = resolveSet(view, cmd.sequence, cmd.uid);
  if (!set.ok) return set.result;
  // RFC 4314 §4: the target needs i; flags travel only with their right there (s, t or w).
  const access = openMailbox(s, cmd.mailbox, ['i'], 'TRYCREATE');
  if (!access.ok) return access.result;
  const { box: target, rights } = access;
  const move = cmd.name === 'MOVE';
  if (move && view.readOnly) return no('Mailbox is read-only.');
  // MOVE does what COPY, STORE \Deleted and EXPUNGE would (RFC 6851): the source needs t and e.
  if (move && !(view.rights.has('t') && view.rights.has('e'))) return permissionDenied();
  const sources = set.messages.filter((m) => !view.isExpunged(m.message.uid)).map((m) => m.message);
  const octets = sources.reduce((n, m) => n + m.raw.length, 0);
  if (!move && sources.length > 0 && target.account.quotaExceededBy(octets, sources.length) !== undefined)
    return no('Quota exceeded', { code: 'OVERQUOTA' });
  const copies: number[] = [];
  try {
    for (const m of sources)
      copies.push(
        target.append(m.raw, {
          flags: permittedFlags(rights, m.flags),
          internalDate: m.internalDate,
          moved: move,
        }).uid,
      );
  } catch (e) {
    if (!(e instanceof StoreFullError)) throw e;
    target.expunge(copies);
    return no('Quota exceeded', { code: 'OVERQUOTA' });
  }
  const verb = move ? 'Move' : 'Copy';
  if (sources.length === 0) return ok(`No messages found.`);
  const code: ResponseCode = {
    code: 'COPYUID',
    uidValidity: target.uidValidity,
    sourceUids: sources.map((m) => m.uid),
    destinationUids: copies,
  };
  if (!move) return ok(`${verb} completed.`, code);
  view.mailbox.expunge(sources.map((m) => m.uid));
  // The EXPUNGEs follow from the store's change, flushed by the machine before the tagged OK.
  return ok('Move completed.', undefined, [untaggedOk(code, 'Moved UIDs.')]);
};
