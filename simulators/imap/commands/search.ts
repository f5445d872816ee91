/**
 * SEARCH and UID SEARCH (RFC 3501 §6.4.4, §7.2.5): `* SEARCH n …` with
 * sequence numbers or UIDs. CHARSET may be US-ASCII or UTF-8; any other
 * gets `NO [BADCHARSET (US-ASCII UTF-8)]`.
 *
 * SIMPLIFICATION: no ESEARCH return options (RFC 4731, not advertised);
 * `RETURN (…)` is answered with the plain `* SEARCH` list.
 */
import { num } from '../codec/index.ts';
import { searchMessages, usesSavedResult } from '../search.ts';
import { bad, no, ok, type CommandHandler } from './types.ts';

const CHARSETS = ['US-ASCII', 'UTF-8'];

export const search: CommandHandler<'SEARCH'> = (s, cmd) => {
  const view = s.selected;
  if (view === undefined) return no('No mailbox selected.');
  if (cmd.charset !== undefined && !CHARSETS.includes(cmd.charset.toUpperCase()))
    return no(`Unsupported charset ${cmd.charset}`, { code: 'BADCHARSET', charsets: CHARSETS });
  if (usesSavedResult(cmd.criteria)) return bad('Saved search results ($) are not supported here.');
  const found = searchMessages(view, cmd.criteria);
  const values = found.map((m) => num(cmd.uid ? m.message.uid : m.seq));
  return {
    ...ok(cmd.uid ? 'UID Search completed.' : 'Search completed.', undefined, [
      { kind: 'data', name: 'SEARCH', values },
    ]),
    deferExpunge: true,
  };
};
