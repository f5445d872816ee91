/**
 * The command names the IMAP server answers, for a terminal's completion:
 * read from the server's own command table, so a command the server learns
 * is offered at once, and one it does not implement never is.
 */
import { COMMANDS } from './commands/index.ts';

/** Every command the server implements, alphabetically (RFC 3501 §6, RFC 9051 §6 and extensions). */
export const IMAP_VERBS: readonly string[] = Object.keys(COMMANDS).sort();

/** Commands that also have a UID form (RFC 3501 §6.4.8, RFC 4315 §2.1 UID EXPUNGE, RFC 6851 UID MOVE). */
export const IMAP_UID_VERBS: readonly string[] = [
  'COPY',
  'EXPUNGE',
  'FETCH',
  'MOVE',
  'SEARCH',
  'STORE',
].filter((v) => IMAP_VERBS.includes(v));
