/**
 * Resolving a command's sequence set against the session's view, with the
 * refusals Dovecot sends: `$` needs SEARCHRES (not offered), and a message
 * sequence number above the count is `BAD` (RFC 9051 §7.1.5); UIDs out of
 * range are simply not there (RFC 3501 §6.4.8).
 */
import { sequenceSetWithin, type SequenceSet } from '../codec/index.ts';
import type { SelectedMailbox, ViewMessage } from '../selected-mailbox.ts';
import { bad, type CommandResult } from './types.ts';

/** The messages the set names, or the BAD to answer. */
export function resolveSet(
  view: SelectedMailbox,
  set: SequenceSet,
  byUid: boolean,
): { ok: true; messages: ViewMessage[] } | { ok: false; result: CommandResult } {
  if (set === '$') return { ok: false, result: bad('Saved search results ($) are not supported here.') };
  if (!byUid && !sequenceSetWithin(set, view.count)) return { ok: false, result: bad('Invalid messageset') };
  return { ok: true, messages: view.resolve(set, byUid) };
}
