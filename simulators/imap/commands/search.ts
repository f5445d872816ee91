/**
 * SEARCH and UID SEARCH (RFC 3501 §6.4.4, §7.2.5): `* SEARCH n …` with
 * sequence numbers or UIDs. CHARSET may be US-ASCII or UTF-8; any other
 * gets `NO [BADCHARSET (US-ASCII UTF-8)]`.
 *
 * ESEARCH (RFC 4731): with `RETURN (…)` the answer is one
 * `* ESEARCH (TAG "t") [UID] MIN … MAX … ALL … COUNT …` with just the
 * options asked for (`RETURN ()` means ALL); MIN, MAX and ALL are left out
 * when nothing matched, COUNT is then 0.
 *
 * CONDSTORE (RFC 7162 §3.1.5): the MODSEQ key matches messages whose
 * mod-sequence is at least the value; the entry name and type are accepted
 * and ignored, since the store keeps one mod-sequence per message (which the
 * RFC allows). The answer then carries the highest mod-sequence of the
 * messages found: `(MODSEQ n)` after `* SEARCH` (§3.1.6), `MODSEQ n` in
 * ESEARCH — there of the message returned when only MIN or only MAX was
 * asked for (RFC 4731 §3.2).
 * A MODSEQ search enables CONDSTORE.
 *
 * SIMPLIFICATION: no SEARCHRES (RFC 5182, not announced): `RETURN (SAVE)`
 * and `$` are answered BAD.
 */
import { esearchResponse, searchResponse, type EsearchResult, type ImapResponse } from '../codec/index.ts';
import type { SearchReturnOption } from '../codec/index.ts';
import { searchMessages, usesSavedResult } from '../search.ts';
import type { ViewMessage } from '../selected-mailbox.ts';
import { condstoreEnabling, searchesModSeq } from './condstore.ts';
import { bad, no, ok, type CommandHandler, type CommandResult } from './types.ts';

const CHARSETS = ['US-ASCII', 'UTF-8'];

/** The highest mod-sequence among `found` (RFC 7162 §3.1.6). */
const highestModSeq = (found: readonly ViewMessage[]) =>
  found.reduce((max, m) => Math.max(max, m.message.modseq), 0);

/** The `* ESEARCH` answer for the options asked (RFC 4731 §3.1, §3.2). */
function esearch(
  tag: string,
  uid: boolean,
  options: readonly SearchReturnOption[],
  found: readonly ViewMessage[],
  modseq: boolean,
): ImapResponse {
  const asked = new Set(options.length === 0 ? ['ALL'] : options);
  const id = (m: ViewMessage) => (uid ? m.message.uid : m.seq);
  const first = found[0];
  const last = found.at(-1);
  const result: { -readonly [K in keyof EsearchResult]: EsearchResult[K] } = { tag, uid };
  if (asked.has('MIN') && first) result.min = id(first);
  if (asked.has('MAX') && last) result.max = id(last);
  if (asked.has('ALL') && first) result.all = found.map(id);
  if (asked.has('COUNT')) result.count = found.length;
  if (modseq && first && last) {
    // Only MIN or only MAX: that message's mod-sequence; otherwise the highest of all found.
    const only =
      asked.size === 1 ? (asked.has('MIN') ? first : asked.has('MAX') ? last : undefined) : undefined;
    result.modseq = only ? only.message.modseq : highestModSeq(found);
  }
  return esearchResponse(result);
}

export const search: CommandHandler<'SEARCH'> = (s, cmd) => {
  const view = s.selected;
  if (view === undefined) return no('No mailbox selected.');
  if (cmd.charset !== undefined && !CHARSETS.includes(cmd.charset.toUpperCase()))
    return no(`Unsupported charset ${cmd.charset}`, { code: 'BADCHARSET', charsets: CHARSETS });
  if (usesSavedResult(cmd.criteria) || cmd.returnOptions?.includes('SAVE'))
    return bad('Saved search results ($, RETURN (SAVE)) are not supported here.');
  const found = searchMessages(view, cmd.criteria);
  const modseq = searchesModSeq(cmd.criteria);
  const response =
    cmd.returnOptions !== undefined
      ? esearch(cmd.tag, cmd.uid, cmd.returnOptions, found, modseq)
      : searchResponse({
          numbers: found.map((m) => (cmd.uid ? m.message.uid : m.seq)),
          ...(modseq ? { modseq: highestModSeq(found) } : {}),
        });
  const result: CommandResult = {
    ...ok(cmd.uid ? 'UID Search completed.' : 'Search completed.', undefined, [response]),
    deferExpunge: true,
  };
  return modseq ? condstoreEnabling(s)(result) : result;
};
