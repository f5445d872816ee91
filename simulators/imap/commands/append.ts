/**
 * APPEND (RFC 3501 §6.3.11, RFC 3502 MULTIAPPEND, RFC 4315 APPENDUID):
 * the message goes into the named mailbox with its flags (never \Recent,
 * which the server sets) and date-time, default now. A missing mailbox gets
 * `NO [TRYCREATE]`, a full account `NO [OVERQUOTA]` (RFC 5530, RFC 9208
 * §4.3.1), checked for all the messages together before any is stored.
 */
import { StoreFullError } from '../../store/mail-store.ts';
import { openMailbox, permittedFlags } from '../mailbox-access.ts';
import { no, ok, type CommandHandler } from './types.ts';

const overQuota = no('Quota exceeded (mailbox for user is full)', { code: 'OVERQUOTA' });

export const append: CommandHandler<'APPEND'> = (s, cmd) => {
  // RFC 4314 §4: APPEND needs i; each flag is kept only with its right (s, t or w), without failing.
  const access = openMailbox(s, cmd.mailbox, ['i'], 'TRYCREATE');
  if (!access.ok) return access.result;
  const { box, rights } = access;
  const octets = cmd.messages.reduce((n, m) => n + m.message.length, 0);
  if (box.account.quotaExceededBy(octets, cmd.messages.length) !== undefined) return overQuota;
  const uids: number[] = [];
  try {
    for (const m of cmd.messages) {
      const flags = permittedFlags(rights, m.flags ?? []).filter((f) => f !== '\\Recent');
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
