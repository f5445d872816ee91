import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToLatin1, concatBytes, latin1Bytes } from '../core/bytes.ts';
import {
  DataReader,
  dotStuff,
  normaliseLineEndings,
  normalisedLength,
  type DataReaderOptions,
  type DataResult,
} from './data.ts';

const b = latin1Bytes;
const s = bytesToLatin1;

/**
 * Pushes chunks until the reader completes, as a session would: chunks that
 * arrive after the end of data join `rest`. Undefined if the data never ended.
 */
function read(chunks: readonly Uint8Array[], options: DataReaderOptions = {}): DataResult | undefined {
  const reader = new DataReader(options);
  for (const [i, chunk] of chunks.entries()) {
    const r = reader.push(chunk);
    if (r !== undefined) return { ...r, rest: concatBytes([r.rest, ...chunks.slice(i + 1)]) };
  }
  return undefined;
}

/** Splits `bytes` at the given offsets. */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

/** The whole result for a message, with sensible defaults for the counters. */
const message = (
  body: string,
  extra: Partial<Omit<DataResult, 'bytes' | 'rest'>> & { rest?: string } = {},
) => ({
  kind: 'message',
  bytes: b(body),
  size: body.length,
  exceeded: false,
  longestLine: Math.max(
    0,
    ...body
      .split('\r\n')
      .slice(0, -1)
      .map((l) => l.length + 2),
  ),
  overLongLines: 0,
  bareLineFeeds: 0,
  ...extra,
  rest: b(extra.rest ?? ''),
});

describe('DataReader', () => {
  it.each<[string, string, ReturnType<typeof message>]>([
    ['a simple message', 'Subject: hi\r\n\r\nHello\r\n.\r\n', message('Subject: hi\r\n\r\nHello\r\n')],
    ['an empty message: "." right after the 354', '.\r\n', message('', { longestLine: 0 })],
    ['a dot-stuffed line', 'a\r\n..b\r\n.\r\n', message('a\r\n.b\r\n')],
    ['a stuffed lone dot', '..\r\n.\r\n', message('.\r\n')],
    ['a line starting with "." and CR', '.\rx\r\n.\r\n', message('\rx\r\n')],
    ['pipelined commands after the dot', 'x\r\n.\r\nQUIT\r\n', message('x\r\n', { rest: 'QUIT\r\n' })],
    ['a bare CR, kept', 'a\rb\r\n.\r\n', message('a\rb\r\n')],
    [
      'bare LF line ends, normalised (TOLERANCE, Postfix normalize)',
      'a\nb\r\n.\r\n',
      message('a\r\nb\r\n', { bareLineFeeds: 1 }),
    ],
  ])('reads %s (RFC 5321 §4.5.2)', (_name, wire, expected) => {
    expect(read([b(wire)])).toEqual(expected);
  });

  // SMTP smuggling (CVE-2023-51764/5/6): only CRLF "." CRLF ends the data.
  it.each<[string, string, string | undefined, string]>([
    // name, wire, strict body (undefined: not ended), lenient body
    ['LF "." LF', 'data\n.\nMAIL FROM:<x@evil>\r\n', undefined, 'data\r\n'],
    ['LF "." CRLF', 'data\n.\r\nMAIL FROM:<x@evil>\r\n', undefined, 'data\r\n'],
    ['CRLF "." LF', 'data\r\n.\nMAIL FROM:<x@evil>\r\n', undefined, 'data\r\n'],
    ['CR "." CR', 'data\r.\rMAIL FROM:<x@evil>\r\n', undefined, undefined as unknown as string],
  ])('does not end the data at %s unless lenient (CVE-2023-51764)', (_name, wire, strict, lenient) => {
    expect(read([b(wire)])?.bytes).toEqual(strict === undefined ? undefined : b(strict));
    const loose = read([b(wire)], { lenientEndOfData: true });
    expect(loose === undefined ? undefined : s(loose.bytes)).toBe(lenient);
    if (loose !== undefined) expect(s(loose.rest)).toBe('MAIL FROM:<x@evil>\r\n');
  });

  it('keeps a smuggled lone "." as content and ends only at CRLF.CRLF (CVE-2023-51764)', () => {
    const wire = 'data\n.\nMAIL FROM:<x@evil>\r\n.\r\nQUIT\r\n';
    expect(read([b(wire)])).toEqual(
      message('data\r\n.\r\nMAIL FROM:<x@evil>\r\n', { bareLineFeeds: 2, rest: 'QUIT\r\n' }),
    );
  });

  it('counts text lines over 1000 octets without refusing them (RFC 5321 §4.5.3.1.6)', () => {
    const ok = 'a'.repeat(998);
    const long = 'b'.repeat(999);
    // The stuffing dot does not count towards the limit.
    const wire = `${ok}\r\n.${ok}\r\n${long}\r\n.\r\n`;
    expect(read([b(wire)])).toEqual(
      message(`${ok}\r\n${ok}\r\n${long}\r\n`, { longestLine: 1001, overLongLines: 1 }),
    );
  });

  it('keeps reading past maxBytes and reports exceeded after the dot (RFC 1870 §6)', () => {
    const wire = 'Subject: big\r\n\r\n' + 'x'.repeat(100) + '\r\n.\r\nQUIT\r\n';
    expect(read([b(wire)], { maxBytes: 50 })).toEqual({
      kind: 'message',
      bytes: new Uint8Array(0),
      size: 118,
      exceeded: true,
      longestLine: 102,
      overLongLines: 0,
      bareLineFeeds: 0,
      rest: b('QUIT\r\n'),
    });
    expect(read([b(wire)], { maxBytes: 118 })?.exceeded).toBe(false);
  });

  it('refuses pushes after the end of data (a programmer error)', () => {
    const reader = new DataReader();
    expect(reader.push(b('.\r\n'))?.kind).toBe('message');
    expect(reader.done).toBe(true);
    expect(() => reader.push(b('x'))).toThrow(/complete/);
  });

  const octets = fc
    .uint8Array({ maxLength: 200 })
    .map((x) => x.map((v) => [0x0d, 0x0a, 0x2e, 0x0d, 0x0a, 0x2e, 0x41][v % 10] ?? v));

  it('never throws and gives the same result however the bytes are split', () => {
    fc.assert(
      fc.property(octets, fc.array(fc.nat(200), { maxLength: 8 }), fc.boolean(), (bytes, cuts, lenient) => {
        const options = { lenientEndOfData: lenient, maxBytes: 64, maxLineLength: 10 };
        expect(read(split(bytes, cuts), options)).toEqual(read([bytes], options));
      }),
      { numRuns: 400 },
    );
  });

  it('reads back what dotStuff wrote, for any body (RFC 5321 §4.5.2)', () => {
    fc.assert(
      fc.property(octets, fc.array(fc.nat(220), { maxLength: 4 }), (body, cuts) => {
        const wire = concatBytes([dotStuff(body), b('NOOP\r\n')]);
        const r = read(split(wire, cuts));
        expect(r?.bytes).toEqual(normaliseLineEndings(body));
        expect(r?.size).toBe(normaliseLineEndings(body).length);
        expect(r?.rest).toEqual(b('NOOP\r\n'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('dotStuff', () => {
  it.each([
    ['', '.\r\n'],
    ['Hello\r\n', 'Hello\r\n.\r\n'],
    ['no final line end', 'no final line end\r\n.\r\n'],
    ['.\r\n', '..\r\n.\r\n'],
    ['a\r\n.b\r\n..c\r\n', 'a\r\n..b\r\n...c\r\n.\r\n'],
    ['bare\nLF\n.x\n', 'bare\r\nLF\r\n..x\r\n.\r\n'],
    ['bare CR\r.x', 'bare CR\r.x\r\n.\r\n'],
  ])('stuffs %j (RFC 5321 §4.5.2)', (body, wire) => {
    expect(s(dotStuff(b(body)))).toBe(wire);
  });

  it('never lets a body end the data early, even on a lenient receiver (CVE-2023-51764)', () => {
    const wire = dotStuff(b('data\n.\nMAIL FROM:<x@evil>\r\n'));
    expect(s(wire)).toBe('data\r\n..\r\nMAIL FROM:<x@evil>\r\n.\r\n');
    expect(s(read([wire], { lenientEndOfData: true })!.bytes)).toBe('data\r\n.\r\nMAIL FROM:<x@evil>\r\n');
  });
});

describe('normaliseLineEndings', () => {
  it.each([
    ['', ''],
    ['a', 'a\r\n'],
    ['a\nb\r\n', 'a\r\nb\r\n'],
    ['a\r', 'a\r\r\n'],
    ['\n\n', '\r\n\r\n'],
  ])('makes %j end its lines with CRLF (RFC 5321 §2.3.8)', (body, expected) => {
    expect(s(normaliseLineEndings(b(body)))).toBe(expected);
    expect(normalisedLength(b(body))).toBe(expected.length);
  });

  it('counts the normalised length of any body without building it (RFC 1870 §3)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(0x0a, 0x0d), (body, end) =>
        [body, Uint8Array.from([...body, end])].every(
          (b) => normalisedLength(b) === normaliseLineEndings(b).length,
        ),
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0x0a, 0x0d, 0x2e, 0x61), { maxLength: 40 }).map((a) => Uint8Array.from(a)),
        (body) => normalisedLength(body) === normaliseLineEndings(body).length,
      ),
      { numRuns: 300 },
    );
  });
});
