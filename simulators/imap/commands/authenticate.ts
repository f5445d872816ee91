/**
 * AUTHENTICATE (RFC 3501 §6.2.2, RFC 4959 SASL-IR): PLAIN, LOGIN and
 * CRAM-MD5 through the shared SASL steps. Without an initial response the
 * server sends the first challenge as `+ base64`; each client line is base64
 * or `*` to cancel (answered `BAD`, RFC 3501 §6.2.2).
 */
import {
  decodeClientResponse,
  encodeChallenge,
  startServerMechanism,
  verifySecret,
  type SaslServerMechanism,
  type SaslServerStep,
} from '../../auth/sasl.ts';
import { plaintextRefused } from './capability.ts';
import { authenticationFailed, loggedIn, PLAINTEXT_REFUSED } from './login.ts';
import { bad, no, type CommandHandler, type CommandResult, type ImapSessionState } from './types.ts';

const MECHANISMS = ['PLAIN', 'LOGIN', 'CRAM-MD5'];
const PLAINTEXT = ['PLAIN', 'LOGIN'];

function outcome(s: ImapSessionState, mechanism: SaslServerMechanism, step: SaslServerStep): CommandResult {
  switch (step.kind) {
    case 'challenge':
      return {
        untagged: [{ kind: 'continuation', text: encodeChallenge(step.data) }],
        next: 'authenticating',
        sasl: mechanism,
      };
    case 'failure':
      return authenticationFailed();
    case 'error':
      return step.error === 'cancelled'
        ? bad('Authentication aborted by client.')
        : bad(`Invalid SASL response: ${step.reason}`);
    case 'credentials': {
      const c = step.credentials;
      const account = s.store.account(c.username);
      // Acting as someone else (a PLAIN authzid) needs rights nobody has here.
      const asSelf = c.authzid === '' || c.authzid === c.username;
      return asSelf && account !== undefined && verifySecret(c, account.password)
        ? loggedIn(s, account)
        : authenticationFailed();
    }
  }
}

export const authenticate: CommandHandler<'AUTHENTICATE'> = (s, cmd) => {
  const name = cmd.mechanism.toUpperCase();
  if (!MECHANISMS.includes(name)) return no('Unsupported authentication mechanism.');
  if (PLAINTEXT.includes(name) && plaintextRefused(s))
    return no(PLAINTEXT_REFUSED, { code: 'PRIVACYREQUIRED' });
  const mechanism = startServerMechanism(name, { challengeNonce: s.nonce(), hostname: s.config.hostname });
  if (!mechanism) return no('Unsupported authentication mechanism.');
  if (cmd.initialResponse === undefined) return outcome(s, mechanism, mechanism.step(undefined));
  // RFC 4959 §3: `=` is an empty initial response.
  const decoded = decodeClientResponse(cmd.initialResponse, true);
  if (decoded.kind !== 'data') return bad('Invalid base64 in the initial response.');
  return outcome(s, mechanism, mechanism.step(decoded.data));
};

/** One client line during the exchange. */
export function continueAuthenticate(
  s: ImapSessionState,
  mechanism: SaslServerMechanism,
  line: string,
): CommandResult {
  const decoded = decodeClientResponse(line);
  if (decoded.kind === 'cancel') return bad('Authentication aborted by client.');
  if (decoded.kind === 'bad-base64') return bad('Invalid base64 data in continued response.');
  return outcome(s, mechanism, mechanism.step(decoded.data));
}
