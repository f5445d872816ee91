/**
 * CAPABILITY (RFC 3501 §6.1.1, RFC 9051 §6.1.1): what the server offers,
 * which changes with the state — STARTTLS and the AUTH= mechanisms only
 * before login, LOGINDISABLED while plaintext login is refused.
 *
 * SIMPLIFICATION: IMAP4rev1 only. IMAP4rev2 (RFC 9051) would need ESEARCH
 * replies, LIST-STATUS, STATUS SIZE/DELETED semantics, no \Recent and
 * UTF-8 mailbox names; the server does not announce it.
 */
import type { ImapSessionState } from './types.ts';
import { ok } from './types.ts';

const COMMON = ['IMAP4rev1', 'SASL-IR', 'LITERAL+', 'ID', 'ENABLE', 'IDLE'];
const AFTER_LOGIN = [
  'NAMESPACE',
  'UNSELECT',
  'UIDPLUS',
  'MOVE',
  'CHILDREN',
  'SPECIAL-USE',
  'LIST-EXTENDED',
  'LIST-STATUS',
  'SORT',
  'SORT=DISPLAY',
  'THREAD=ORDEREDSUBJECT',
  'THREAD=REFERENCES',
];

/** Whether LOGIN, PLAIN and LOGIN are refused now (RFC 3501 §6.2.3 LOGINDISABLED). */
export function plaintextRefused(s: Pick<ImapSessionState, 'config' | 'tls'>): boolean {
  return !s.config.allowPlaintextLogin && s.tls === undefined;
}

/** The capability list for the session's state. */
export function capabilities(s: Pick<ImapSessionState, 'config' | 'tls' | 'account'>): string[] {
  if (s.account !== undefined) return [...COMMON, ...AFTER_LOGIN];
  const out = [...COMMON];
  if (s.config.offerStartTls && s.tls === undefined) out.push('STARTTLS');
  if (plaintextRefused(s)) out.push('LOGINDISABLED', 'AUTH=CRAM-MD5');
  else out.push('AUTH=PLAIN', 'AUTH=LOGIN', 'AUTH=CRAM-MD5');
  return out;
}

/** `* CAPABILITY …` then OK. */
export const capability = (s: ImapSessionState) =>
  ok('Capability completed.', undefined, [
    { kind: 'data', name: 'CAPABILITY', values: capabilities(s).map((c) => ({ type: 'atom', value: c })) },
  ]);
