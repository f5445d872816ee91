/**
 * THREAD and UID THREAD (RFC 5256 §4 BASE.6.4.THREAD): the messages the
 * search criteria match, threaded by ORDEREDSUBJECT or REFERENCES
 * (`../thread.ts`), as `* THREAD (…)(…)` with sequence numbers or UIDs.
 *
 * ```
 * ; RFC 5256 §5
 * thread-data    = "THREAD" [SP 1*thread-list]
 * thread-list    = "(" (thread-members / thread-nested) ")"
 * thread-members = nz-number *(SP nz-number) [SP thread-nested]
 * thread-nested  = 2*thread-list
 * ```
 *
 * A message with one reply is followed by it in the same list; several
 * replies each open a list of their own; a dummy is no number, only its
 * children's lists. Charsets and held-back expunges are as for SORT.
 */
import { list, num, seq, type ImapValue } from '../codec/index.ts';
import { searchMessages, usesSavedResult } from '../search.ts';
import { sortInput, type SortInput } from '../sort.ts';
import { threadByOrderedSubject, threadByReferences, type ThreadNode } from '../thread.ts';
import { SORT_CHARSETS } from './sort.ts';
import { bad, no, ok, type CommandHandler } from './types.ts';

/** One `thread-list` for a thread rooted at `node`; `number` gives a message's sequence number or UID. */
export function threadList<M>(node: ThreadNode<M>, number: (m: M) => number): ImapValue {
  const members: ImapValue[] = [];
  let at = node;
  // A chain of only children is one run of numbers.
  while (at.message !== undefined) {
    members.push(num(number(at.message)));
    if (at.children.length !== 1) break;
    at = at.children[0]!;
  }
  if (at.children.length > 1 || at.message === undefined)
    members.push(seq(...at.children.map((c) => threadList(c, number))));
  return list(...members);
}

export const thread: CommandHandler<'THREAD'> = (s, cmd) => {
  const view = s.selected;
  if (view === undefined) return no('No mailbox selected.');
  if (!SORT_CHARSETS.includes(cmd.charset.toUpperCase()))
    return no(`Unsupported charset ${cmd.charset}`, { code: 'BADCHARSET', charsets: SORT_CHARSETS });
  if (usesSavedResult(cmd.search)) return bad('Saved search results ($) are not supported here.');
  const found = searchMessages(view, cmd.search);
  const uidOf = new Map(found.map((m) => [m.seq, m.message.uid] as const));
  const inputs = found.map((m) => sortInput(m.seq, m.message));
  const threads =
    cmd.algorithm === 'REFERENCES' ? threadByReferences(inputs) : threadByOrderedSubject(inputs);
  const number = (m: SortInput) => (cmd.uid ? uidOf.get(m.seq)! : m.seq);
  const values = threads.length === 0 ? [] : [seq(...threads.map((t) => threadList(t, number)))];
  return {
    ...ok(cmd.uid ? 'UID Thread completed.' : 'Thread completed.', undefined, [
      { kind: 'data', name: 'THREAD', values },
    ]),
    deferExpunge: true,
  };
};
