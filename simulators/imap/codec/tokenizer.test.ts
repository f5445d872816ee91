import { describe, expect, it } from 'vitest';
import { latin1Bytes } from '../../core/bytes.ts';
import { tokenize, type Token } from './tokenizer.ts';

const atom = (value: string, at: number): Token => ({ kind: 'atom', value, at });
const quoted = (value: string, at: number): Token => ({ kind: 'quoted', value, at });
const lst = (at: number, ...items: Token[]): Token => ({ kind: 'list', items, at });

function tokens(text: string) {
  return tokenize(latin1Bytes(text));
}

describe('tokenize (RFC 3501 §9 lexical grammar)', () => {
  it.each<[string, Token[]]>([
    ['A1 NOOP', [atom('A1', 0), atom('NOOP', 3)]],
    ['A1 NOOP\r\n', [atom('A1', 0), atom('NOOP', 3)]],
    ['a "b c" ""', [atom('a', 0), quoted('b c', 2), quoted('', 8)]],
    ['"q\\"uote\\\\"', [quoted('q"uote\\', 0)]],
    ['(a (b) ())', [lst(0, atom('a', 1), lst(3, atom('b', 4)), lst(7))]],
    [
      '\\Seen $Forwarded 1:*,3 %',
      [atom('\\Seen', 0), atom('$Forwarded', 6), atom('1:*,3', 17), atom('%', 23)],
    ],
    ['[Gmail]/Sent ~foo a]b', [atom('[Gmail]/Sent', 0), atom('~foo', 13), atom('a]b', 18)]],
    // THREAD and BODYSTRUCTURE write lists back to back.
    [
      '(2)(3 6 (4 23)(44 7))',
      [
        lst(0, atom('2', 1)),
        lst(
          3,
          atom('3', 4),
          atom('6', 6),
          lst(8, atom('4', 9), atom('23', 11)),
          lst(14, atom('44', 15), atom('7', 18)),
        ),
      ],
    ],
  ])('%j', (text, expected) => {
    expect(tokens(text)).toEqual({
      ok: true,
      tokens: expected,
      end: latin1Bytes(text.replace(/\r\n$/, '')).length,
    });
  });

  it('reads literals of every form (RFC 3501 §4.3, RFC 7888, RFC 3516)', () => {
    const r = tokens('x {3}\r\nabc {2+}\r\nde ~{1}\r\n\0 ~{0+}\r\n\r\n');
    expect(r).toEqual({
      ok: true,
      end: 35,
      tokens: [
        atom('x', 0),
        { kind: 'literal', value: latin1Bytes('abc'), at: 2, nonSync: false, binary: false },
        { kind: 'literal', value: latin1Bytes('de'), at: 11, nonSync: true, binary: false },
        { kind: 'literal', value: latin1Bytes('\0'), at: 20, nonSync: false, binary: true },
        { kind: 'literal', value: new Uint8Array(0), at: 28, nonSync: true, binary: true },
      ],
    });
  });

  it('gives BODY[…] names their section and partial, and keeps them whole', () => {
    const r = tokens('BODY.PEEK[HEADER.FIELDS (A "B")]<0.10> body[] BINARY.SIZE[1]');
    expect(r).toEqual({
      ok: true,
      end: 60,
      tokens: [
        {
          kind: 'atom',
          value: 'BODY.PEEK[HEADER.FIELDS (A "B")]<0.10>',
          at: 0,
          section: [atom('HEADER.FIELDS', 10), lst(24, atom('A', 25), quoted('B', 27))],
          partial: '0.10',
        },
        { kind: 'atom', value: 'body[]', at: 39, section: [] },
        { kind: 'atom', value: 'BINARY.SIZE[1]', at: 46, section: [atom('1', 58)] },
      ],
    });
  });

  it('decodes 8-bit quoted strings as UTF-8 (RFC 6855 utf8-quoted)', () => {
    expect(tokenize(Uint8Array.of(0x22, 0xc3, 0xa9, 0x22))).toEqual({
      ok: true,
      tokens: [quoted('é', 0)],
      end: 4,
    });
  });

  it('stops at a top-level ] for response codes', () => {
    expect(
      tokenize(latin1Bytes('[PERMANENTFLAGS (\\Seen \\*)] text'), { start: 1, untilBracket: true }),
    ).toEqual({
      ok: true,
      tokens: [atom('PERMANENTFLAGS', 1), lst(16, atom('\\Seen', 17), atom('\\*', 23))],
      end: 26,
    });
  });

  it.each([
    ['a  b', 'Extra space at column 3'],
    [' a', 'Unexpected space at column 1'],
    ['( a)', "Unexpected space after '(' at column 2"],
    ['(a )', "Unexpected space before ')' at column 3"],
    ['(a', "Missing ')' at column 3"],
    ['a)', "Unexpected ')' at column 2"],
    ['"abc', 'Unterminated quoted string opened at column 1'],
    ['"a\r\nb"', 'Unterminated quoted string opened at column 1'],
    ['"a\\b"', "Invalid escape '\\b' in quoted string (only \\\" and \\\\ are allowed) at column 3"],
    ['"a\0"', 'NUL in quoted string at column 3'],
    ['a"b"', "Missing space before '\"' at column 2"],
    ['{x}', "Missing literal size after '{' at column 2"],
    ['{3', "Missing '}' after literal size at column 3"],
    ['{3} abc', 'A literal announcement must end its line at column 4'],
    ['{5}\r\nabc', 'Literal of 5 octets is cut short: only 3 follow at column 1'],
    [
      '{99999999999999999999}\r\nabc',
      'Literal of 99999999999999999999 octets is cut short: only 3 follow at column 1',
    ],
    ['a\x01', 'Unexpected control character 0x01 at column 2'],
    ['a\xe9', 'Unexpected 8-bit octet 0xE9 (non-ASCII text must be quoted) at column 2'],
    ['BODY[TEXT', "Missing ']' at column 10"],
    ['BODY[]<0.1', "Missing '>' after partial at column 11"],
    ['BODY[ 1]', "Unexpected space after '[' at column 6"],
    ['(((a)))', 'Lists nested deeper than 2 levels at column 3'],
  ])('refuses %j', (text, message) => {
    const r = tokenize(latin1Bytes(text), { maxDepth: 2 });
    expect(r.ok ? r : r.message).toBe(message);
  });

  it('tolerates trailing spaces at the end of the line', () => {
    expect(tokens('A1 NOOP  ')).toEqual({ ok: true, tokens: [atom('A1', 0), atom('NOOP', 3)], end: 9 });
  });
});
