/**
 * APPEND (RFC 3501 §6.3.11, RFC 3502 MULTIAPPEND, RFC 4315 APPENDUID):
 * the message goes into the named mailbox with its flags (never \Recent,
 * which the server sets) and date-time, default now. A missing mailbox gets
 * `NO [TRYCREATE]`, a full account `NO [OVERQUOTA]` (RFC 5530, RFC 9208
 * §4.3.1), checked for all the messages together before any is stored.
 */
import { StoreFullError } from '../../store/mail-store.ts';
import { no, ok, type CommandHandler } from './types.ts';

const overQuota = no('Quota exceeded (mailbox for user is full)', { code: 'OVERQUOTA' });

export const append: CommandHandler<'APPEND'> = (s, cmd) => {
  const box = s.account?.mailbox(cmd.mailbox);
  if (box === undefined) return no(`Mailbox doesn't exist: ${cmd.mailbox}`, { code: 'TRYCREATE' });
  const octets = cmd.messages.reduce((n, m) => n + m.message.length, 0);
  if (box.account.quotaExceededBy(octets, cmd.messages.length) !== undefined) return overQuota;
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
    return overQuota;
  }
  return ok('Append completed.', { code: 'APPENDUID', uidValidity: box.uidValidity, uids });
};
