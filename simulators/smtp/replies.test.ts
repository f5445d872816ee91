import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToLatin1 } from '../core/bytes.ts';
import {
  ReplyAssembler,
  encodeReply,
  formatReply,
  parseEhloKeywords,
  parseReplyLine,
  type Reply,
  type ReplyEvent,
} from './replies.ts';

/** Feeds every line of a wire reply (CRLF-separated) to a fresh assembler. */
function assemble(wire: string): ReplyEvent[] {
  const assembler = new ReplyAssembler();
  const out: ReplyEvent[] = [];
  for (const line of wire.split('\r\n').slice(0, -1)) {
    const event = assembler.push(line);
    if (event !== undefined) out.push(event);
  }
  return out;
}

describe('parseReplyLine', () => {
  it.each([
    ['250 Ok', { code: 250, separator: ' ', text: 'Ok' }],
    ['250-PIPELINING', { code: 250, separator: '-', text: 'PIPELINING' }],
    [
      '354 End data with <CR><LF>.<CR><LF>',
      { code: 354, separator: ' ', text: 'End data with <CR><LF>.<CR><LF>' },
    ],
    ['250', { code: 250, separator: ' ', text: '' }],
    ['334 ', { code: 334, separator: ' ', text: '' }],
  ])('splits %j (RFC 5321 §4.2)', (line, parsed) => {
    expect(parseReplyLine(line)).toEqual(parsed);
  });

  it.each(['', '25', '250x', '199 Nope', '600 Nope', '260 Bad second digit', 'hello'])(
    'refuses %j as a reply line (RFC 5321 §4.2)',
    (line) => {
      expect(parseReplyLine(line)).toBeUndefined();
    },
  );
});

describe('formatReply / ReplyAssembler', () => {
  // [wire, code, lines, enhanced]: format(code, lines, enhanced) = wire and assemble(wire) = the reply.
  it.each<[string, Reply]>([
    ['250 2.1.0 Ok\r\n', { code: 250, enhanced: '2.1.0', lines: ['Ok'] }],
    ['220 mx.example.net ESMTP\r\n', { code: 220, lines: ['mx.example.net ESMTP'] }],
    [
      '250-mx.example.net\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n',
      { code: 250, lines: ['mx.example.net', 'PIPELINING', 'SIZE 10240000', '8BITMIME'] },
    ],
    [
      '550-5.7.1 Message rejected\r\n550 5.7.1 See https://example.net/policy\r\n',
      { code: 550, enhanced: '5.7.1', lines: ['Message rejected', 'See https://example.net/policy'] },
    ],
    ['354 End data with <CR><LF>.<CR><LF>\r\n', { code: 354, lines: ['End data with <CR><LF>.<CR><LF>'] }],
    ['334 \r\n', { code: 334, lines: [''] }],
    ['250 2.0.0\r\n', { code: 250, enhanced: '2.0.0', lines: [''] }],
  ])('writes and reads %j (RFC 5321 §4.2.1, RFC 2034 §4)', (wire, reply) => {
    expect(formatReply(reply.code, reply.lines, reply.enhanced)).toBe(
      // A bare "334" is the canonical empty last line; "334 " is read the same way.
      wire === '334 \r\n' ? '334\r\n' : wire,
    );
    expect(assemble(wire)).toEqual([{ kind: 'reply', reply }]);
  });

  it('splits a string with newlines into lines (RFC 5321 §4.2.1)', () => {
    expect(formatReply(214, 'Commands:\nHELO EHLO', '2.0.0')).toBe(
      '214-2.0.0 Commands:\r\n214 2.0.0 HELO EHLO\r\n',
    );
    expect(bytesToLatin1(encodeReply(221, 'Bye', '2.0.0'))).toBe('221 2.0.0 Bye\r\n');
  });

  it('does not read an enhanced code of the wrong class (RFC 3463 §2)', () => {
    expect(assemble('250 5.1.1 odd but literal\r\n')).toEqual([
      { kind: 'reply', reply: { code: 250, lines: ['5.1.1 odd but literal'] } },
    ]);
  });

  it('reports a continuation whose code changes (RFC 5321 §4.2.1)', () => {
    expect(assemble('250-first\r\n251 second\r\n250 ok\r\n')).toEqual([
      {
        kind: 'malformed',
        line: '251 second',
        reason: 'reply code changed from 250 within a multi-line reply (RFC 5321 §4.2.1)',
      },
      { kind: 'reply', reply: { code: 250, lines: ['ok'] } },
    ]);
    expect(assemble('garbage\r\n')).toEqual([
      { kind: 'malformed', line: 'garbage', reason: 'not an SMTP reply line (RFC 5321 §4.2)' },
    ]);
  });

  it('caps the number of continuation lines', () => {
    const assembler = new ReplyAssembler({ maxLines: 2 });
    expect(assembler.push('250-a')).toBeUndefined();
    expect(assembler.pending).toBe(true);
    expect(assembler.push('250-b')).toEqual({
      kind: 'malformed',
      line: '250-b',
      reason: 'multi-line reply too long',
    });
    expect(assembler.pending).toBe(false);
  });

  it('refuses programmer errors: bad codes, wrong-class enhanced codes, CR in text', () => {
    expect(() => formatReply(99, 'x')).toThrow(RangeError);
    expect(() => formatReply(250, 'x', '5.0.0')).toThrow(RangeError);
    expect(() => formatReply(250, ['a\rb'])).toThrow(RangeError);
  });

  it('reads back whatever formatReply writes', () => {
    const text = fc.stringMatching(/^[!-~]([ -~]{0,20}[!-~])?$/).filter((t) => !/^[245]\.\d/.test(t));
    const code = fc
      .integer({ min: 2, max: 5 })
      .chain((c) => fc.tuple(fc.constant(c), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 9 })));
    fc.assert(
      fc.property(
        code,
        fc.array(text, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        ([a, b2, c], lines, enh) => {
          const n = a * 100 + b2 * 10 + c;
          const enhanced = enh && a !== 3 ? `${a}.${b2}.${c}` : undefined;
          const wire = formatReply(n, lines, enhanced);
          const reply: Reply = enhanced === undefined ? { code: n, lines } : { code: n, enhanced, lines };
          expect(assemble(wire)).toEqual([{ kind: 'reply', reply }]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary lines', () => {
    const assembler = new ReplyAssembler();
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (line) => {
        assembler.push(line);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseEhloKeywords', () => {
  it('maps keywords to parameters, skipping the greeting line (RFC 5321 §4.1.1.1)', () => {
    const lines = [
      'mx.example.net Hello',
      'PIPELINING',
      'SIZE 10240000',
      'AUTH PLAIN LOGIN',
      'auth=LOGIN CRAM-MD5',
      '8BITMIME',
      'ENHANCEDSTATUSCODES',
    ];
    expect(parseEhloKeywords(lines)).toEqual(
      new Map([
        ['PIPELINING', []],
        ['SIZE', ['10240000']],
        ['AUTH', ['PLAIN', 'LOGIN', 'CRAM-MD5']],
        ['8BITMIME', []],
        ['ENHANCEDSTATUSCODES', []],
      ]),
    );
  });
});
