import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import {
  bodyLines,
  dotStuff,
  formatPop3Command,
  formatResponse,
  LineReader,
  parsePop3Command,
  parseStatusLine,
  ResponseAssembler,
  textBody,
  type LineResult,
  type Pop3BadCommand,
  type Pop3Command,
  type Pop3Response,
} from './codec.ts';

describe('parsePop3Command / formatPop3Command', () => {
  // [wire, parsed]: checked in both directions (RFC 1939 §§4–7, RFC 2449 §5, RFC 2595 §4, RFC 5034 §4).
  const ROUND_TRIP: [string, Pop3Command][] = [
    ['USER bob@example.net', { verb: 'USER', name: 'bob@example.net' }],
    ['PASS secret', { verb: 'PASS', password: 'secret' }],
    ['PASS two words', { verb: 'PASS', password: 'two words' }],
    [
      'APOP mrose c4c9334bac560ecc979e58001b3e22fb',
      { verb: 'APOP', name: 'mrose', digest: 'c4c9334bac560ecc979e58001b3e22fb' },
    ],
    ['AUTH PLAIN', { verb: 'AUTH', mechanism: 'PLAIN' }],
    [
      'AUTH PLAIN AGJvYgBzZWNyZXQ=',
      { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: 'AGJvYgBzZWNyZXQ=' },
    ],
    ['CAPA', { verb: 'CAPA' }],
    ['STLS', { verb: 'STLS' }],
    ['STAT', { verb: 'STAT' }],
    ['LIST', { verb: 'LIST' }],
    ['LIST 2', { verb: 'LIST', msg: 2 }],
    ['RETR 1', { verb: 'RETR', msg: 1 }],
    ['DELE 3', { verb: 'DELE', msg: 3 }],
    ['NOOP', { verb: 'NOOP' }],
    ['RSET', { verb: 'RSET' }],
    ['TOP 1 10', { verb: 'TOP', msg: 1, lines: 10 }],
    ['TOP 1 0', { verb: 'TOP', msg: 1, lines: 0 }],
    ['UIDL', { verb: 'UIDL' }],
    ['UIDL 1', { verb: 'UIDL', msg: 1 }],
    ['QUIT', { verb: 'QUIT' }],
  ];

  it.each(ROUND_TRIP)('parses %j (RFC 1939 §3)', (wire, parsed) => {
    expect(parsePop3Command(wire)).toEqual(parsed);
  });

  it.each(ROUND_TRIP)('formats %j back', (wire, parsed) => {
    expect(formatPop3Command(parsed)).toBe(wire);
  });

  // Accepted but not canonical: case-insensitive keywords (RFC 1939 §3) and TOLERANCE for spacing.
  it.each<[string, Pop3Command]>([
    ['stat', { verb: 'STAT' }],
    ['List 2', { verb: 'LIST', msg: 2 }],
    ['LIST ', { verb: 'LIST' }],
    ['RETR  1', { verb: 'RETR', msg: 1 }],
    ['auth plain', { verb: 'AUTH', mechanism: 'PLAIN' }],
    [
      'APOP mrose C4C9334BAC560ECC979E58001B3E22FB',
      { verb: 'APOP', name: 'mrose', digest: 'c4c9334bac560ecc979e58001b3e22fb' },
    ],
    ['RETR 0', { verb: 'RETR', msg: 0 }],
    ['RETR 99999', { verb: 'RETR', msg: 99999 }],
  ])('accepts %j', (wire, parsed) => {
    expect(parsePop3Command(wire)).toEqual(parsed);
  });

  it.each<[string, Pop3BadCommand]>([
    ['FOO', { verb: 'UNKNOWN', word: 'FOO' }],
    ['', { verb: 'UNKNOWN', word: '' }],
    ['XTND XMIT', { verb: 'UNKNOWN', word: 'XTND' }],
    ['USER', { verb: 'INVALID', word: 'USER', reason: 'USER needs one argument: a name' }],
    ['USER a b', { verb: 'INVALID', word: 'USER', reason: 'USER needs one argument: a name' }],
    ['PASS', { verb: 'INVALID', word: 'PASS', reason: 'PASS needs an argument' }],
    [
      'APOP mrose xyz',
      { verb: 'INVALID', word: 'APOP', reason: 'APOP needs a name and a 32-digit hex digest' },
    ],
    ['AUTH', { verb: 'INVALID', word: 'AUTH', reason: 'AUTH needs a mechanism name' }],
    ['STAT 1', { verb: 'INVALID', word: 'STAT', reason: 'STAT takes no arguments' }],
    [
      'LIST abc',
      { verb: 'INVALID', word: 'LIST', reason: 'LIST takes at most one argument: a message number' },
    ],
    [
      'LIST 1 2',
      { verb: 'INVALID', word: 'LIST', reason: 'LIST takes at most one argument: a message number' },
    ],
    ['RETR', { verb: 'INVALID', word: 'RETR', reason: 'RETR needs one argument: a message number' }],
    ['RETR -1', { verb: 'INVALID', word: 'RETR', reason: 'RETR needs one argument: a message number' }],
    ['DELE 1.5', { verb: 'INVALID', word: 'DELE', reason: 'DELE needs one argument: a message number' }],
    [
      'TOP 1 -1',
      {
        verb: 'INVALID',
        word: 'TOP',
        reason: 'TOP needs a message number and a non-negative number of lines',
      },
    ],
    [
      'TOP 1',
      {
        verb: 'INVALID',
        word: 'TOP',
        reason: 'TOP needs a message number and a non-negative number of lines',
      },
    ],
  ])('refuses %j', (wire, bad) => {
    expect(parsePop3Command(wire)).toEqual(bad);
  });
});

describe('formatResponse / ResponseAssembler', () => {
  // [wire, response, multi-line]: formatted one way, assembled back the other (RFC 1939 §3, RFC 2449 §8).
  const RESPONSES: [string, Pop3Response, boolean][] = [
    ['+OK\r\n', { status: '+OK', text: '' }, false],
    ['+OK 2 320\r\n', { status: '+OK', text: '2 320' }, false],
    ['-ERR no such message\r\n', { status: '-ERR', text: 'no such message' }, false],
    ['-ERR [IN-USE] maildrop locked\r\n', { status: '-ERR', code: 'IN-USE', text: 'maildrop locked' }, false],
    ['-ERR [SYS/TEMP] try later\r\n', { status: '-ERR', code: 'SYS/TEMP', text: 'try later' }, false],
    ['+ \r\n', { status: '+', text: '' }, false],
    [
      '+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+\r\n',
      { status: '+', text: 'PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+' },
      false,
    ],
    [
      '+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n',
      { status: '+OK', text: '2 messages', body: textBody(['1 120', '2 200']) },
      true,
    ],
    ['+OK\r\n.\r\n', { status: '+OK', text: '', body: new Uint8Array(0) }, true],
    [
      '+OK 25 octets\r\nSubject: x\r\n\r\n..hidden\r\n.\r\n',
      { status: '+OK', text: '25 octets', body: latin1Bytes('Subject: x\r\n\r\n.hidden\r\n') },
      true,
    ],
  ];

  it.each(RESPONSES)('formats %j', (wire, response) => {
    expect(bytesToLatin1(formatResponse(response))).toBe(wire);
  });

  it.each(RESPONSES)('assembles %j', (wire, response, multiline) => {
    const reader = new LineReader({ maxLineLength: 1000 });
    const assembler = new ResponseAssembler();
    reader.push(latin1Bytes(wire));
    const results = [];
    for (let line = reader.next(); line; line = reader.next()) {
      if (line.kind !== 'line') throw new Error('unexpected too-long');
      const r = assembler.push(line.bytes, multiline);
      if (r) results.push(r);
    }
    expect(results).toEqual([{ kind: 'response', response }]);
  });

  it('reads -ERR to a multi-line command as one line (RFC 1939 §3)', () => {
    const assembler = new ResponseAssembler();
    expect(assembler.push(latin1Bytes('-ERR no such message'), true)).toEqual({
      kind: 'response',
      response: { status: '-ERR', text: 'no such message' },
    });
    expect(assembler.pending).toBe(false);
  });

  it('rejects a first line that is no status (RFC 1939 §3)', () => {
    expect(parseStatusLine('250 ok')).toEqual({
      kind: 'malformed',
      reason: 'a response begins with +OK or -ERR (RFC 1939 §3)',
    });
    expect(parseStatusLine('+ok fine')).toEqual({
      kind: 'status',
      response: { status: '+OK', text: 'fine' },
    });
  });

  it('dot-stuffs every line that begins with a dot, also after a bare LF, and ends in CRLF (RFC 1939 §3)', () => {
    expect(bytesToLatin1(dotStuff(latin1Bytes('.a\r\nb\n.c\r\n..\r\n.')))).toBe(
      '..a\r\nb\n..c\r\n...\r\n..\r\n',
    );
    expect(bytesToLatin1(dotStuff(latin1Bytes('')))).toBe('');
    expect(bytesToLatin1(dotStuff(latin1Bytes('no newline')))).toBe('no newline\r\n');
  });

  it('un-stuffs what it stuffed, for any body of CRLF lines (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[.a-z \t]{0,8}$/), { maxLength: 8 }), (lines) => {
        const body = textBody(lines);
        const reader = new LineReader({ maxLineLength: 1000 });
        const assembler = new ResponseAssembler();
        reader.push(formatResponse({ status: '+OK', text: 'x', body }));
        let got: Pop3Response | undefined;
        for (let line = reader.next(); line; line = reader.next())
          if (line.kind === 'line') {
            const r = assembler.push(line.bytes, true);
            if (r?.kind === 'response') got = r.response;
          }
        expect(got && 'body' in got && got.body && bodyLines(got.body)).toEqual(lines);
      }),
    );
  });
});

describe('LineReader', () => {
  it('accepts a 255-octet command line and refuses 256 once, then reads on (RFC 2449 §4)', () => {
    const reader = new LineReader({ maxLineLength: 255 });
    const ok = `NOOP ${'x'.repeat(248)}`;
    expect(ok.length + 2).toBe(255);
    reader.push(latin1Bytes(`${ok}\r\n${ok}x\r\nSTAT\r\n`));
    expect(reader.next()).toMatchObject({ kind: 'line', text: ok });
    expect(reader.next()).toEqual({ kind: 'too-long', limit: 255 });
    expect(reader.next()).toMatchObject({ kind: 'line', text: 'STAT' });
    expect(reader.next()).toBeUndefined();
  });

  it('gives the same lines however the bytes are split (property)', () => {
    const text = 'USER bob\r\nPASS x y\nSTAT\r\n' + 'y'.repeat(300) + '\r\nQUIT\r\n';
    const whole = new LineReader({ maxLineLength: 255 });
    whole.push(latin1Bytes(text));
    const expected: LineResult[] = [];
    for (let l = whole.next(); l; l = whole.next()) expected.push(l);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: text.length }), { maxLength: 6 }), (cuts) => {
        const reader = new LineReader({ maxLineLength: 255 });
        const got: LineResult[] = [];
        let at = 0;
        for (const cut of [...cuts.sort((a, b) => a - b), text.length]) {
          reader.push(latin1Bytes(text.slice(at, Math.max(at, cut))));
          at = Math.max(at, cut);
          for (let l = reader.next(); l; l = reader.next()) got.push(l);
        }
        expect(got).toEqual(expected);
      }),
    );
  });
});
