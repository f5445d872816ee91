import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, concatBytes, latin1Bytes, utf8Bytes } from '../../core/bytes.ts';
import { encodeResponse } from './response-encoder.ts';
import { parseResponse, ResponseReader, type ResponseReaderOutput } from './response-parser.ts';
import type { ImapResponse } from './responses.ts';
import { chooseStringForm, type WriteOptions } from './value-writer.ts';
import { astr, atom, list, literal, nil, num, seq, str, type ImapValue } from './values.ts';

function read(chunks: readonly Uint8Array[], options = {}): ResponseReaderOutput[] {
  const reader = new ResponseReader(options);
  const out: ResponseReaderOutput[] = [];
  for (const c of chunks) {
    reader.receive(c);
    for (let r = reader.poll(); r !== undefined; r = reader.poll()) out.push(r);
  }
  return out;
}

const responses = (outputs: readonly ResponseReaderOutput[]) =>
  outputs.map((o) => (o.kind === 'response' ? o.response : o));

describe('parseResponse details (RFC 3501 §7)', () => {
  it.each<[string, ImapResponse]>([
    ['+', { kind: 'continuation', text: '' }],
    ['+Ready', { kind: 'continuation', text: 'Ready' }],
    ['+ [ALERT] hi', { kind: 'continuation', code: { code: 'ALERT' }, text: 'hi' }],
    [
      '* ok [read-write] lower case',
      { kind: 'status', status: 'OK', code: { code: 'READ-WRITE' }, text: 'lower case' },
    ],
    ['* OK', { kind: 'status', status: 'OK', text: '' }],
    [
      '* OK [UIDNEXT abc] odd',
      { kind: 'status', status: 'OK', code: { code: 'other', name: 'UIDNEXT', text: 'abc' }, text: 'odd' },
    ],
    [
      '* 5 fetch (flags ())',
      { kind: 'data', number: 5, name: 'FETCH', values: [list(atom('flags'), list())] },
    ],
    ['* LIST () "/" nil', { kind: 'data', name: 'LIST', values: [list(), str('/'), nil] }],
    [
      '* SEARCH 1 99999999999999999999',
      { kind: 'data', name: 'SEARCH', values: [num(1), atom('99999999999999999999')] },
    ],
  ])('%j', (text, response) => {
    expect(parseResponse(text)).toEqual({ ok: true, value: response });
  });

  it.each([
    ['', 'Empty response line'],
    ['A1', "Missing response after 'A1'"],
    ['A1 FETCH 1', "A tagged response must be OK, NO or BAD, not 'FETCH'"],
    ['(x) OK', "'(x)' is not a tag, '*' or '+'"],
    ['* 3', "Missing response name after '* 3'"],
    ['* LIST (x', "Missing ')' at column 10"],
    ['* OK [BADCHARSET', "Missing ']' after response code BADCHARSET"],
    ['* OK [] x', 'Empty response code at column 6'],
  ])('refuses %j', (text, message) => {
    expect(parseResponse(text)).toEqual({ ok: false, message });
  });
});

describe('ResponseReader (RFC 3501 §7.5: server literals need no continuation)', () => {
  const stream = latin1Bytes(
    '* OK [CAPABILITY IMAP4rev1] ready {5}\r\n' +
      '* 1 FETCH (BODY[] {5}\r\nHello UID 7)\r\n' +
      '* 2 FETCH (BINARY[] ~{2}\r\n\0\r BODY[1] {0}\r\n)\r\n' +
      'A1 OK done\r\n' +
      '+ \r\n',
  );
  const expected: unknown[] = [
    {
      kind: 'status',
      status: 'OK',
      code: { code: 'CAPABILITY', capabilities: ['IMAP4rev1'] },
      text: 'ready {5}',
    },
    {
      kind: 'data',
      number: 1,
      name: 'FETCH',
      values: [list(atom('BODY[]'), literal(latin1Bytes('Hello')), atom('UID'), num(7))],
    },
    {
      kind: 'data',
      number: 2,
      name: 'FETCH',
      values: [
        list(
          atom('BINARY[]'),
          literal(Uint8Array.of(0, 13), true),
          atom('BODY[1]'),
          literal(new Uint8Array(0)),
        ),
      ],
    },
    { kind: 'tagged', tag: 'A1', status: 'OK', text: 'done' },
    { kind: 'continuation', text: '' },
  ];

  it('frames responses with literals, but not the free text of status lines', () => {
    expect(responses(read([stream]))).toEqual(expected);
  });

  it('gives the same result split at every byte position', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      expect(responses(read([stream.subarray(0, cut), stream.subarray(cut)]))).toEqual(expected);
    }
  });

  it('reports a literal over the limit and skips it', () => {
    const out = read([latin1Bytes('* 1 FETCH (BODY[] {10}\r\n0123456789)\r\n* 2 EXISTS\r\n')], {
      maxLiteralSize: 5,
    });
    expect(responses(out)).toEqual([
      { kind: 'too-big', message: 'Literal of 10 octets is larger than the limit of 5' },
      { kind: 'data', number: 2, name: 'EXISTS', values: [] },
    ]);
  });

  it('reports a malformed response as bad and goes on', () => {
    const out = read([latin1Bytes('* LIST (\r\n* 1 EXISTS\r\n')]);
    expect(out.map((o) => o.kind)).toEqual(['bad', 'response']);
  });
});

// ---------------------------------------------------------------------------
// Round trip: encode → frame → parse gives the tree back, in canonical form.

const CHARS = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('\r', '\n', '\0', '"', '\\', ' ', 'é', '€', '😀', '\x7f', '\t', ']', '%', '('),
  },
);
const text = fc.string({ unit: CHARS, maxLength: 24 });
const atomText = fc
  .string({ unit: fc.constantFrom(...'ABCXYZabcxyz.-+$=/\\_&'), minLength: 1, maxLength: 8 })
  .filter((s) => !/^\d+$/.test(s) && s.toUpperCase() !== 'NIL' && !/^(BODY|BINARY)/i.test(s));
const bytes = fc.uint8Array({ maxLength: 12 });

const { value: valueArb } = fc.letrec<{ value: ImapValue; listValue: ImapValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atomText.map(atom),
    text.map(str),
    text.map(astr),
    fc.nat().map(num),
    fc.constant(nil),
    fc.tuple(bytes, fc.boolean()).map(([b, binary]) => literal(b, binary)),
    tie('listValue'),
    fc.array(tie('listValue'), { minLength: 1, maxLength: 3 }).map((items) => seq(...items)),
  ),
  listValue: fc.array(tie('value'), { maxLength: 4 }).map((items) => list(...items)),
}));

/** What the parser gives back for a value: the wire form decides (strings that needed a literal come back as octets). */
function canonical(v: ImapValue, o: WriteOptions): ImapValue[] {
  switch (v.type) {
    case 'string':
    case 'astring': {
      const form = chooseStringForm(v.value, v.type, o);
      if (form === 'atom') return [atom(v.value)];
      return form === 'quoted' ? [str(v.value)] : [literal(utf8Bytes(v.value))];
    }
    case 'list':
      return [list(...v.items.flatMap((i) => canonical(i, o)))];
    case 'sequence':
      return v.items.flatMap((i) => canonical(i, o));
    default:
      return [v];
  }
}

describe('encode → parse round trip (property)', () => {
  it.each([
    ['default', {}],
    ['UTF8=ACCEPT and short quoted strings', { utf8: true, maxQuoted: 8 }],
  ])('holds for generated ImapValue trees (%s)', (_name, options) => {
    fc.assert(
      fc.property(
        fc.array(valueArb, { maxLength: 4 }),
        fc.array(fc.nat(400), { maxLength: 4 }),
        (values, cuts) => {
          const response: ImapResponse = { kind: 'data', number: 1, name: 'FETCH', values };
          const wire = encodeResponse(response, options);
          const expected = { ...response, values: values.flatMap((v) => canonical(v, options)) };
          expect(parseResponse(wire)).toEqual({ ok: true, value: expected });
          const points = [...new Set(cuts.map((c) => Math.min(c, wire.length)))].sort((a, b) => a - b);
          const chunks = [0, ...points].map((p, i, all) => wire.subarray(p, all[i + 1] ?? wire.length));
          expect(responses(read(chunks))).toEqual([expected]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads 100 000 nested lists as bad, not a stack overflow', () => {
    const deep = concatBytes([
      latin1Bytes('* 1 FETCH '),
      latin1Bytes('('.repeat(100_000)),
      latin1Bytes(')'.repeat(100_000)),
    ]);
    expect(parseResponse(deep)).toEqual({
      ok: false,
      message: 'Lists nested deeper than 256 levels at column 267',
    });
    expect(bytesToLatin1(deep).length).toBe(200_010);
  });
});
