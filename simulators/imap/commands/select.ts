/**
 * SELECT and EXAMINE (RFC 3501 §6.3.1–2), CLOSE (§6.4.2) and UNSELECT
 * (RFC 3691). The SELECT responses follow Dovecot's order and wording:
 * FLAGS, PERMANENTFLAGS, EXISTS, RECENT, UNSEEN (first unseen, if any),
 * UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ (RFC 7162 §3.1.2.1: "with every
 * successful SELECT or EXAMINE"), then `OK [READ-WRITE]` or `[READ-ONLY]`.
 * The `(CONDSTORE)` parameter enables CONDSTORE (RFC 7162 §3.1.8).
 */
import type { Right } from '../../store/acl.ts';
import type { ImapResponse } from '../codec/index.ts';
import { openMailbox } from '../mailbox-access.ts';
import { SelectedMailbox } from '../selected-mailbox.ts';
import { CONDSTORE, highestModSeqResponse } from './condstore.ts';
import { ok, untaggedOk, type CommandHandler, type CommandResult } from './types.ts';

/**
 * RFC 4314 §5.2: READ-ONLY when the user holds none of `i`, `e` and the
 * shared flag rights (all flags are shared here: `s`, `w`, `t`).
 */
const WRITE_RIGHTS: readonly Right[] = ['i', 'e', 's', 'w', 't'];

/** The untagged responses that describe a freshly selected mailbox. */
export function selectResponses(view: SelectedMailbox): ImapResponse[] {
  const out: ImapResponse[] = [
    ...view.flagResponses(),
    { kind: 'data', number: view.count, name: 'EXISTS', values: [] },
    { kind: 'data', number: view.recentCount, name: 'RECENT', values: [] },
  ];
  const unseen = view.messages.findIndex((m) => !m.flags.has('\\Seen'));
  if (unseen >= 0) out.push(untaggedOk({ code: 'UNSEEN', value: unseen + 1 }, `First unseen.`));
  out.push(
    untaggedOk({ code: 'UIDVALIDITY', value: view.mailbox.uidValidity }, 'UIDs valid'),
    untaggedOk({ code: 'UIDNEXT', value: view.mailbox.uidNext }, 'Predicted next UID'),
    highestModSeqResponse(view.mailbox),
  );
  return out;
}

export const select: CommandHandler<'SELECT' | 'EXAMINE'> = (s, cmd) => {
  // RFC 3501 §6.3.1: a SELECT while selected closes the current mailbox first, without expunging.
  s.selected?.close();
  const closed: ImapResponse[] =
    s.selected === undefined ? [] : [untaggedOk({ code: 'CLOSED' }, 'Previous mailbox closed.')];
  // RFC 4314 §4: SELECT and EXAMINE need r.
  const access = openMailbox(s, cmd.mailbox, ['r']);
  if (!access.ok) {
    const result: CommandResult = access.result;
    return { ...result, untagged: closed, selected: null, next: 'authenticated' };
  }
  const { box: mailbox, rights } = access;
  const readOnly = cmd.name === 'EXAMINE' || !WRITE_RIGHTS.some((r) => rights.has(r));
  const view = new SelectedMailbox(mailbox, readOnly, s.onMailboxChange, rights);
  return {
    untagged: [...closed, ...selectResponses(view)],
    done: readOnly
      ? {
          status: 'OK',
          code: { code: 'READ-ONLY' },
          text: `${cmd.name === 'EXAMINE' ? 'Examine' : 'Select'} completed.`,
        }
      : { status: 'OK', code: { code: 'READ-WRITE' }, text: 'Select completed.' },
    selected: view,
    next: 'selected',
    ...(cmd.condstore === true ? { enable: [CONDSTORE] } : {}),
  };
};

/** CLOSE: expunges \Deleted messages silently when read-write, then leaves the mailbox (RFC 3501 §6.4.2). */
export const close: CommandHandler<'CLOSE'> = (s) => {
  const view = s.selected;
  if (view !== undefined) {
    view.close();
    // RFC 4314 §4: without e, CLOSE still closes and says OK, but expunges nothing.
    if (!view.readOnly && view.rights.has('e')) {
      view.mailbox.expunge(view.mailbox.messages.filter((m) => m.flags.has('\\Deleted')).map((m) => m.uid));
    }
  }
  return { ...ok('Close completed.'), selected: null, next: 'authenticated' };
};

/** UNSELECT: leaves the mailbox without expunging (RFC 3691 §2). */
export const unselect: CommandHandler<'UNSELECT'> = (s) => {
  s.selected?.close();
  return { ...ok('Unselect completed.'), selected: null, next: 'authenticated' };
};
