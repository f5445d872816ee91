import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64Decode,
  base64Encode,
  bytesToLatin1,
  concatBytes,
  indexOfBytes,
  latin1Bytes,
  toHex,
  utf8Bytes,
  utf8BytesPortable,
  utf8Text,
  utf8TextPortable,
} from './bytes.ts';

describe('bytes', () => {
  it.each([
    ['', []],
    ['A', [0x41]],
    ['é', [0xc3, 0xa9]],
    ['€', [0xe2, 0x82, 0xac]],
    ['😀', [0xf0, 0x9f, 0x98, 0x80]],
  ])('encodes %j as UTF-8 and back (RFC 3629)', (text, bytes) => {
    expect([...utf8Bytes(text)]).toEqual(bytes);
    expect(utf8Text(Uint8Array.from(bytes))).toBe(text);
  });

  it('decodes malformed UTF-8 to U+FFFD without throwing (RFC 3629 §3)', () => {
    expect(utf8Text(Uint8Array.from([0x61, 0xc3, 0x28, 0xff, 0xe2, 0x82]))).toBe('a\ufffd(\ufffd\ufffd');
    expect(utf8Text(Uint8Array.from([0xc0, 0x80]))).toBe('\ufffd\ufffd');
    expect(utf8Text(Uint8Array.from([0xed, 0xa0, 0x80]))).toBe('\ufffd\ufffd\ufffd');
  });

  it('encodes exactly as the platform encoder, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => toHex(utf8BytesPortable(s)) === toHex(utf8Bytes(s))),
      { numRuns: 500 },
    );
  });

  it('round-trips any string through UTF-8 (lone surrogates aside)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => utf8Text(utf8Bytes(s)) === s),
      { numRuns: 300 },
    );
  });

  it('matches the platform UTF-8 decoder on arbitrary bytes', () => {
    // The engine's lib has no TextDecoder; the test runs in Node, which does.
    const { TextDecoder } = globalThis as unknown as {
      TextDecoder: new () => { decode(b: Uint8Array): string };
    };
    const decoder = new TextDecoder();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => utf8Text(b) === decoder.decode(b)),
      { numRuns: 500 },
    );
  });

  it('decodes exactly as the portable decoder, a leading BOM and any length included', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([0xef, 0xbb, 0xbf, ...b])),
          fc.string({ unit: 'grapheme', maxLength: 120 }).map((t) => utf8Bytes(t)),
        ),
        fc.nat(),
        fc.nat(),
        (b, x, y) => {
          const start = Math.min(x, y) % (b.length + 1);
          const end = start + (Math.max(x, y) % (b.length - start + 1));
          return utf8Text(b, start, end) === utf8TextPortable(b, start, end);
        },
      ),
      { numRuns: 500 },
    );
    expect(utf8Text(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41]))).toBe('\ufeffA');
  });

  it('reads any octets as latin1, in short and long runs alike', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (b, x) => {
        const start = x % (b.length + 1);
        let expected = '';
        for (let i = start; i < b.length; i++) expected += String.fromCharCode(b[i]!);
        return bytesToLatin1(b, start) === expected;
      }),
      { numRuns: 300 },
    );
    const ascii = latin1Bytes('x'.repeat(100));
    expect(bytesToLatin1(ascii, 10, 90)).toBe('x'.repeat(80));
  });

  it('round-trips latin1 for every octet', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(latin1Bytes(bytesToLatin1(all))).toEqual(all);
  });

  it.each([
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foobar', 'Zm9vYmFy'],
  ])('base64 of %j is %j (RFC 4648 §10)', (text, b64) => {
    expect(base64Encode(latin1Bytes(text))).toBe(b64);
    expect(base64Decode(b64)).toEqual(latin1Bytes(text));
  });

  it('rejects malformed base64 unless lenient whitespace is asked for', () => {
    expect(base64Decode('Zm9')).toBeUndefined();
    expect(base64Decode('Zm9v!A==')).toBeUndefined();
    expect(base64Decode('Z=9v')).toBeUndefined();
    expect(base64Decode('Zm9v\r\nYmFy')).toBeUndefined();
    expect(base64Decode('Zm9v\r\nYmFy', true)).toEqual(latin1Bytes('foobar'));
  });

  it('round-trips arbitrary bytes through base64', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        (b) => toHex(base64Decode(base64Encode(b))!) === toHex(b),
      ),
      { numRuns: 300 },
    );
  });

  it('finds byte sequences and concatenates', () => {
    const hay = latin1Bytes('abc\r\n.\r\nxyz');
    expect(indexOfBytes(hay, latin1Bytes('\r\n.\r\n'))).toBe(3);
    expect(indexOfBytes(hay, latin1Bytes('\r\n.\r\n'), 4)).toBe(-1);
    expect(bytesToLatin1(concatBytes([latin1Bytes('ab'), latin1Bytes(''), latin1Bytes('c')]))).toBe('abc');
  });
});
