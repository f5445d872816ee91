/**
 * LOGIN (RFC 3501 §6.2.3): user name and password in the clear. Refused
 * with `NO [PRIVACYREQUIRED]` (RFC 5530) while LOGINDISABLED is advertised.
 */
import { capabilities, plaintextRefused } from './capability.ts';
import { no, type CommandHandler, type CommandResult, type ImapSessionState } from './types.ts';
import type { Account } from '../../store/mail-store.ts';

/** Dovecot's words for `disable_plaintext_auth`. */
export const PLAINTEXT_REFUSED = 'Plaintext authentication disallowed on non-secure (SSL/TLS) connections.';

/** The result of a successful login: OK with the new capabilities (Dovecot, RFC 3501 §7.1). */
export function loggedIn(s: ImapSessionState, account: Account): CommandResult {
  return {
    untagged: [],
    done: {
      status: 'OK',
      code: { code: 'CAPABILITY', capabilities: capabilities({ ...s, account }) },
      text: 'Logged in',
    },
    next: 'authenticated',
    account,
  };
}

/** The refusal of wrong credentials (RFC 5530 AUTHENTICATIONFAILED). */
export const authenticationFailed = () => no('Authentication failed.', { code: 'AUTHENTICATIONFAILED' });

export const login: CommandHandler<'LOGIN'> = (s, cmd) => {
  if (plaintextRefused(s)) {
    return {
      ...no(PLAINTEXT_REFUSED, { code: 'PRIVACYREQUIRED' }),
      violation: { rule: 'RFC 3501 §6.2.3', message: 'LOGIN sent although LOGINDISABLED was advertised' },
    };
  }
  const account = s.store.account(cmd.username);
  if (account === undefined || account.password !== cmd.password) return authenticationFailed();
  return loggedIn(s, account);
};
