import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToLatin1 } from '../../core/bytes.ts';
import { encodeResponse } from './response-encoder.ts';
import { parseResponse } from './response-parser.ts';
import type { ImapResponse } from './responses.ts';
import {
  esearchResponse,
  readEsearch,
  readSearch,
  searchResponse,
  type EsearchResult,
  type SearchResult,
} from './search-responses.ts';

const wire = (r: ImapResponse) => bytesToLatin1(encodeResponse(r)).replace(/\r\n$/, '');

/** Parses a line the way a client reads it. */
function parsed(line: string): ImapResponse {
  const r = parseResponse(line);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe('ESEARCH responses (RFC 4731 §3.1, §3.2)', () => {
  it.each<[string, EsearchResult]>([
    ['* ESEARCH (TAG "A282") MIN 2 COUNT 3', { tag: 'A282', uid: false, min: 2, count: 3 }],
    ['* ESEARCH (TAG "A283") ALL 2,10:11', { tag: 'A283', uid: false, all: [2, 10, 11] }],
    ['* ESEARCH (TAG "A285") UID MIN 7 MAX 3800', { tag: 'A285', uid: true, min: 7, max: 3800 }],
    ['* ESEARCH (TAG "A286") COUNT 15', { tag: 'A286', uid: false, count: 15 }],
    ['* ESEARCH (TAG "a") UID', { tag: 'a', uid: true }],
    ['* ESEARCH (TAG "a") UID COUNT 0', { tag: 'a', uid: true, count: 0 }],
    [
      '* ESEARCH (TAG "a") ALL 1:3 MODSEQ 917162500',
      { tag: 'a', uid: false, all: [1, 2, 3], modseq: 917162500 },
    ],
    ['* ESEARCH (TAG "a") ALL 4', { tag: 'a', uid: false, all: [4] }],
    ['* ESEARCH', { uid: false }],
  ])('%s', (line, result) => {
    expect(wire(esearchResponse(result))).toBe(line);
    expect(readEsearch(parsed(line))).toEqual({ ok: true, value: result });
  });

  it('writes ALL compressed, in Dovecot order MIN MAX ALL COUNT MODSEQ', () => {
    expect(
      wire(
        esearchResponse({
          tag: 't',
          uid: true,
          count: 6,
          all: [1, 2, 3, 5, 6, 7],
          max: 7,
          min: 1,
          modseq: 9,
        }),
      ),
    ).toBe('* ESEARCH (TAG "t") UID MIN 1 MAX 7 ALL 1:3,5:7 COUNT 6 MODSEQ 9');
  });

  it.each([
    ['* ESEARCH (TAG) MIN 1', 'ESEARCH: the correlator must be (TAG "tag")'],
    ['* ESEARCH MIN', 'ESEARCH: expected a name and a value at item 1'],
    ['* ESEARCH MIN 0', 'ESEARCH: MIN needs a number'],
    ['* ESEARCH ALL 1:*', 'ESEARCH: ALL needs a sequence set such as 1:3,5'],
    ['* ESEARCH FOO (1 2)', 'ESEARCH: unknown return data FOO'],
    ['* SEARCH 1', 'Not an ESEARCH response'],
  ])('refuses %j', (line, message) => {
    expect(readEsearch(parsed(line))).toEqual({ ok: false, message });
  });

  it('skips return data it does not know (TOLERANCE, RFC 4731 search-ret-data-ext)', () => {
    expect(readEsearch(parsed('* ESEARCH (TAG "x") PARTIAL 5 COUNT 2'))).toEqual({
      ok: true,
      value: { tag: 'x', uid: false, count: 2 },
    });
  });
});

describe('SEARCH responses (RFC 3501 §7.2.5, RFC 7162 §3.1.6)', () => {
  it.each<[string, SearchResult]>([
    ['* SEARCH', { numbers: [] }],
    ['* SEARCH 2 84 882', { numbers: [2, 84, 882] }],
    [
      '* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)',
      {
        numbers: [2, 5, 6, 7, 11, 12, 18, 19, 20, 23],
        modseq: 917162500,
      },
    ],
  ])('%s', (line, result) => {
    expect(wire(searchResponse(result))).toBe(line);
    expect(readSearch(parsed(line))).toEqual({ ok: true, value: result });
  });

  it('leaves MODSEQ out when nothing matched (RFC 7162 §3.1.6)', () => {
    expect(wire(searchResponse({ numbers: [], modseq: 5 }))).toBe('* SEARCH');
  });

  it.each([
    ['* SEARCH 1 (MODSEQ 5) 2', 'SEARCH: unexpected item 2 (a message number or a final (MODSEQ n))'],
    ['* SEARCH 0', 'SEARCH: unexpected item 1 (a message number or a final (MODSEQ n))'],
    ['* SEARCH x', 'SEARCH: unexpected item 1 (a message number or a final (MODSEQ n))'],
  ])('refuses %j', (line, message) => {
    expect(readSearch(parsed(line))).toEqual({ ok: false, message });
  });
});

const nz = fc.integer({ min: 1, max: 4_294_967_295 });
const modseq = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const tagText = fc.string({ minLength: 1, maxLength: 12 }).filter((t) => !/[\r\n\0]/.test(t));
const ascending = fc
  .uniqueArray(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 40 })
  .map((a) => [...a].sort((x, y) => x - y));

const esearchResult: fc.Arbitrary<EsearchResult> = fc.record(
  {
    tag: tagText,
    uid: fc.boolean(),
    min: nz,
    max: nz,
    all: ascending,
    count: fc.nat({ max: 4_294_967_295 }),
    modseq,
  },
  { requiredKeys: ['uid'] },
);

describe('search responses: properties', () => {
  it('ESEARCH round-trips through the encoder, the response parser and the reader', () => {
    fc.assert(
      fc.property(esearchResult, (result) => {
        expect(readEsearch(parsed(wire(esearchResponse(result))))).toEqual({ ok: true, value: result });
      }),
    );
  });

  it('SEARCH round-trips through the encoder, the response parser and the reader', () => {
    const result = fc.oneof(
      fc.record({ numbers: fc.array(nz, { maxLength: 20 }) }),
      fc.record({ numbers: fc.array(nz, { minLength: 1, maxLength: 20 }), modseq }),
    );
    fc.assert(
      fc.property(result, (r) => {
        expect(readSearch(parsed(wire(searchResponse(r))))).toEqual({ ok: true, value: r });
      }),
    );
  });

  it('never throws on random SEARCH and ESEARCH lines', () => {
    const token = fc.oneof(
      fc.constantFrom(
        'MIN',
        'MAX',
        'ALL',
        'COUNT',
        'MODSEQ',
        'UID',
        '(TAG "x")',
        '(MODSEQ 3)',
        '1:4,7',
        '0',
        '*',
        '()',
        'NIL',
      ),
      fc.nat().map(String),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.constantFrom('SEARCH', 'ESEARCH'), fc.array(token, { maxLength: 8 }), (name, tokens) => {
        const r = parseResponse(`* ${name} ${tokens.join(' ')}`);
        if (!r.ok) return;
        const out = name === 'SEARCH' ? readSearch(r.value) : readEsearch(r.value);
        expect(typeof out.ok).toBe('boolean');
      }),
    );
  });
});
