import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../../core/bytes.ts';
import { parseCommandTokens } from './command-parser.ts';
import { CommandReader, type CommandReaderOptions, type CommandReaderOutput } from './command-reader.ts';

/** Everything the reader yields for `chunks`, draining after each, in command mode. */
function drain(chunks: readonly Uint8Array[], options: CommandReaderOptions = {}): CommandReaderOutput[] {
  const reader = new CommandReader(options);
  const out: CommandReaderOutput[] = [];
  for (const chunk of chunks) {
    reader.receive(chunk);
    for (let r = reader.poll(); r !== undefined; r = reader.poll()) out.push(r);
  }
  return out;
}

/** A compact view for assertions: commands as their raw text. */
function view(outputs: readonly CommandReaderOutput[]): unknown[] {
  return outputs.map((o) =>
    o.kind === 'command'
      ? `command ${bytesToLatin1(o.raw)}`
      : o.kind === 'bad'
        ? { ...o, raw: bytesToLatin1(o.raw) }
        : o,
  );
}

const text = (s: string) => latin1Bytes(s);

/** Splits `bytes` at the given offsets. */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

describe('CommandReader framing (RFC 3501 §2.2, §7.5)', () => {
  it('yields one tokenized command per line, pipelined commands in order', () => {
    const out = drain([text('A1 NOOP\r\nA2 SELECT INBOX\r\n')]);
    expect(view(out)).toEqual(['command A1 NOOP\r\n', 'command A2 SELECT INBOX\r\n']);
    expect(out[1]!.kind === 'command' && parseCommandTokens(out[1]!.tokens)).toEqual({
      kind: 'command',
      command: { tag: 'A2', name: 'SELECT', mailbox: 'INBOX' },
    });
  });

  it('waits for the line end', () => {
    expect(drain([text('A1 NOO')])).toEqual([]);
  });

  it('accepts a bare LF as a line end (TOLERANCE)', () => {
    expect(view(drain([text('A1 NOOP\nA2 NOOP\r\n')]))).toEqual(['command A1 NOOP\n', 'command A2 NOOP\r\n']);
  });

  it('asks for a continuation before each synchronising literal', () => {
    const out = drain([text('A1 LOGIN {5}\r\n'), text('alice {6}\r\n'), text('secret\r\n')]);
    expect(view(out)).toEqual([
      { kind: 'continuation-needed', tag: 'A1', size: 5 },
      { kind: 'continuation-needed', tag: 'A1', size: 6 },
      'command A1 LOGIN {5}\r\nalice {6}\r\nsecret\r\n',
    ]);
    const last = out[2]!;
    expect(last.kind === 'command' && parseCommandTokens(last.tokens)).toEqual({
      kind: 'command',
      command: { tag: 'A1', name: 'LOGIN', username: 'alice', password: 'secret' },
    });
  });

  it('reads LITERAL+ literals without a continuation (RFC 7888)', () => {
    expect(view(drain([text('A1 LOGIN {5+}\r\nalice {6+}\r\nsecret\r\n')]))).toEqual([
      'command A1 LOGIN {5+}\r\nalice {6+}\r\nsecret\r\n',
    ]);
  });

  it('treats ~{n} (literal8, RFC 3516) like {n}: synchronising unless {n+}', () => {
    expect(view(drain([text('A1 APPEND INBOX ~{2}\r\n'), text('\0\x01\r\n')]))).toEqual([
      { kind: 'continuation-needed', tag: 'A1', size: 2 },
      'command A1 APPEND INBOX ~{2}\r\n\0\x01\r\n',
    ]);
  });

  it('takes a CRLF inside a literal as data', () => {
    expect(view(drain([text('A1 APPEND INBOX {8+}\r\nA2 X\r\n\r\n\r\nA3 NOOP\r\n')]))).toEqual([
      'command A1 APPEND INBOX {8+}\r\nA2 X\r\n\r\n\r\n',
      'command A3 NOOP\r\n',
    ]);
  });

  it('knows a literal ending in CR followed by a bare LF from a final CRLF', () => {
    const out = drain([text('A1 APPEND INBOX {3+}\r\nab\r\n')]);
    expect(out).toMatchObject([{ kind: 'command' }]);
    expect(out[0]!.kind === 'command' && parseCommandTokens(out[0]!.tokens)).toEqual({
      kind: 'command',
      command: {
        tag: 'A1',
        name: 'APPEND',
        mailbox: 'INBOX',
        messages: [{ message: text('ab\r'), binary: false }],
      },
    });
  });

  it('does not read {5} inside an unterminated quoted string as a literal', () => {
    expect(view(drain([text('A1 LOGIN "alice {5}\r\nA2 NOOP\r\n')]))).toEqual([
      {
        kind: 'bad',
        tag: 'A1',
        message: 'Unterminated quoted string opened at column 10',
        raw: 'A1 LOGIN "alice {5}\r\n',
      },
      'command A2 NOOP\r\n',
    ]);
  });

  it('reports a syntax error as bad, with the tag', () => {
    expect(view(drain([text('A7 FETCH 1 (FLAGS\r\n')]))).toEqual([
      { kind: 'bad', tag: 'A7', message: "Missing ')' at column 18", raw: 'A7 FETCH 1 (FLAGS\r\n' },
    ]);
  });

  it('yields an empty line as a command with no tokens', () => {
    const out = drain([text('\r\n')]);
    expect(out).toEqual([{ kind: 'command', raw: text('\r\n'), tokens: [] }]);
  });

  it('drops the command when the server refuses the literal instead of sending +', () => {
    const reader = new CommandReader();
    reader.receive(text('A1 APPEND Nope {310}\r\n'));
    expect(reader.poll()).toEqual({ kind: 'continuation-needed', tag: 'A1', size: 310 });
    expect(reader.inCommand).toBe(true);
    reader.rejectContinuation();
    expect(reader.inCommand).toBe(false);
    reader.receive(text('A2 NOOP\r\n'));
    expect(reader.poll()).toMatchObject({ kind: 'command', raw: text('A2 NOOP\r\n') });
  });
});

describe('CommandReader line mode (IDLE, AUTHENTICATE)', () => {
  it('returns the next line raw when the server awaits DONE (RFC 2177)', () => {
    const reader = new CommandReader();
    reader.receive(text('A1 IDLE\r\nDONE\r\nA2 NOOP\r\n'));
    expect(reader.poll('command')).toMatchObject({ kind: 'command', raw: text('A1 IDLE\r\n') });
    expect(reader.poll('line')).toEqual({ kind: 'line', text: 'DONE', raw: text('DONE') });
    expect(reader.poll('command')).toMatchObject({ kind: 'command', raw: text('A2 NOOP\r\n') });
  });

  it('does not look for literals in a SASL response line', () => {
    const reader = new CommandReader();
    reader.receive(text('dGVzdA== {5}\r\n'));
    expect(reader.poll('line')).toEqual({ kind: 'line', text: 'dGVzdA== {5}', raw: text('dGVzdA== {5}') });
  });
});

describe('CommandReader limits (RFC 7888 §4, RFC 4469 TOOBIG)', () => {
  it('refuses a huge synchronising literal before reading it; the client never sends it', () => {
    const out = drain([text('A1 APPEND INBOX {4000000000}\r\nA2 NOOP\r\n')]);
    expect(view(out)).toEqual([
      {
        kind: 'literal-too-big',
        tag: 'A1',
        size: 4000000000,
        limit: 52428800,
        synchronizing: true,
        message: 'Literal of 4000000000 octets is larger than the limit of 52428800',
      },
      'command A2 NOOP\r\n',
    ]);
  });

  it('skips the data and the rest of a refused non-synchronising literal’s command', () => {
    const wire = 'A1 APPEND INBOX {10+}\r\n0123456789 {3+}\r\nabc\r\nA2 NOOP\r\n';
    expect(view(drain([text(wire)], { maxLiteralSize: 5 }))).toEqual([
      {
        kind: 'literal-too-big',
        tag: 'A1',
        size: 10,
        limit: 5,
        synchronizing: false,
        message: 'Literal of 10 octets is larger than the limit of 5',
      },
      'command A2 NOOP\r\n',
    ]);
  });

  it('reports an absurd size as Infinity without losing precision', () => {
    expect(drain([text('A1 APPEND INBOX {99999999999999999999}\r\n')])).toEqual([
      {
        kind: 'literal-too-big',
        tag: 'A1',
        size: Infinity,
        limit: 52428800,
        synchronizing: true,
        message: 'Literal of more than 999999999999999 octets is larger than the limit of 52428800',
      },
    ]);
  });

  it('applies the LITERAL- limit to {n+} only (RFC 7888 §5)', () => {
    const options = { maxNonSyncLiteralSize: 4096 };
    expect(drain([text('A1 LOGIN {5000+}\r\n')], options).map((o) => o.kind)).toEqual(['literal-too-big']);
    expect(drain([text('A2 LOGIN {5000}\r\n')], options).map((o) => o.kind)).toEqual(['continuation-needed']);
  });

  it('reports a line that is too long once and recovers at the next line', () => {
    const out = drain([text('A1 LOGIN ' + 'x'.repeat(100) + '\r\nA2 NOOP\r\n')], { maxLineLength: 32 });
    expect(view(out)).toEqual([
      { kind: 'line-too-long', tag: 'A1', limit: 32, message: 'Line longer than 32 octets' },
      'command A2 NOOP\r\n',
    ]);
  });

  it('skips a non-synchronising literal announced at the end of a line that was too long', () => {
    const wire = 'A1 APPEND ' + 'x'.repeat(40) + ' {5+}\r\nhello\r\nA2 NOOP\r\n';
    expect(
      view(drain([text(wire)], { maxLineLength: 32 })).map((o) =>
        typeof o === 'string' ? o : (o as { kind: string }).kind,
      ),
    ).toEqual(['line-too-long', 'command A2 NOOP\r\n']);
  });

  it('refuses a command larger than maxCommandSize', () => {
    const out = drain(
      [text('A1 LOGIN {20+}\r\n' + 'x'.repeat(20) + ' {20+}\r\n' + 'y'.repeat(20) + '\r\nA2 NOOP\r\n')],
      {
        maxCommandSize: 50,
      },
    );
    expect(view(out)).toEqual([
      { kind: 'command-too-big', tag: 'A1', limit: 50, message: 'Command longer than 50 octets' },
      'command A2 NOOP\r\n',
    ]);
  });

  it('refuses lists nested beyond maxDepth as bad', () => {
    const out = drain([text('A1 SEARCH ' + '('.repeat(100) + 'ALL' + ')'.repeat(100) + '\r\n')], {
      maxDepth: 8,
    });
    expect(out).toMatchObject([
      { kind: 'bad', tag: 'A1', message: 'Lists nested deeper than 8 levels at column 19' },
    ]);
  });

  it('reads a 1 MiB literal arriving in 1 KiB chunks', () => {
    const body = new Uint8Array(1 << 20).fill(0x61);
    const head = text('A1 APPEND INBOX {1048576+}\r\n');
    const chunks = [
      head,
      ...Array.from({ length: 1024 }, (_, i) => body.subarray(i * 1024, (i + 1) * 1024)),
      text('\r\n'),
    ];
    const out = drain(chunks);
    expect(out).toHaveLength(1);
    expect(out[0]!.kind === 'command' && out[0]!.raw.length).toBe(head.length + body.length + 2);
  });
});

/** A transcript exercising every framing path. */
const TRANSCRIPT = text(
  'A1 LOGIN {5}\r\nalice "pw"\r\n' +
    'A2 APPEND INBOX (\\Seen) {12+}\r\nHi\r\nthere!\r\n\r\n' +
    'A3 APPEND INBOX {99999999999}\r\n' +
    'A4 APPEND INBOX {9+}\r\n123456789 {2+}\r\nxy\r\n' +
    'A5 FETCH 1 (FLAGS\r\n' +
    'A6 ' +
    'Z'.repeat(70) +
    '\r\n' +
    'A7 UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])\nA8 NOOP\r\n',
);
const TRANSCRIPT_OPTIONS: CommandReaderOptions = { maxLineLength: 64, maxLiteralSize: 8 };

describe('CommandReader is independent of chunking', () => {
  const whole = drain([TRANSCRIPT], TRANSCRIPT_OPTIONS);

  it('frames the reference transcript as expected', () => {
    expect(whole.map((o) => o.kind)).toEqual([
      'continuation-needed',
      'command',
      'literal-too-big', // A2: 12 > 8
      'literal-too-big', // A3
      'literal-too-big', // A4: 9 > 8, data skipped
      'bad', // A5
      'line-too-long', // A6
      'command', // A7
      'command', // A8
    ]);
  });

  it('gives the same outputs when split at every byte position', () => {
    for (let cut = 1; cut < TRANSCRIPT.length; cut++) {
      expect(drain(split(TRANSCRIPT, [cut]), TRANSCRIPT_OPTIONS)).toEqual(whole);
    }
  });

  it('gives the same outputs one byte at a time', () => {
    const bytes = Array.from(TRANSCRIPT, (b) => Uint8Array.of(b));
    expect(drain(bytes, TRANSCRIPT_OPTIONS)).toEqual(whole);
  });

  it('never throws on random bytes, and chunking never changes the result (property)', () => {
    const alphabet = fc.constantFrom(
      ...Array.from('A1 {}+~()[]"\\\r\n5*:<>.BODY', (c) => c.charCodeAt(0)),
      0,
      0x80,
      0xff,
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.array(alphabet, { maxLength: 200 }).map((a) => Uint8Array.from(a)),
        ),
        fc.array(fc.nat(200), { maxLength: 6 }),
        (bytes, cuts) => {
          const options: CommandReaderOptions = {
            maxLineLength: 40,
            maxLiteralSize: 20,
            maxCommandSize: 120,
            maxDepth: 4,
          };
          const one = drain([bytes], options);
          expect(drain(split(bytes, cuts), options)).toEqual(one);
          for (const o of one) if (o.kind === 'command') parseCommandTokens(o.tokens);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
