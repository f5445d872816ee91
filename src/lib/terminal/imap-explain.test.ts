import { describe, expect, it } from 'vitest';
import type { ImapResponse } from './imap-conversation.ts';
import { explainImapResponse } from './imap-explain.ts';

const response = (over: Partial<ImapResponse>): ImapResponse => ({
  status: 'OK',
  text: '',
  untagged: 0,
  greeting: false,
  ...over,
});

describe('explainImapResponse', () => {
  it.each([
    [{ greeting: true }, 'Greeting: the server is ready', 'RFC 3501 §7.1.1'],
    [{ greeting: true, status: 'PREAUTH' }, 'Greeting: already logged in', 'RFC 3501 §7.1.4'],
    [{ status: 'OK', verb: 'STORE' }, 'STORE completed', 'RFC 3501 §7.1'],
    [{ status: 'NO', verb: 'SELECT' }, 'SELECT failed', 'RFC 3501 §7.1'],
    [{ status: 'BAD' }, 'Not understood', 'RFC 3501 §7.1'],
    [{ status: '+', verb: 'IDLE' }, 'Idling: the server will push news', 'RFC 2177 §3'],
    [{ status: '+', verb: 'AUTHENTICATE' }, 'Go on: send your SASL response', 'RFC 3501 §6.2.2'],
    [{ status: '+', verb: 'APPEND' }, 'Go on: send the literal', 'RFC 3501 §7.5'],
    [{ status: 'BYE' }, 'The server is closing the connection', 'RFC 3501 §7.1.5'],
  ] as const)('explains %j as %s (%s)', (over, meaning, rfc) => {
    expect(explainImapResponse(response(over))).toMatchObject({ meaning, rfc });
  });

  it('adds what a known response code means, and nothing for an unknown one (RFC 5530)', () => {
    expect(
      explainImapResponse(response({ status: 'NO', verb: 'LOGIN', code: 'AUTHENTICATIONFAILED' })).code,
    ).toEqual({
      code: 'AUTHENTICATIONFAILED',
      meaning: 'wrong user name or password',
      rfc: 'RFC 5530 §3',
    });
    expect(explainImapResponse(response({ code: 'UIDNEXT 7' })).code?.code).toBe('UIDNEXT');
    expect(explainImapResponse(response({ code: 'X-SOMETHING' })).code).toBeUndefined();
  });
});
