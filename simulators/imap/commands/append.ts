/**
 * APPEND (RFC 3501 §6.3.11, RFC 3502 MULTIAPPEND, RFC 4315 APPENDUID):
 * the message goes into the named mailbox with its flags (never \Recent,
 * which the server sets) and date-time, default now. A missing mailbox gets
 * `NO [TRYCREATE]`, a full account `NO [OVERQUOTA]` (RFC 5530).
 */
import { StoreFullError } from '../../store/mail-store.ts';
import { no, ok, type CommandHandler } from './types.ts';

export const append: CommandHandler<'APPEND'> = (s, cmd) => {
  const box = s.account?.mailbox(cmd.mailbox);
  if (box === undefined) return no(`Mailbox doesn't exist: ${cmd.mailbox}`, { code: 'TRYCREATE' });
  const uids: number[] = [];
  try {
    for (const m of cmd.messages) {
      const flags = (m.flags ?? []).filter((f) => f !== '\\Recent');
      uids.push(box.append(m.message, { flags, internalDate: m.date?.epochMs ?? s.now() }).uid);
    }
  } catch (e) {
    if (!(e instanceof StoreFullError)) throw e;
    // RFC 3502 §6.3.11: all or nothing.
    box.expunge(uids);
    return no('Quota exceeded (mailbox for user is full)', { code: 'OVERQUOTA' });
  }
  return ok('Append completed.', { code: 'APPENDUID', uidValidity: box.uidValidity, uids });
};
