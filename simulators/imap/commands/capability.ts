/**
 * CAPABILITY (RFC 3501 §6.1.1, RFC 9051 §6.1.1): what the server offers,
 * which changes with the state — STARTTLS and the AUTH= mechanisms only
 * before login, LOGINDISABLED while plaintext login is refused.
 *
 * SIMPLIFICATION: IMAP4rev1 only. IMAP4rev2 (RFC 9051) would need ESEARCH
 * as the only SEARCH answer, STATUS SIZE/DELETED semantics, no \Recent and
 * UTF-8 mailbox names; the server does not announce it.
 */
import { isQuotaAdmin } from './quota.ts';
import type { ImapSessionState } from './types.ts';
import { ok } from './types.ts';

const COMMON = ['IMAP4rev1', 'SASL-IR', 'LITERAL+', 'ID', 'ENABLE', 'IDLE'];
const AFTER_LOGIN = [
  'NAMESPACE',
  // RFC 7162 CONDSTORE, RFC 4731 ESEARCH, RFC 9208 QUOTA with its resources.
  'CONDSTORE',
  'ESEARCH',
  'QUOTA',
  'QUOTA=RES-STORAGE',
  'QUOTA=RES-MESSAGE',
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

/** RFC 4314 §5.1.1: ACL, and RIGHTS= naming the rights beyond RFC 2086's (it MUST include t, e, x and k). */
const ACL_CAPABILITIES = ['ACL', 'RIGHTS=texk'];
/** RFC 4978 §3: COMPRESS is a command of the authenticated state, so it is offered after login. */
const COMPRESS_CAPABILITIES = ['COMPRESS=DEFLATE'];

/** Whether LOGIN, PLAIN and LOGIN are refused now (RFC 3501 §6.2.3 LOGINDISABLED). */
export function plaintextRefused(s: Pick<ImapSessionState, 'config' | 'tls'>): boolean {
  return !s.config.allowPlaintextLogin && s.tls === undefined;
}

/** The capability list for the session's state. */
export function capabilities(s: Pick<ImapSessionState, 'config' | 'tls' | 'account'>): string[] {
  if (s.account !== undefined)
    return [
      ...COMMON,
      ...AFTER_LOGIN,
      ...ACL_CAPABILITIES,
      ...COMPRESS_CAPABILITIES,
      ...(isQuotaAdmin(s) ? ['QUOTASET'] : []),
    ];
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
