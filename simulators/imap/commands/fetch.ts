/**
 * FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8). Expunges are held back
 * until the command ends (RFC 3501 §7.4.1).
 */
import { FETCH_MACROS, type ImapResponse } from '../codec/index.ts';
import { fetchMessage, UnknownCteError } from '../fetch.ts';
import { resolveSet } from './message-set.ts';
import { no, ok, type CommandHandler } from './types.ts';

export const fetch: CommandHandler<'FETCH'> = (s, cmd) => {
  const view = s.selected;
  if (view === undefined) return no('No mailbox selected.');
  const set = resolveSet(view, cmd.sequence, cmd.uid);
  if (!set.ok) return set.result;
  const attributes = cmd.macro !== undefined ? FETCH_MACROS[cmd.macro] : cmd.attributes;
  const out: ImapResponse[] = [];
  try {
    for (const { seq, message } of set.messages)
      out.push(fetchMessage(view, seq, message, attributes, cmd.uid));
  } catch (e) {
    if (!(e instanceof UnknownCteError)) throw e;
    return {
      ...no('Unknown Content-Transfer-Encoding.', { code: 'UNKNOWN-CTE' }),
      untagged: out,
      deferExpunge: true,
    };
  }
  return { ...ok(cmd.uid ? 'UID Fetch completed.' : 'Fetch completed.', undefined, out), deferExpunge: true };
};
