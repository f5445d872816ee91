import { describe, expect, it } from 'vitest';
import { explainPop3, isMultiline, parsePop3Status, Pop3ResponseReader } from './pop3-explain.ts';

describe('parsePop3Status', () => {
  it('reads the status word, an RFC 2449 response code and the text (RFC 1939 §3, RFC 2449 §8)', () => {
    expect(
      ['+OK 2 320', '-ERR [IN-USE] Unable to lock maildrop', '+ ', '+', '+ok', '-ERR', '250 Ok', '.'].map(
        parsePop3Status,
      ),
    ).toEqual([
      { status: '+OK', text: '2 320' },
      { status: '-ERR', code: 'IN-USE', text: 'Unable to lock maildrop' },
      { status: '+', text: '' },
      { status: '+', text: '' },
      { status: '+OK', text: '' },
      { status: '-ERR', text: '' },
      undefined,
      undefined,
    ]);
  });
});

describe('isMultiline', () => {
  it('expects a body after RETR, TOP, CAPA, and LIST or UIDL without argument (RFC 1939 §5, §7; RFC 2449 §5)', () => {
    const commands = [
      'RETR 1',
      'top 1 0',
      'CAPA',
      'LIST',
      'UIDL',
      'LIST 1',
      'UIDL 2',
      'STAT',
      'DELE 1',
      'QUIT',
    ];
    expect(commands.map((c) => [c, isMultiline(c)])).toEqual([
      ['RETR 1', true],
      ['top 1 0', true],
      ['CAPA', true],
      ['LIST', true],
      ['UIDL', true],
      ['LIST 1', false],
      ['UIDL 2', false],
      ['STAT', false],
      ['DELE 1', false],
      ['QUIT', false],
    ]);
  });
});

describe('explainPop3', () => {
  it('explains +OK in the context of its command: STAT counts, LIST n sizes (RFC 1939 §5)', () => {
    expect(explainPop3({ status: '+OK', text: '2 320' }, 'STAT')).toEqual({
      meaning: 'STAT: 2 messages, 320 octets',
      explanation:
        'The drop listing: how many messages and their total size. Messages marked with DELE are not counted.',
      rfc: 'RFC 1939 §5',
    });
    expect(explainPop3({ status: '+OK', text: '1 1 octet' }, 'STAT').meaning).toBe(
      'STAT: 1 message, 1 octet',
    );
    expect(explainPop3({ status: '+OK', text: '2 120' }, 'LIST 2').meaning).toBe(
      'LIST: message 2 is 120 octets',
    );
    expect(explainPop3({ status: '+OK', text: '' }, 'LIST', 3).meaning).toBe(
      'LIST: the scan listing follows (3 lines)',
    );
  });

  it('explains the greeting, USER and PASS (RFC 1939 §4, §7)', () => {
    expect(
      [
        explainPop3({ status: '+OK', text: 'POP3 server ready <1.2@mx>' }, undefined),
        explainPop3({ status: '+OK', text: '' }, 'USER bob@example.net'),
        explainPop3({ status: '+OK', text: 'maildrop has 0 messages' }, 'PASS secret'),
      ].map((e) => [e.meaning, e.rfc]),
    ).toEqual([
      ['Greeting: the server is ready', 'RFC 1939 §4'],
      ['USER accepted: now send PASS', 'RFC 1939 §7'],
      ['Logged in: TRANSACTION state', 'RFC 1939 §7'],
    ]);
  });

  it('says DELE only marks a message: deletion happens at QUIT, in the UPDATE state (RFC 1939 §6)', () => {
    expect(explainPop3({ status: '+OK', text: 'message 1 deleted' }, 'DELE 1')).toEqual({
      meaning: 'DELE: message 1 is marked as deleted',
      explanation:
        'Nothing is removed yet: the server deletes marked messages only when you QUIT (the UPDATE state); RSET unmarks them, and a connection that drops deletes nothing.',
      rfc: 'RFC 1939 §5, §6',
    });
    expect(
      explainPop3({ status: '+OK', text: 'bye' }, 'QUIT', 0, { loggedIn: true, marked: 2 }).meaning,
    ).toBe('QUIT: UPDATE state, 2 messages deleted');
    expect(explainPop3({ status: '+OK', text: 'bye' }, 'QUIT').meaning).toBe('QUIT: goodbye');
  });

  it('explains the RFC 2449 and RFC 3206 response codes of -ERR', () => {
    const codes = ['IN-USE', 'AUTH', 'LOGIN-DELAY', 'SYS/TEMP', 'SYS/PERM', 'X-OTHER'];
    expect(codes.map((code) => explainPop3({ status: '-ERR', code, text: '' }, 'PASS x').code)).toEqual([
      { code: 'IN-USE', meaning: 'The maildrop is in use', rfc: 'RFC 2449 §8.1.1' },
      { code: 'AUTH', meaning: 'The credentials were refused', rfc: 'RFC 3206 §5' },
      { code: 'LOGIN-DELAY', meaning: 'Logged in too recently', rfc: 'RFC 2449 §8.1.2' },
      { code: 'SYS/TEMP', meaning: 'A temporary problem on the server', rfc: 'RFC 3206 §4' },
      { code: 'SYS/PERM', meaning: 'A permanent problem on the server', rfc: 'RFC 3206 §4' },
      { code: 'X-OTHER', meaning: 'A response code this terminal does not know', rfc: 'RFC 2449 §8' },
    ]);
    expect(explainPop3({ status: '-ERR', code: 'IN-USE', text: 'locked' }, 'PASS x')).toEqual({
      meaning: 'Login refused',
      explanation:
        'Another session holds the maildrop lock (perhaps the mail program is checking right now). Only one session may have a maildrop open; try again once it has said QUIT.',
      rfc: 'RFC 2449 §8.1.1',
      code: { code: 'IN-USE', meaning: 'The maildrop is in use', rfc: 'RFC 2449 §8.1.1' },
    });
    expect(explainPop3({ status: '-ERR', text: 'no such message' }, 'RETR 9')).toEqual({
      meaning: 'RETR failed',
      explanation:
        'The command was refused (unknown, wrong arguments, or not allowed in this state, e.g. RETR before logging in). The session goes on in the same state.',
      rfc: 'RFC 1939 §3',
    });
    expect(explainPop3({ status: '-ERR', text: 'invalid password' }, 'PASS x').meaning).toBe('Login refused');
  });
});

describe('Pop3ResponseReader', () => {
  it('pairs responses with commands in order and explains a multi-line response once, at its final dot (RFC 1939 §3)', () => {
    const reader = new Pop3ResponseReader();
    const seen: [string, string, string | undefined, string | undefined][] = [];
    const receive = (line: string) => {
      const r = reader.received(line);
      seen.push([line, r.kind, r.status, r.response?.explanation.meaning]);
    };
    receive('+OK POP3 server ready <1.2@mx.example.net>');
    reader.sent('USER bob@example.net');
    reader.sent('PASS bob-password'); // pipelined (RFC 2449 §6.6)
    receive('+OK');
    receive('+OK maildrop has 1 message (120 octets)');
    reader.sent('LIST');
    receive('+OK 1 messages (120 octets)');
    receive('1 120');
    receive('.');
    reader.sent('RETR 1');
    receive('+OK 120 octets');
    receive('-ERR [IN-USE] inside the body is just a line');
    receive('..leading dot, stuffed');
    receive('.');
    reader.sent('DELE 1');
    receive('+OK message 1 deleted');
    reader.sent('QUIT');
    receive('+OK POP3 server signing off');
    expect(seen).toEqual([
      ['+OK POP3 server ready <1.2@mx.example.net>', 'status', '+OK', 'Greeting: the server is ready'],
      ['+OK', 'status', '+OK', 'USER accepted: now send PASS'],
      ['+OK maildrop has 1 message (120 octets)', 'status', '+OK', 'Logged in: TRANSACTION state'],
      ['+OK 1 messages (120 octets)', 'status', '+OK', undefined],
      ['1 120', 'body', undefined, undefined],
      ['.', 'end', undefined, 'LIST: the scan listing follows (1 line)'],
      ['+OK 120 octets', 'status', '+OK', undefined],
      ['-ERR [IN-USE] inside the body is just a line', 'body', undefined, undefined],
      ['..leading dot, stuffed', 'body', undefined, undefined],
      ['.', 'end', undefined, 'RETR: the message follows (2 lines)'],
      ['+OK message 1 deleted', 'status', '+OK', 'DELE: message 1 is marked as deleted'],
      ['+OK POP3 server signing off', 'status', '+OK', 'QUIT: UPDATE state, 1 message deleted'],
    ]);
  });

  it('reads -ERR to a multi-line command as one line, and RSET clears the DELE marks', () => {
    const reader = new Pop3ResponseReader();
    reader.received('+OK ready');
    reader.sent('RETR 1');
    expect(reader.received('-ERR [AUTH] not logged in')).toMatchObject({
      kind: 'status',
      status: '-ERR',
      response: { command: 'RETR 1', bodyLines: 0, status: { code: 'AUTH' } },
    });
    reader.sent('PASS x');
    reader.received('+OK logged in');
    reader.sent('DELE 1');
    reader.received('+OK');
    reader.sent('RSET');
    reader.received('+OK');
    reader.sent('QUIT');
    expect(reader.received('+OK bye').response?.explanation.meaning).toBe(
      'QUIT: UPDATE state, 0 messages deleted',
    );
  });

  it('treats the line sent after a SASL challenge as AUTH’s response, not a command (RFC 5034 §4)', () => {
    const reader = new Pop3ResponseReader();
    reader.received('+OK ready');
    reader.sent('AUTH PLAIN');
    expect(reader.received('+ ').response?.explanation.meaning).toBe(
      'Go on: the server waits for your SASL response',
    );
    reader.sent('AGJvYgBzZWNyZXQ=');
    expect(reader.received('+OK Logged in.').response).toMatchObject({
      command: 'AUTH PLAIN',
      explanation: { meaning: 'Logged in: TRANSACTION state', rfc: 'RFC 5034 §4' },
    });
    expect(reader.received('stray text')).toEqual({ kind: 'unexpected' });
  });
});
