import { describe, expect, it } from 'vitest';
import { glyphParts } from './glyphs.ts';

describe('glyphParts', () => {
  it('names the lock, the warning and the two-way arrow, and leaves other text as it is (WCAG 1.1.1)', () => {
    expect(glyphParts('c1 a ⇄ b:587: 🔒 TLSv1.3')).toEqual([
      { text: 'c1 a ' },
      { text: '⇄', label: 'connected to' },
      { text: ' b:587: ' },
      { text: '🔒', label: 'encrypted' },
      { text: ' TLSv1.3' },
    ]);
    expect(glyphParts('⚠ s1: peer broke RFC 5321')).toEqual([
      { text: '⚠', label: 'warning' },
      { text: ' s1: peer broke RFC 5321' },
    ]);
    expect(glyphParts('a → b')).toEqual([{ text: 'a → b' }]);
  });

  it('reads neighbouring control pictures as one part, CR LF, and names every C0 control and DEL', () => {
    expect(glyphParts('EHLO x␍␊')).toEqual([{ text: 'EHLO x' }, { text: '␍␊', label: 'CR LF' }]);
    expect(glyphParts('␀a␉b␛␡')).toEqual([
      { text: '␀', label: 'NUL' },
      { text: 'a' },
      { text: '␉', label: 'HT' },
      { text: 'b' },
      { text: '␛␡', label: 'ESC DEL' },
    ]);
    expect(glyphParts('')).toEqual([]);
  });
});
