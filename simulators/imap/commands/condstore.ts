/**
 * CONDSTORE (RFC 7162 §3.1) as the commands share it. CONDSTORE is enabled
 * for the rest of the connection by ENABLE CONDSTORE or by any "CONDSTORE
 * enabling command": SELECT/EXAMINE (CONDSTORE), STATUS (HIGHESTMODSEQ),
 * FETCH or SEARCH naming MODSEQ, FETCH (CHANGEDSINCE), STORE
 * (UNCHANGEDSINCE). From then on every untagged FETCH that reports a flag
 * change carries UID and MODSEQ (selected-mailbox.ts does that).
 *
 * Every mailbox of the store keeps mod-sequences, so SELECT always reports
 * `OK [HIGHESTMODSEQ n]` (RFC 7162 §3.1.2.1) and NOMODSEQ (§3.1.2.2) is
 * never sent.
 */
import type { Mailbox } from '../../store/mail-store.ts';
import type { ImapResponse, SearchKey } from '../codec/index.ts';
import { untaggedOk, type CommandResult, type ImapSessionState } from './types.ts';

/** The capability and ENABLE name. */
export const CONDSTORE = 'CONDSTORE';

/** Whether the session has CONDSTORE enabled. */
export function condstoreEnabled(s: Pick<ImapSessionState, 'enabled'>): boolean {
  return s.enabled.has(CONDSTORE);
}

/** `* OK [HIGHESTMODSEQ n] Highest` (RFC 7162 §3.1.2.1; Dovecot's text). */
export function highestModSeqResponse(box: Mailbox): ImapResponse {
  return untaggedOk({ code: 'HIGHESTMODSEQ', value: box.highestModSeq }, 'Highest');
}

/**
 * Starts a CONDSTORE enabling command; the function it returns completes the
 * command's result: CONDSTORE enabled, and the first time with a mailbox
 * selected, `* OK [HIGHESTMODSEQ n]` ahead of the command's own responses
 * (RFC 7162 §3.1: the client had no value for the mailbox it selected
 * before). Call it before the command changes anything, so n is the value
 * the command found, as when Dovecot enables CONDSTORE while parsing.
 */
export function condstoreEnabling(s: ImapSessionState): (result: CommandResult) => CommandResult {
  if (condstoreEnabled(s)) return (result) => result;
  const announce = s.selected === undefined ? [] : [highestModSeqResponse(s.selected.mailbox)];
  return (result) => ({ ...result, untagged: [...announce, ...result.untagged], enable: [CONDSTORE] });
}

/** Whether any key of the search program is MODSEQ (RFC 7162 §3.1.5), however deep. */
export function searchesModSeq(criteria: readonly SearchKey[]): boolean {
  return criteria.some((k) => {
    switch (k.key) {
      case 'MODSEQ':
        return true;
      case 'NOT':
        return searchesModSeq([k.operand]);
      case 'OR':
        return searchesModSeq([k.left, k.right]);
      case 'AND':
        return searchesModSeq(k.operands);
      default:
        return false;
    }
  });
}
