/**
 * What an IMAP server's response means, for the terminal's explanations
 * list: the greeting, a `+`, a tagged OK / NO / BAD in the context of the
 * command it completes, BYE, and the response codes a learner meets here
 * (RFC 3501 §7.1, RFC 5530, RFC 4315, RFC 7162). Only words: the
 * conversation itself is followed by `imap-conversation.ts`. Loaded when an
 * IMAP response is first shown, so SMTP and POP3 users never fetch it.
 */
import type { ImapResponse } from './imap-conversation.ts';

/** A plain-language account of one response. */
export interface ImapExplanation {
  readonly meaning: string;
  readonly explanation: string;
  readonly rfc: string;
  /** The response code's meaning, when there is one the catalogue knows. */
  readonly code?: { readonly code: string; readonly meaning: string; readonly rfc: string };
}

const RFC = 'RFC 3501 §7.1';

/** RFC 3501 §7.1, RFC 5530, RFC 4315 and RFC 7162 response codes a learner meets here. */
const CODES: Readonly<Record<string, { meaning: string; rfc: string }>> = {
  ALERT: { meaning: 'a message the user must read', rfc: 'RFC 3501 §7.1' },
  CAPABILITY: { meaning: 'the capabilities, saving a CAPABILITY command', rfc: 'RFC 3501 §7.1' },
  'READ-WRITE': { meaning: 'the mailbox is open for changes (SELECT)', rfc: 'RFC 3501 §7.1' },
  'READ-ONLY': { meaning: 'the mailbox is open for reading only (EXAMINE)', rfc: 'RFC 3501 §7.1' },
  UIDVALIDITY: { meaning: 'UIDs are valid as long as this number stays the same', rfc: 'RFC 3501 §2.3.1.1' },
  UIDNEXT: { meaning: 'the UID the next message will get', rfc: 'RFC 3501 §2.3.1.1' },
  UNSEEN: { meaning: 'the number of the first message without \\Seen', rfc: 'RFC 3501 §7.1' },
  PERMANENTFLAGS: { meaning: 'the flags a STORE can change for good', rfc: 'RFC 3501 §7.1' },
  TRYCREATE: { meaning: 'the target mailbox does not exist: CREATE it first', rfc: 'RFC 3501 §7.1' },
  PARSE: { meaning: 'a message could not be parsed', rfc: 'RFC 3501 §7.1' },
  BADCHARSET: { meaning: 'the search charset is not supported', rfc: 'RFC 3501 §7.1' },
  APPENDUID: { meaning: 'the UIDVALIDITY and UID of the appended message', rfc: 'RFC 4315 §3' },
  COPYUID: { meaning: 'old and new UIDs of the copied messages', rfc: 'RFC 4315 §3' },
  CLOSED: { meaning: 'the previous mailbox was closed', rfc: 'RFC 7162 §3.2.11' },
  AUTHENTICATIONFAILED: { meaning: 'wrong user name or password', rfc: 'RFC 5530 §3' },
  AUTHORIZATIONFAILED: { meaning: 'right password, but not allowed to act as that user', rfc: 'RFC 5530 §3' },
  PRIVACYREQUIRED: { meaning: 'not without TLS: STARTTLS first', rfc: 'RFC 5530 §3' },
  NONEXISTENT: { meaning: 'no such mailbox', rfc: 'RFC 5530 §3' },
  ALREADYEXISTS: { meaning: 'a mailbox of that name exists already', rfc: 'RFC 5530 §3' },
  CANNOT: { meaning: 'the server will never do this', rfc: 'RFC 5530 §3' },
  CLIENTBUG: { meaning: 'the command was legal but probably a client mistake', rfc: 'RFC 5530 §3' },
  LIMIT: { meaning: 'a limit of the server was reached', rfc: 'RFC 5530 §3' },
  TOOBIG: { meaning: 'too large for the server', rfc: 'RFC 7889 §3' },
  EXPUNGEISSUED: { meaning: 'another session expunged messages meanwhile', rfc: 'RFC 5530 §3' },
};

/** What an OK means after some commands (RFC 3501 §6); others are "completed". */
const OK_MEANINGS: Readonly<Record<string, string>> = {
  LOGIN: 'Logged in: the session is now in the authenticated state (RFC 3501 §3.2).',
  AUTHENTICATE: 'Logged in: the session is now in the authenticated state (RFC 3501 §3.2).',
  SELECT: 'The mailbox is selected: the untagged lines gave its size (EXISTS) and UIDVALIDITY.',
  EXAMINE: 'The mailbox is selected read-only: the untagged lines gave its size and UIDVALIDITY.',
  STARTTLS: 'Start the TLS handshake now (the Start TLS button); then ask CAPABILITY again.',
  LOGOUT: 'Logged out: the server said BYE and closes the connection.',
  IDLE: 'IDLE is over: commands may be sent again.',
  FETCH: 'The FETCH lines above carried the data asked for.',
  STORE: 'The flags were changed; the FETCH lines above show them now.',
  SEARCH: 'The SEARCH line above lists the matching messages.',
  EXPUNGE: 'The messages marked \\Deleted are gone; each EXPUNGE line above named one.',
  LIST: 'The LIST lines above are the mailboxes, with their attributes.',
  CLOSE: 'The mailbox is closed (its \\Deleted messages expunged): back to the authenticated state.',
};

function explainCode(code: string | undefined): ImapExplanation['code'] {
  const name = code?.split(' ')[0]?.toUpperCase();
  const known = name === undefined ? undefined : CODES[name];
  return known === undefined || name === undefined ? undefined : { code: name, ...known };
}

/** What a response means, in the context of the command it answers (if the tag named one). */
export function explainImapResponse(response: ImapResponse): ImapExplanation {
  const { verb, greeting } = response;
  const code = explainCode(response.code);
  const withCode = (e: Omit<ImapExplanation, 'code'>): ImapExplanation => (code ? { ...e, code } : e);
  const command = verb ?? 'the command';
  switch (response.status) {
    case '+':
      if (verb === 'IDLE')
        return withCode({
          meaning: 'Idling: the server will push news',
          explanation: 'EXISTS, EXPUNGE and FETCH lines arrive as things happen; type DONE to end IDLE.',
          rfc: 'RFC 2177 §3',
        });
      if (verb === 'AUTHENTICATE')
        return withCode({
          meaning: 'Go on: send your SASL response',
          explanation: 'Type the base64 response on its own line (no tag), or * to cancel.',
          rfc: 'RFC 3501 §6.2.2',
        });
      return withCode({
        meaning: 'Go on: send the literal',
        explanation:
          'The server is ready for the octets you announced with {n}; the command continues after them.',
        rfc: 'RFC 3501 §7.5',
      });
    case 'PREAUTH':
      return withCode({
        meaning: 'Greeting: already logged in',
        explanation: 'The connection is authenticated without LOGIN (RFC 3501 §3).',
        rfc: 'RFC 3501 §7.1.4',
      });
    case 'BYE':
      return withCode({
        meaning: 'The server is closing the connection',
        explanation:
          'After LOGOUT this is normal; otherwise the server gives up (an autologout, a shutdown).',
        rfc: 'RFC 3501 §7.1.5',
      });
    case 'NO':
      return withCode({
        meaning: greeting ? 'The server refuses the connection' : `${command} failed`,
        explanation:
          'The command was understood but could not be done (wrong password, no such mailbox…). The session goes on.',
        rfc: RFC,
      });
    case 'BAD':
      return withCode({
        meaning: verb === undefined ? 'Not understood' : `${command} not understood`,
        explanation:
          'A protocol error: the syntax is wrong, the command unknown, or not allowed in this state ' +
          '(FETCH before SELECT). Check the tag, the spaces and the parentheses.',
        rfc: RFC,
      });
    default:
      if (greeting)
        return withCode({
          meaning: 'Greeting: the server is ready',
          explanation:
            'Log in next: a1 LOGIN user password (or STARTTLS first). Every command starts with a tag.',
          rfc: 'RFC 3501 §7.1.1',
        });
      return withCode({
        meaning: `${command} completed`,
        explanation: (verb !== undefined && OK_MEANINGS[verb]) || 'The command worked.',
        rfc: RFC,
      });
  }
}
