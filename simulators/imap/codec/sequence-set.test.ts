import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expandSequenceSet,
  formatNumberSet,
  formatSequenceSet,
  listSequenceSet,
  parseSequenceSet,
  rangesContain,
  rangesSize,
  rangesValues,
  sequenceSetContains,
  sequenceSetWithin,
  type SequenceSet,
} from './sequence-set.ts';

describe('parseSequenceSet / formatSequenceSet (RFC 3501 §9 sequence-set)', () => {
  it.each<[string, SequenceSet]>([
    ['1', [1]],
    ['*', ['*']],
    ['1:*', [[1, '*']]],
    ['1:*,5,7:3', [[1, '*'], 5, [7, 3]]],
    ['*:4', [['*', 4]]],
    ['4294967295', [4294967295]],
    ['2,4:7,9,12:*', [2, [4, 7], 9, [12, '*']]],
    ['$', '$'],
  ])('%s both ways', (text, set) => {
    expect(parseSequenceSet(text)).toEqual({ ok: true, value: set });
    expect(formatSequenceSet(set)).toBe(text);
  });

  it.each([
    ['', 'Missing sequence set'],
    ['0', "Invalid sequence set '0': numbers start at 1, not 0"],
    ['1:0', "Invalid sequence set '1:0': numbers start at 1, not 0"],
    ['4294967296', "Invalid sequence set '4294967296': 4294967296 is above 4294967295"],
    ['1,,2', "Invalid sequence set '1,,2': '' is not a number or '*'"],
    ['1:2:3', "Invalid sequence set '1:2:3': '2:3' is not a number or '*'"],
    ['-1', "Invalid sequence set '-1': '-1' is not a number or '*'"],
    ['1,$', "Invalid sequence set '1,$': '$' is not a number or '*'"],
    ['a', "Invalid sequence set 'a': 'a' is not a number or '*'"],
  ])('refuses %j', (text, message) => {
    expect(parseSequenceSet(text)).toEqual({ ok: false, message });
  });

  it('refuses $ where SEARCHRES does not apply (RFC 5182)', () => {
    expect(parseSequenceSet('$', { allowSaved: false })).toEqual({
      ok: false,
      message: "'$' (a saved search result, RFC 5182) is not allowed here",
    });
  });
});

const parse = (text: string) => {
  const r = parseSequenceSet(text);
  if (!r.ok || r.value === '$') throw new Error(text);
  return r.value;
};

describe('expandSequenceSet', () => {
  it.each<[string, number, [number, number][]]>([
    ['1:*', 5, [[1, 5]]],
    ['1:*,5,7:3', 10, [[1, 10]]],
    ['7:3', 10, [[3, 7]]],
    ['*:3', 5, [[3, 5]]],
    ['1,3,2', 5, [[1, 3]]],
    [
      '1:2,4:5',
      5,
      [
        [1, 2],
        [4, 5],
      ],
    ],
    [
      '9,1',
      10,
      [
        [1, 1],
        [9, 9],
      ],
    ],
    // RFC 3501 §6.4.8: "559:*" always includes the last UID.
    ['559:*', 500, [[500, 500]]],
    ['600:700', 500, []],
    ['6:*', 5, [[5, 5]]],
    ['*', 0, []],
    ['1:*', 0, []],
    ['1:4294967295', 4294967295, [[1, 4294967295]]],
  ])('%s against %d', (text, max, ranges) => {
    expect(expandSequenceSet(parse(text), max)).toEqual(ranges);
  });

  it('keeps 1:4294967295 as one range instead of four billion numbers', () => {
    const ranges = expandSequenceSet(parse('1:4294967295'), 4294967295);
    expect(rangesSize(ranges)).toBe(4294967295);
    expect(rangesContain(ranges, 4294967295)).toBe(true);
  });

  it('answers contains() by binary search', () => {
    const ranges = expandSequenceSet(parse('2,4:7,9,12:*'), 20);
    expect([1, 2, 3, 4, 7, 8, 9, 11, 12, 20, 21].map((n) => rangesContain(ranges, n))).toEqual([
      false,
      true,
      false,
      true,
      true,
      false,
      true,
      false,
      true,
      true,
      false,
    ]);
    expect(sequenceSetContains(parse('3:*'), 5, 5)).toBe(true);
    expect([...rangesValues(expandSequenceSet(parse('5:3,9'), 10))]).toEqual([3, 4, 5, 9]);
  });

  it('matches a naive expansion (property)', () => {
    const bound = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant('*' as const));
    const item = fc.oneof(bound, fc.tuple(bound, bound));
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 6 }), fc.nat(30), (set, max) => {
        const naive = new Set<number>();
        for (const it of set) {
          const [a, b] = typeof it === 'object' ? it : [it, it];
          const x = a === '*' ? max : a;
          const y = b === '*' ? max : b;
          for (let n = Math.max(1, Math.min(x, y)); n <= Math.min(max, Math.max(x, y)); n++) naive.add(n);
        }
        const ranges = expandSequenceSet(set, max);
        expect([...rangesValues(ranges)]).toEqual([...naive].sort((p, q) => p - q));
        for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBeGreaterThan(ranges[i - 1]![1] + 1);
      }),
    );
  });

  it('tells whether written numbers stay within the message count (RFC 9051 §7.1.5)', () => {
    expect(sequenceSetWithin(parse('1:3,*'), 3)).toBe(true);
    expect(sequenceSetWithin(parse('1:4'), 3)).toBe(false);
  });
});

describe('formatNumberSet (RFC 4315 §3 APPENDUID / COPYUID)', () => {
  it.each<[number[], string]>([
    [[], ''],
    [[3955], '3955'],
    [[1, 2, 3, 5, 7, 8, 9], '1:3,5,7:9'],
    [[304, 319, 320], '304,319:320'],
    [[3, 4, 5, 9, 1], '3:5,9,1'],
    [[5, 4, 3], '5,4,3'],
  ])('%j → %s', (numbers, text) => {
    expect(formatNumberSet(numbers)).toBe(text);
  });

  it('reads back in order with listSequenceSet (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 50 }), (numbers) => {
        const set = parseSequenceSet(formatNumberSet(numbers));
        expect(set.ok && listSequenceSet(set.value)).toEqual({ ok: true, value: numbers });
      }),
    );
  });

  it('refuses to list sets with * or $', () => {
    expect(listSequenceSet(parse('1:*'))).toEqual({
      ok: false,
      message: "A set with '*' has no definite numbers",
    });
    expect(listSequenceSet('$')).toEqual({ ok: false, message: "'$' has no numbers of its own" });
  });
});
