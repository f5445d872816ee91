import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeExpecting, ImapConversation, readResponseStart } from './imap-conversation.ts';
import { explainImapResponse } from './imap-explain.ts';
import type { ImapResponse } from './imap-conversation.ts';

/** What the explanations list says of a received line's response. */
const meaning = (r: { response?: ImapResponse }) =>
  r.response === undefined ? undefined : explainImapResponse(r.response).meaning;

describe('readResponseStart', () => {
  it.each([
    [
      '* OK [CAPABILITY IMAP4rev1 IDLE] ready',
      { continuation: false, status: 'OK', code: 'CAPABILITY IMAP4rev1 IDLE', text: 'ready' },
    ],
    ['a1 OK LOGIN completed', { tag: 'a1', continuation: false, status: 'OK', text: 'LOGIN completed' }],
    [
      'a2 no [NONEXISTENT] No such mailbox',
      { tag: 'a2', continuation: false, status: 'NO', code: 'NONEXISTENT', text: 'No such mailbox' },
    ],
    ['* 3 EXISTS', { continuation: false, text: '3 EXISTS' }],
    ['* BYE', { continuation: false, status: 'BYE', text: '' }],
    ['+ Ready for literal data', { continuation: true, status: '+', text: 'Ready for literal data' }],
    ['+', { continuation: true, status: '+', text: '' }],
  ])('reads %j (RFC 3501 §7)', (line, start) => {
    expect(readResponseStart(line)).toEqual(start);
  });

  it('is undefined for what is no response line', () => {
    expect(['', 'Subject: hi', ')'].map(readResponseStart)).toEqual([undefined, undefined, undefined]);
  });
});

describe('ImapConversation', () => {
  it('numbers tags after the highest one used, and pairs each completion with its command', () => {
    const c = new ImapConversation();
    expect(c.nextTag).toBe('a1');
    const greeting = c.received('* OK [CAPABILITY IMAP4rev1] Mailroom IMAP ready.').response!;
    expect(greeting).toMatchObject({ status: 'OK', greeting: true });
    expect(explainImapResponse(greeting)).toMatchObject({
      meaning: 'Greeting: the server is ready',
      code: { code: 'CAPABILITY' },
    });
    c.sent('a1 LOGIN bob@example.net bob-password');
    expect(c.nextTag).toBe('a2');
    c.sent('A7 SELECT INBOX');
    expect(c.nextTag).toBe('a8');
    expect(c.received('a1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in').response).toMatchObject({
      tag: 'a1',
      command: 'a1 LOGIN bob@example.net bob-password',
      verb: 'LOGIN',
      untagged: 0,
    });
    expect(c.received('* 2 EXISTS')).toEqual({});
    c.received('* OK [UIDVALIDITY 1796] UIDs valid');
    const selected = c.received('A7 OK [READ-WRITE] Select completed.');
    expect(selected).toEqual({
      status: 'OK',
      response: {
        status: 'OK',
        tag: 'A7',
        code: 'READ-WRITE',
        text: 'Select completed.',
        command: 'A7 SELECT INBOX',
        verb: 'SELECT',
        untagged: 2,
        greeting: false,
      },
    });
    expect(explainImapResponse(selected.response!)).toEqual({
      meaning: 'SELECT completed',
      explanation: 'The mailbox is selected: the untagged lines gave its size (EXISTS) and UIDVALIDITY.',
      rfc: 'RFC 3501 §7.1',
      code: { code: 'READ-WRITE', meaning: 'the mailbox is open for changes (SELECT)', rfc: 'RFC 3501 §7.1' },
    });
    c.sent('a8 UID FETCH 1 FLAGS');
    expect(meaning(c.received('a8 BAD Command unknown'))).toBe('FETCH not understood');
    expect(c.received('a9 NO nothing').response?.command).toBeUndefined();
  });

  it('follows a synchronising literal: + first, then n octets with their CRLFs, then the rest (RFC 3501 §7.5)', () => {
    const c = new ImapConversation();
    c.sent('a1 LOGIN {15}');
    expect(c.expecting).toEqual({ kind: 'continuation', octets: 15 });
    expect(meaning(c.received('+ Ready for literal data'))).toBe('Go on: send the literal');
    expect(c.expecting).toEqual({ kind: 'literal', remaining: 15 });
    // The literal ends inside the line; ` {12}` continues the command and announces another.
    c.sent('bob@example.net {12}');
    expect(c.expecting).toEqual({ kind: 'continuation', octets: 12 });
    c.received('+ Ready for literal data');
    c.sent('bob-pass');
    expect(c.expecting).toEqual({ kind: 'literal', remaining: 2 });
    c.sent('');
    expect(c.expecting).toEqual({ kind: 'rest-of-command' });
    c.sent('');
    expect(c.expecting).toEqual({ kind: 'command' });
    expect(c.received('a1 OK Logged in').response?.command).toBe('a1 LOGIN {15}');
  });

  it('sends a {n+} literal at once (RFC 7888), and a refusal of a {n} ends the command', () => {
    const c = new ImapConversation();
    c.sent('a1 APPEND INBOX {5+}');
    expect(c.expecting).toEqual({ kind: 'literal', remaining: 5 });
    c.sent('Hi!');
    expect(c.expecting).toEqual({ kind: 'rest-of-command' });
    c.sent('');
    c.sent('a2 APPEND Nowhere {300}');
    expect(c.expecting).toEqual({ kind: 'continuation', octets: 300 });
    c.received('a2 NO [TRYCREATE] Mailbox does not exist');
    expect(c.expecting).toEqual({ kind: 'command' });
    expect(c.nextTag).toBe('a3');
  });

  it('knows IDLE waits for DONE (RFC 2177) and AUTHENTICATE for a SASL line (RFC 3501 §6.2.2)', () => {
    const c = new ImapConversation();
    c.sent('a1 IDLE');
    expect(meaning(c.received('+ idling'))).toBe('Idling: the server will push news');
    expect(c.expecting).toEqual({ kind: 'idle' });
    c.received('* 4 EXISTS');
    expect(c.expecting).toEqual({ kind: 'idle' });
    c.sent('done');
    expect(c.expecting).toEqual({ kind: 'command' });
    expect(c.received('a1 OK Idle completed.').response?.untagged).toBe(1);
    c.sent('a2 AUTHENTICATE PLAIN');
    c.received('+ ');
    expect(c.expecting).toEqual({ kind: 'sasl' });
    c.sent('AGJvYgBwdw==');
    expect(c.expecting).toEqual({ kind: 'command' });
    expect(c.nextTag).toBe('a3');
  });

  it('explains BYE and says what to type next', () => {
    const c = new ImapConversation();
    c.sent('a1 LOGOUT');
    expect(meaning(c.received('* BYE Logging out'))).toBe('The server is closing the connection');
    expect(describeExpecting({ kind: 'command' }, 'a2')).toBe(
      'Next command: start it with a tag, a2 (Tab adds it).',
    );
    expect(describeExpecting({ kind: 'literal', remaining: 7 }, 'a2')).toBe(
      'Literal: 7 more octets (Enter adds CRLF, 2 octets).',
    );
  });

  it('never throws, whatever is sent and received (property)', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('a1 LOGIN {3}', 'a2 IDLE', '+ go', 'a1 OK x', '* BYE', 'DONE', 'x {2+}', 'a3 NO [X'),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), line), { maxLength: 30 }), (steps) => {
        const c = new ImapConversation();
        for (const [fromServer, text] of steps) {
          if (fromServer) c.received(text);
          else c.sent(text);
          expect(describeExpecting(c.expecting, c.nextTag)).toMatch(/\S/);
          expect(c.nextTag).toMatch(/^a\d+$/);
        }
      }),
    );
  });
});

describe('ImapConversation and the server’s literals', () => {
  it('reads the lines of a FETCH body as data, even one that looks like a completion', () => {
    const c = new ImapConversation();
    c.sent('a1 FETCH 1 BODY[]');
    c.received('* 1 FETCH (BODY[] {26}');
    expect(c.received('a1 OK forged')).toEqual({});
    expect(c.received('Subject: x')).toEqual({});
    c.received(')');
    expect(c.received('a1 OK Fetch completed.').response).toMatchObject({
      command: 'a1 FETCH 1 BODY[]',
      untagged: 1,
    });
  });
});
