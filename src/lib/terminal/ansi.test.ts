import { describe, expect, it } from 'vitest';
import { styleLine, styleNote } from './ansi.ts';

describe('styleLine', () => {
  it('colours a reply code by its class and leaves the rest of the line plain (RFC 5321 §4.2.1)', () => {
    expect(
      [2, 3, 4, 5].map((c) => styleLine({ kind: 'received', text: `${c}50 text`, replyClass: c })),
    ).toEqual([
      '\x1b[32m250\x1b[0m text',
      '\x1b[33m350\x1b[0m text',
      '\x1b[31m450\x1b[0m text',
      '\x1b[31m550\x1b[0m text',
    ]);
  });

  it('colours a POP3 status word, and only that (RFC 1939 §3)', () => {
    expect([
      styleLine({ kind: 'received', text: '+OK 2 320', pop3Status: '+OK' }),
      styleLine({ kind: 'received', text: '-ERR [IN-USE] locked', pop3Status: '-ERR' }),
      styleLine({ kind: 'received', text: '+ ', pop3Status: '+' }),
      styleLine({ kind: 'received', text: '+OK inside a message body' }),
    ]).toEqual([
      '\x1b[32m+OK\x1b[0m 2 320',
      '\x1b[31m-ERR\x1b[0m [IN-USE] locked',
      '\x1b[33m+\x1b[0m ',
      '+OK inside a message body',
    ]);
  });

  it('colours an IMAP tag and status word, or the + of a continuation (RFC 3501 §7.1, §7.5)', () => {
    expect([
      styleLine({ kind: 'received', text: 'a1 OK Logged in', imapStatus: 'OK' }),
      styleLine({ kind: 'received', text: 'a2 NO [NONEXISTENT] No such mailbox', imapStatus: 'NO' }),
      styleLine({ kind: 'received', text: '* BYE Logging out', imapStatus: 'BYE' }),
      styleLine({ kind: 'received', text: '+ OK', imapStatus: '+' }),
      styleLine({ kind: 'received', text: '* 3 EXISTS' }),
    ]).toEqual([
      '\x1b[32ma1 OK\x1b[0m Logged in',
      '\x1b[31ma2 NO\x1b[0m [NONEXISTENT] No such mailbox',
      '\x1b[33m* BYE\x1b[0m Logging out',
      '\x1b[33m+\x1b[0m OK',
      '* 3 EXISTS',
    ]);
  });

  it('prints a server line that is not a reply as it is', () => {
    expect(styleLine({ kind: 'received', text: '␖␃␁' })).toBe('␖␃␁');
  });

  it('marks what the learner sent with the prompt, and the terminal’s own notes and errors with *', () => {
    expect([
      styleLine({ kind: 'sent', text: 'QUIT' }),
      styleLine({ kind: 'note', text: 'Connected.' }),
      styleLine({ kind: 'error', text: 'Refused.' }),
      styleNote('HELO  HELP'),
    ]).toEqual([
      '\x1b[36m> \x1b[1mQUIT\x1b[0m',
      '\x1b[90m* Connected.\x1b[0m',
      '\x1b[31m* Refused.\x1b[0m',
      '\x1b[90mHELO  HELP\x1b[0m',
    ]);
  });
});
