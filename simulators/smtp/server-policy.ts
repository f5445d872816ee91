/**
 * Decisions of the SMTP server that are plain functions of its context: the
 * EHLO keyword list, SASL outcomes checked against the directory, address
 * helpers. The machine calls them from its actions and guards.
 */
import {
  encodeChallenge,
  verifySecret,
  type SaslServerMechanism,
  type SaslServerStep,
} from '../auth/sasl.ts';
import type { Reply, SaslOutcome, SmtpServerContext as Context } from './server-types.ts';

/** Turns a mechanism's step into the machine's event, checking credentials against the directory. */
export function saslOutcome(
  context: Context,
  mechanism: SaslServerMechanism,
  step: SaslServerStep,
): SaslOutcome {
  switch (step.kind) {
    case 'challenge':
      return { type: 'sasl.challenge', data: encodeChallenge(step.data) };
    case 'failure':
      return { type: 'sasl.credentials', user: '', valid: false };
    case 'error':
      return step.error === 'cancelled'
        ? { type: 'sasl.aborted' }
        : { type: 'sasl.malformed', reason: step.reason };
    case 'credentials': {
      const c = step.credentials;
      const { directory } = context;
      // Acting as someone else (a PLAIN authzid) needs rights nobody has here.
      const asSelf = c.authzid === '' || c.authzid === c.username;
      const valid =
        asSelf &&
        (c.mechanism === 'XOAUTH2'
          ? directory.checkToken(c.username, c.token)
          : c.mechanism === 'CRAM-MD5'
            ? verifySecret(c, directory.secretOf(c.username) ?? '\u0000no secret')
            : directory.checkPassword(c.username, c.password));
      // XOAUTH2 reports the failure as a 334 error challenge the client acknowledges first.
      if (!valid && c.mechanism === 'XOAUTH2') return saslOutcome(context, mechanism, mechanism.fail());
      return { type: 'sasl.credentials', user: c.username, valid };
    }
  }
}

export function ehloReply(context: Context): Reply {
  const { config } = context;
  const lines = [config.hostname, 'PIPELINING', `SIZE ${config.maxMessageSize}`];
  if (config.vrfy) lines.push('VRFY');
  if (config.offerStartTls && context.tls === undefined && !context.peer.implicitTls) lines.push('STARTTLS');
  // Postfix `smtpd_tls_auth_only`: AUTH is not even offered before TLS.
  if (context.tls !== undefined || config.allowAuthWithoutTls)
    lines.push(`AUTH ${config.authMechanisms.join(' ')}`);
  lines.push('ENHANCEDSTATUSCODES', '8BITMIME', 'SMTPUTF8');
  return { code: 250, text: lines };
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}

export function stripBrackets(arg: string): string {
  const t = arg.trim();
  return t.startsWith('<') && t.endsWith('>') ? t.slice(1, -1) : t;
}
