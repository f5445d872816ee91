import { describe, expect, it } from 'vitest';
import { latin1Bytes, utf8Bytes } from '../../../simulators/index.ts';
import { LineSplitter, printable } from './line-splitter.ts';

describe('LineSplitter', () => {
  it('splits CRLF-terminated reply lines, several per chunk (RFC 5321 §2.3.8)', () => {
    const s = new LineSplitter();
    expect(s.push(utf8Bytes('250-mx.example.net\r\n250-PIPELINING\r\n250 SMTPUTF8\r\n'))).toEqual([
      '250-mx.example.net',
      '250-PIPELINING',
      '250 SMTPUTF8',
    ]);
    expect(s.flush()).toBeUndefined();
  });

  it('keeps a line cut between chunks, even between CR and LF, and a UTF-8 character cut in two', () => {
    const s = new LineSplitter();
    const bytes = utf8Bytes('220 grüß\r\n');
    expect(s.push(bytes.slice(0, 7))).toEqual([]);
    expect(s.push(bytes.slice(7, 10))).toEqual([]);
    expect(s.push(bytes.slice(10))).toEqual(['220 grüß']);
  });

  it('accepts a bare LF and gives back an unfinished last line on flush', () => {
    const s = new LineSplitter();
    expect(s.push(utf8Bytes('a\nb\r\nc'))).toEqual(['a', 'b']);
    expect(s.flush()).toBe('c');
    expect(s.flush()).toBeUndefined();
  });

  it('shows binary (a TLS ClientHello read as text) as control pictures, never as escapes', () => {
    const s = new LineSplitter();
    s.push(latin1Bytes('\x16\x03\x01\x1b[2J\x7f'));
    expect(s.flush()).toBe('␖␃␁␛[2J␡');
  });
});

describe('printable', () => {
  it('keeps text and tabs, replaces C0, DEL and C1 controls', () => {
    expect(printable('a\tb')).toBe('a\tb');
    expect(printable('\x00\r\x1b')).toBe('␀␍␛');
    expect(printable('x\x9by')).toBe('x\ufffdy');
  });
});
