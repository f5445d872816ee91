/**
 * SORT and UID SORT (RFC 5256 §3 BASE.6.4.SORT, RFC 5957 SORT=DISPLAY):
 * the messages the search criteria match, in the order of the sort
 * criteria (`../sort.ts`), as `* SORT n …` with sequence numbers or UIDs.
 *
 * The charset names the charset of the search strings; US-ASCII and UTF-8
 * are supported (RFC 5256 §3: "all servers MUST support US-ASCII and
 * UTF-8"), any other gets `NO [BADCHARSET (US-ASCII UTF-8)]`. Expunges are
 * held back as for SEARCH, so the numbers stay valid.
 *
 * CONDSTORE (RFC 7162 §3.1.6): with a MODSEQ search key, the answer ends in
 * `(MODSEQ n)`, the highest mod-sequence of the messages found
 * (`sort-data = "SORT" *(SP nz-number) [SP search-sort-mod-seq]`), and the
 * command enables CONDSTORE as SEARCH does.
 */
import { atom, list, num, type ImapValue } from '../codec/index.ts';
import { searchMessages, usesSavedResult } from '../search.ts';
import { sortInput, sortMessages } from '../sort.ts';
import { condstoreEnabling, searchesModSeq } from './condstore.ts';
import { bad, no, ok, type CommandHandler, type CommandResult } from './types.ts';

/** The charsets SORT and THREAD accept for their search strings. */
export const SORT_CHARSETS = ['US-ASCII', 'UTF-8'];

export const sort: CommandHandler<'SORT'> = (s, cmd) => {
  const view = s.selected;
  if (view === undefined) return no('No mailbox selected.');
  if (!SORT_CHARSETS.includes(cmd.charset.toUpperCase()))
    return no(`Unsupported charset ${cmd.charset}`, { code: 'BADCHARSET', charsets: SORT_CHARSETS });
  if (usesSavedResult(cmd.search)) return bad('Saved search results ($) are not supported here.');
  const found = searchMessages(view, cmd.search);
  const byUid = new Map(found.map((m) => [m.seq, m.message.uid] as const));
  const sorted = sortMessages(
    found.map((m) => sortInput(m.seq, m.message)),
    cmd.criteria,
  );
  const values: ImapValue[] = sorted.map((m) => num(cmd.uid ? byUid.get(m.seq)! : m.seq));
  const modseq = searchesModSeq(cmd.search);
  // As for SEARCH, the MODSEQ part only with at least one match.
  if (modseq && found.length > 0)
    values.push(list(atom('MODSEQ'), num(found.reduce((max, m) => Math.max(max, m.message.modseq), 0))));
  const result: CommandResult = {
    ...ok(cmd.uid ? 'UID Sort completed.' : 'Sort completed.', undefined, [
      { kind: 'data', name: 'SORT', values },
    ]),
    deferExpunge: true,
  };
  return modseq ? condstoreEnabling(s)(result) : result;
};
