/**
 * FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8). Expunges are held back
 * until the command ends (RFC 3501 §7.4.1).
 *
 * CONDSTORE (RFC 7162 §3.1.4): the MODSEQ item, and the `(CHANGEDSINCE n)`
 * modifier, which keeps only messages whose mod-sequence is above n and
 * implies MODSEQ. Either enables CONDSTORE for the connection.
 */
import { FETCH_MACROS, type FetchAttribute, type ImapResponse } from '../codec/index.ts';
import { fetchMessage, UnknownCteError } from '../fetch.ts';
import { condstoreEnabled, condstoreEnabling } from './condstore.ts';
import { resolveSet } from './message-set.ts';
import { no, ok, type CommandHandler, type CommandResult } from './types.ts';

const MODSEQ: FetchAttribute = { name: 'MODSEQ' };

export const fetch: CommandHandler<'FETCH'> = (s, cmd) => {
  const view = s.selected;
  if (view === undefined) return no('No mailbox selected.');
  const set = resolveSet(view, cmd.sequence, cmd.uid);
  if (!set.ok) return set.result;
  const requested = cmd.macro !== undefined ? FETCH_MACROS[cmd.macro] : cmd.attributes;
  const since = cmd.changedSince;
  const enabling = since !== undefined || requested.some((a) => a.name === 'MODSEQ');
  const attributes =
    since !== undefined && !requested.some((a) => a.name === 'MODSEQ') ? [...requested, MODSEQ] : requested;
  const condstore = enabling || condstoreEnabled(s);
  const complete = enabling ? condstoreEnabling(s) : (r: CommandResult) => r;
  const out: ImapResponse[] = [];
  let result: CommandResult;
  try {
    for (const { seq, message } of set.messages) {
      if (since !== undefined && message.modseq <= since) continue;
      out.push(fetchMessage(view, seq, message, attributes, cmd.uid, condstore));
    }
    result = {
      ...ok(cmd.uid ? 'UID Fetch completed.' : 'Fetch completed.', undefined, out),
      deferExpunge: true,
    };
  } catch (e) {
    if (!(e instanceof UnknownCteError)) throw e;
    result = {
      ...no('Unknown Content-Transfer-Encoding.', { code: 'UNKNOWN-CTE' }),
      untagged: out,
      deferExpunge: true,
    };
  }
  return complete(result);
};
