/**
 * The small commands of any state and of the authenticated state: NOOP and
 * CHECK (RFC 3501 §6.1.2, §6.4.1), LOGOUT (§6.1.3), STARTTLS (§6.2.1), ID
 * (RFC 2971), ENABLE (RFC 5161), NAMESPACE (RFC 2342), IDLE (RFC 2177).
 */
import { atom, list, nil, str } from '../codec/index.ts';
import { OTHER_USERS } from '../mailbox-access.ts';
import { DELIMITER } from '../mailbox-list.ts';
import { CONDSTORE, condstoreEnabling } from './condstore.ts';
import { bad, no, ok, type CommandHandler } from './types.ts';

/** NOOP: the pending updates are the point, and the machine adds them. */
export const noop: CommandHandler<'NOOP'> = () => ok('NOOP completed.');

/** CHECK: nothing to checkpoint in a simulated store. */
export const check: CommandHandler<'CHECK'> = () => ok('Check completed.');

/** LOGOUT: `* BYE` then OK, and the connection closes (RFC 3501 §6.1.3). */
export const logout: CommandHandler<'LOGOUT'> = () => ({
  untagged: [{ kind: 'status', status: 'BYE', text: 'Logging out' }],
  done: { status: 'OK', text: 'Logout completed.' },
  next: 'logout',
});

/** STARTTLS: OK, then the TLS handshake; nothing is read until it completes. */
export const starttls: CommandHandler<'STARTTLS'> = (s) => {
  if (s.tls !== undefined) return bad('TLS is already active.');
  if (!s.config.offerStartTls) return no('STARTTLS is not offered here.');
  return { untagged: [], done: { status: 'OK', text: 'Begin TLS negotiation now.' }, next: 'awaitingTls' };
};

/** ID: the server's identity, whatever the client sent (RFC 2971 §3.1). */
export const id: CommandHandler<'ID'> = () =>
  ok('ID completed.', undefined, [
    {
      kind: 'data',
      name: 'ID',
      values: [list(str('name'), str('Mailroom'), str('vendor'), str('Mailroom lab'))],
    },
  ]);

/**
 * ENABLE: `* ENABLED` lists what this command enabled (RFC 5161 §3.1):
 * CONDSTORE is the one enableable extension here; anything else, or one
 * already enabled, is left out. Accepted in the selected state too, which
 * RFC 5161 §3.1 allows servers ("don't have to check").
 */
export const enable: CommandHandler<'ENABLE'> = (s, cmd) => {
  const fresh = cmd.capabilities.includes(CONDSTORE) && !s.enabled.has(CONDSTORE);
  const result = ok('Enabled.', undefined, [
    { kind: 'data', name: 'ENABLED', values: fresh ? [atom(CONDSTORE)] : [] },
  ]);
  return fresh ? condstoreEnabling(s)(result) : result;
};

/**
 * NAMESPACE (RFC 2342 §5): the personal namespace `""`, and the other
 * users' namespace where mailboxes shared through ACLs appear; no shared
 * (public) folders.
 */
export const namespace: CommandHandler<'NAMESPACE'> = () =>
  ok('Namespace completed.', undefined, [
    {
      kind: 'data',
      name: 'NAMESPACE',
      values: [
        list(list(str(''), str(DELIMITER))),
        list(list(str(OTHER_USERS + DELIMITER), str(DELIMITER))),
        nil,
      ],
    },
  ]);

/** IDLE: `+ idling`; the tag completes when DONE arrives (RFC 2177 §3). */
export const idle: CommandHandler<'IDLE'> = () => ({
  untagged: [{ kind: 'continuation', text: 'idling' }],
  next: 'idling',
});
