/**
 * The byte writer under the encoders: what it writes must be what the
 * string form says (numbers in decimal, text in UTF-8), however the writes
 * are split, and literals cut the segments where a client must wait.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, utf8Bytes } from '../../core/bytes.ts';
import { ValueWriter } from './value-writer.ts';
import { atom, literal, num } from './values.ts';

describe('ValueWriter', () => {
  it('writes any safe non-negative integer as String() does', () => {
    for (const n of [0, 9, 10, 99, 100, 2_147_483_647, 2_147_483_648, 4_294_967_295, Number.MAX_SAFE_INTEGER])
      expect(bytesToLatin1(new ValueWriter().number(n).bytes())).toBe(String(n));
    fc.assert(
      fc.property(fc.oneof(fc.nat(), fc.maxSafeNat()), (n) => {
        expect(bytesToLatin1(new ValueWriter().value(num(n)).bytes())).toBe(String(n));
      }),
    );
    expect(() => new ValueWriter().number(-1)).toThrow(RangeError);
    expect(() => new ValueWriter().number(1.5)).toThrow(RangeError);
  });

  it('writes text as UTF-8, in one piece or many, across buffer growth', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 300 }), { maxLength: 20 }), (parts) => {
        const w = new ValueWriter();
        for (const p of parts) w.text(p);
        expect(w.bytes()).toEqual(utf8Bytes(parts.join('')));
      }),
    );
  });

  it('refuses an empty atom or one with CR, LF or NUL', () => {
    for (const bad of ['', 'a\r', '\nb', 'a\0b'])
      expect(() => new ValueWriter().value(atom(bad))).toThrow(RangeError);
    expect(bytesToLatin1(new ValueWriter().value(atom('\\Seen')).bytes())).toBe('\\Seen');
  });

  it('cuts segments after each synchronising literal announcement, not with LITERAL+', () => {
    const data = utf8Bytes('x'.repeat(5));
    const w = new ValueWriter().text('A1 APPEND a ').value(literal(data)).text(' ').value(literal(data));
    expect(w.segments().map((s) => bytesToLatin1(s))).toEqual([
      'A1 APPEND a {5}\r\n',
      'xxxxx {5}\r\n',
      'xxxxx',
    ]);
    const plus = new ValueWriter({ literalPlus: true }).value(literal(data));
    expect(plus.segments().map((s) => bytesToLatin1(s))).toEqual(['{5+}\r\nxxxxx']);
  });
});
