/**
 * The base subject of RFC 5256 §2.1, step by step, and the reply/forward
 * marker that REFERENCES step 5 reads; the rows come from the RFC's grammar
 * and from imaptest's sort-subject corpus.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseSubject } from './base-subject.ts';
import { casemapKey, compareKeys } from './collation.ts';

describe('baseSubject (RFC 5256 §2.1)', () => {
  it.each([
    // [header value, base subject, reply or forward]
    [undefined, '', false],
    ['', '', false],
    ['hello', 'hello', false],
    ['  hello \t  world  ', 'hello world', false], // (1) white space
    ['hello\r\n world', 'hello world', false], // (1) folding
    ['=?iso-8859-1?q?caf=E9?=', 'café', false], // (1) encoded words first
    ['=?iso-8859-1?q?_?=', '', false],
    ['=?us-ascii?b?UmU6IGM=?=', 'c', true], // "Re: c" once decoded
    ['=?iso-8859-1?q?RE:_C?=', 'C', true],
    ['hello (fwd)', 'hello', true], // (2) trailer
    ['hello (FWD) (fwd)  ', 'hello', true],
    ['hello(fwd)', 'hello', true],
    ['Re: hello', 'hello', true], // (3) leader
    ['RE:hello', 'hello', true],
    ['re : hello', 'hello', true],
    ['Fw: hello', 'hello', true],
    ['FWD: hello', 'hello', true],
    ['Re [list]: hello', 'hello', true], // subj-refwd with a blob
    ['[list] Re: hello', 'hello', true], // *subj-blob subj-refwd
    ['Re: Re: Fwd: hello', 'hello', true],
    ['Ad: Re: x', 'Ad: Re: x', false], // only a prefix counts
    ['Reply: x', 'Reply: x', false],
    ['[list] hello', 'hello', false], // (4) blob
    ['[a] [b] hello', 'hello', false],
    ['[xyz]', '[xyz]', false], // (4) not when nothing would be left
    ['[a] [b]', '[b]', false],
    ['[a] Re: [b]', '[b]', true],
    ['[fwd: hello]', 'hello', true], // (6)
    ['Re: [FWD: c]', 'c', true],
    ['re: [fwd: [fwd: re: [fwd: babylon]]]', 'babylon', true],
    ['[foo] Fwd: [bar] Re: fw: b (fWd)  (fwd)', 'b', true],
    ['[fwd: hello', '[fwd: hello', false],
    ['b (a)', 'b (a)', false],
    ['_', '_', false],
  ])('%j → %j (reply or forward: %j)', (value, subject, replyOrForward) => {
    expect(baseSubject(value)).toEqual({ subject, replyOrForward });
  });

  it('never throws, and is a fixed point: the base subject of a base subject is itself', () => {
    const word = fc.constantFrom(
      're',
      'Re:',
      'fwd:',
      '[fwd:',
      ']',
      '[x]',
      '(fwd)',
      ' ',
      '\t',
      'a',
      'b c',
      ':',
      '[',
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 12 }), (parts) => {
        const once = baseSubject(parts.join('')).subject;
        expect(baseSubject(once).subject).toBe(once);
        expect(once).toBe(once.trim());
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(typeof baseSubject(s).subject).toBe('string');
      }),
    );
  });
});

describe('i;unicode-casemap (RFC 5051)', () => {
  it('compares case-insensitively in code point order, titlecase first', () => {
    expect(casemapKey('abc')).toBe(casemapKey('ABC'));
    expect(casemapKey('café')).toBe(casemapKey('CAFE\u0301'));
    expect(casemapKey('\u01c6')).toBe(casemapKey('\u01c4')); // dž and DŽ → Dž
    expect(casemapKey('ß')).toBe('ß'); // no simple mapping
    // Titlecase puts letters before "[" and "_" (imaptest's sort-subject).
    expect(compareKeys(casemapKey('b'), casemapKey('[xyz]'))).toBeLessThan(0);
    expect(compareKeys(casemapKey('[xyz]'), casemapKey('_'))).toBeLessThan(0);
    expect(compareKeys(casemapKey('B (A)'), casemapKey('babylon'))).toBeLessThan(0);
    // Code point order, not UTF-16 order: U+1F600 sorts after U+FFFD.
    expect(compareKeys('\u{1f600}', '\ufffd')).toBeGreaterThan(0);
    expect(compareKeys('', 'a')).toBeLessThan(0);
  });
});
