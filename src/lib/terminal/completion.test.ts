import { describe, expect, it } from 'vitest';
import { completeCommand } from './completion.ts';

describe('completeCommand', () => {
  it('completes a verb and adds the space its argument needs (RFC 5321 §4.1.1)', () => {
    expect(['eh', 'MA', 'rc', 'au', 'vr'].map((t) => completeCommand(t, t.length))).toEqual([
      { kind: 'replace', text: 'EHLO ' },
      { kind: 'replace', text: 'MAIL ' },
      { kind: 'replace', text: 'RCPT ' },
      { kind: 'replace', text: 'AUTH ' },
      { kind: 'replace', text: 'VRFY ' },
    ]);
  });

  it('adds no space after verbs without an argument (DATA, QUIT, RSET, STARTTLS, NOOP, HELP)', () => {
    expect(['da', 'q', 'rs', 'st', 'no'].map((t) => completeCommand(t, t.length))).toEqual([
      { kind: 'replace', text: 'DATA' },
      { kind: 'replace', text: 'QUIT' },
      { kind: 'replace', text: 'RSET' },
      { kind: 'replace', text: 'STARTTLS' },
      { kind: 'replace', text: 'NOOP' },
    ]);
  });

  it('completes what several verbs share, then lists them, as a shell does', () => {
    expect(completeCommand('he', 2)).toEqual({ kind: 'replace', text: 'HEL' });
    expect(completeCommand('HEL', 3)).toEqual({ kind: 'options', options: ['HELO', 'HELP'] });
    expect(completeCommand('E', 1)).toEqual({ kind: 'options', options: ['EHLO', 'EXPN'] });
  });

  it('upper-cases a bare verb typed in full, and leaves one already complete alone', () => {
    expect(completeCommand('quit', 4)).toEqual({ kind: 'replace', text: 'QUIT' });
    expect(completeCommand('QUIT', 4)).toBeUndefined();
    expect(completeCommand('mail', 4)).toEqual({ kind: 'replace', text: 'MAIL ' });
  });

  it('completes FROM:< after MAIL and TO:< after RCPT (RFC 5321 §4.1.1.2, §4.1.1.3)', () => {
    expect(
      ['MAIL ', 'mail f', 'MAIL FROM', 'RCPT ', 'rcpt to:'].map((t) => completeCommand(t, t.length)),
    ).toEqual([
      { kind: 'replace', text: 'MAIL FROM:<' },
      { kind: 'replace', text: 'MAIL FROM:<' },
      { kind: 'replace', text: 'MAIL FROM:<' },
      { kind: 'replace', text: 'RCPT TO:<' },
      { kind: 'replace', text: 'RCPT TO:<' },
    ]);
  });

  it('has nothing to complete on an empty line, an unknown word, a finished path, or mid-line', () => {
    expect([
      completeCommand('', 0),
      completeCommand('   ', 3),
      completeCommand('xyz', 3),
      completeCommand('MAIL FROM:<', 11),
      completeCommand('MAIL FROM:<a@b>', 15),
      completeCommand('MAIL TO', 7),
      completeCommand('EHLO x', 6),
      completeCommand('eh', 1),
    ]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('offers POP3 verbs on a POP3 port, with a space only where an argument is required (RFC 1939 §5–§7)', () => {
    const pop3 = (t: string) => completeCommand(t, t.length, 'pop3');
    expect(['us', 'pa', 'st', 'li', 'ret', 'de', 'ui', 'q', 'ca', 'stl', 'ap', 'au', 'to'].map(pop3)).toEqual(
      [
        { kind: 'replace', text: 'USER ' },
        { kind: 'replace', text: 'PASS ' },
        { kind: 'options', options: ['STLS', 'STAT'] },
        { kind: 'replace', text: 'LIST' },
        { kind: 'replace', text: 'RETR ' },
        { kind: 'replace', text: 'DELE ' },
        { kind: 'replace', text: 'UIDL' },
        { kind: 'replace', text: 'QUIT' },
        { kind: 'replace', text: 'CAPA' },
        { kind: 'replace', text: 'STLS' },
        { kind: 'replace', text: 'APOP ' },
        { kind: 'replace', text: 'AUTH ' },
        { kind: 'replace', text: 'TOP ' },
      ],
    );
    expect(pop3('r')).toEqual({ kind: 'options', options: ['RETR', 'RSET'] });
    // SMTP-only verbs and SMTP's path completion do not apply.
    expect([pop3('eh'), pop3('MAIL F'), pop3('RETR 1')]).toEqual([undefined, undefined, undefined]);
    expect(completeCommand('us', 2)).toBeUndefined();
  });
});

describe('completeCommand for IMAP', () => {
  const imap = (text: string, nextTag = 'a1', expecting: 'command' | 'done' | 'other' = 'command') =>
    completeCommand(text, text.length, 'imap', { nextTag, expecting });

  it('puts the next tag in front of a command typed without one (RFC 3501 §2.2.1)', () => {
    expect(imap('LOGIN bob@example.net bob-password')).toEqual({
      kind: 'replace',
      text: 'a1 LOGIN bob@example.net bob-password',
    });
    expect(imap('sel', 'a2')).toEqual({ kind: 'replace', text: 'a2 SELECT ' });
    expect(imap('capability', 'a3')).toEqual({ kind: 'replace', text: 'a3 CAPABILITY' });
    expect(imap('lo')).toEqual({ kind: 'replace', text: 'a1 LOG' });
  });

  it('completes the verb after a tag, bare verbs without a space', () => {
    expect(imap('a4 fe')).toEqual({ kind: 'replace', text: 'a4 FETCH ' });
    expect(imap('a9 logo')).toEqual({ kind: 'replace', text: 'a9 LOGOUT' });
    expect(imap('a1 LOG')).toEqual({ kind: 'options', options: ['LOGIN', 'LOGOUT'] });
    expect(imap('a1 ui')).toEqual({ kind: 'replace', text: 'a1 UID ' });
  });

  it('completes the commands that have a UID form after UID (RFC 3501 §6.4.8, RFC 4315, RFC 6851)', () => {
    expect(imap('a5 UID f')).toEqual({ kind: 'replace', text: 'a5 UID FETCH ' });
    expect(imap('a5 uid s')).toEqual({ kind: 'options', options: ['SEARCH', 'STORE'] });
    expect(imap('a5 UID e')).toEqual({ kind: 'replace', text: 'a5 UID EXPUNGE ' });
    expect(imap('a5 UID FETCH 1:* FLAGS')).toBeUndefined();
  });

  it('offers DONE while idling, and nothing inside a literal or a SASL exchange', () => {
    expect(imap('do', 'a3', 'done')).toEqual({ kind: 'replace', text: 'DONE' });
    expect(imap('DONE', 'a3', 'done')).toBeUndefined();
    expect(imap('sel', 'a3', 'other')).toBeUndefined();
    // A tag being typed is left alone.
    expect(imap('a1')).toBeUndefined();
  });
});
