import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import { LineReader, type LineResult } from './codec.ts';

/** Everything a reader yields for `chunks`, pushing them one by one and draining after each. */
function drain(chunks: readonly Uint8Array[], max?: number): LineResult[] {
  const reader = new LineReader(max === undefined ? {} : { maxLineLength: max });
  const out: LineResult[] = [];
  for (const chunk of chunks) {
    reader.push(chunk);
    for (let r = reader.next(); r !== undefined; r = reader.next()) out.push(r);
  }
  return out;
}

const line = (text: string, ending: 'crlf' | 'lf' = 'crlf', hasNul = false): LineResult => ({
  kind: 'line',
  text,
  bytes: latin1Bytes(text),
  ending,
  hasNul,
});

/** Splits `bytes` at the given offsets (sorted, deduplicated, clamped). */
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

describe('LineReader', () => {
  it.each<[string, string, LineResult[]]>([
    ['one CRLF line', 'EHLO client.example\r\n', [line('EHLO client.example')]],
    [
      'two pipelined lines',
      'MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\n',
      [line('MAIL FROM:<a@x>'), line('RCPT TO:<b@y>')],
    ],
    ['an empty line', '\r\n', [line('')]],
    ['no line end yet', 'NOOP', []],
    ['a bare LF (Postfix-style TOLERANCE)', 'NOOP\nQUIT\r\n', [line('NOOP', 'lf'), line('QUIT')]],
    ['a bare CR, which is data', 'NO\rOP\r\n', [line('NO\rOP')]],
    ['CR CR LF, the first CR being data', 'NOOP\r\r\n', [line('NOOP\r')]],
    ['a NUL, flagged', 'NO\0OP\r\n', [line('NO\0OP', 'crlf', true)]],
  ])('frames %s (RFC 5321 §2.3.8)', (_name, wire, expected) => {
    expect(drain([latin1Bytes(wire)])).toEqual(expected);
  });

  it('decodes the line as UTF-8 for SMTPUTF8 addresses (RFC 6531 §3.3)', () => {
    const bytes = Uint8Array.of(...latin1Bytes('RCPT TO:<'), 0xc3, 0xa9, ...latin1Bytes('@x>\r\n'));
    expect(drain([bytes])).toEqual([
      { kind: 'line', text: 'RCPT TO:<é@x>', bytes: bytes.subarray(0, -2), ending: 'crlf', hasNul: false },
    ]);
  });

  it('accepts a 512-octet line and refuses 513 (RFC 5321 §4.5.3.1.4)', () => {
    const ok = 'A'.repeat(510);
    const long = 'B'.repeat(511);
    expect(drain([latin1Bytes(`${ok}\r\n${long}\r\nQUIT\r\n`)])).toEqual([
      line(ok),
      { kind: 'too-long', limit: 512 },
      line('QUIT'),
    ]);
  });

  it('reports an endless line once, discards it, then reads on (RFC 5321 §4.5.3.1.4)', () => {
    const reader = new LineReader({ maxLineLength: 16 });
    reader.push(latin1Bytes('X'.repeat(20)));
    expect(reader.next()).toEqual({ kind: 'too-long', limit: 16 });
    expect(reader.next()).toBeUndefined();
    reader.push(latin1Bytes('Y'.repeat(1000)));
    expect(reader.next()).toBeUndefined();
    expect(reader.bufferedLength).toBe(0);
    reader.push(latin1Bytes('rest\r\nNOOP\r\n'));
    expect(reader.next()).toEqual(line('NOOP'));
  });

  it('waits on a trailing CR that may complete a line of exactly the limit', () => {
    const reader = new LineReader({ maxLineLength: 6 });
    reader.push(latin1Bytes('ABCD\r'));
    expect(reader.next()).toBeUndefined();
    reader.push(latin1Bytes('\n'));
    expect(reader.next()).toEqual(line('ABCD'));
  });

  it('hands back unread bytes when framing changes (RFC 3207 §6)', () => {
    const reader = new LineReader();
    reader.push(latin1Bytes('DATA\r\nSubject: hi\r\n'));
    expect(reader.next()).toEqual(line('DATA'));
    expect(bytesToLatin1(reader.takeBuffered())).toBe('Subject: hi\r\n');
    expect(reader.next()).toBeUndefined();
    expect(reader.bufferedLength).toBe(0);
  });

  it('never throws, and gives the same lines however the bytes are split', () => {
    const bytes = fc.uint8Array({ maxLength: 300 }).map((b) =>
      // Bias towards the interesting octets: CR, LF, NUL and "." appear often.
      b.map((x) => [0x0d, 0x0a, 0x00, 0x2e, 0x41][x % 8] ?? x),
    );
    fc.assert(
      fc.property(
        bytes,
        fc.array(fc.nat(300), { maxLength: 8 }),
        fc.integer({ min: 3, max: 40 }),
        (b, cuts, max) => {
          expect(drain(split(b, cuts), max)).toEqual(drain([b], max));
        },
      ),
      { numRuns: 300 },
    );
  });
});
