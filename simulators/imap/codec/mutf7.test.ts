import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMutf7, encodeMutf7 } from './mutf7.ts';

describe('modified UTF-7 (RFC 3501 §5.1.3)', () => {
  it.each([
    ['~peter/mail/&U,BTFw-/&ZeVnLIqe-', '~peter/mail/台北/日本語'],
    ['INBOX', 'INBOX'],
    ['Tom &- Jerry', 'Tom & Jerry'],
    ['&-', '&'],
    ['Entw&APw-rfe', 'Entwürfe'],
    ['&AOQA9gD8-', 'äöü'],
    ['&2D3eAA-', '😀'],
    ['Stra&AN8-e', 'Straße'],
    ['tab&AAk-here', 'tab\there'],
    ['', ''],
    ['&AOQ-&AOQ-', 'ää'],
  ])('%s ↔ %s', (wire, name) => {
    expect(decodeMutf7(wire)).toEqual({ ok: true, value: name });
    if (wire !== '&AOQ-&AOQ-') expect(encodeMutf7(name)).toBe(wire);
  });

  it('encodes adjacent non-ASCII characters as one run', () => {
    expect(encodeMutf7('ää')).toBe('&AOQA5A-');
  });

  it.each([
    ['&Jjo', "Mailbox name has a '&' at offset 0 without its closing '-'"],
    ['a&ZeVnLIqe', "Mailbox name has a '&' at offset 1 without its closing '-'"],
    [
      '&AGE-',
      "Mailbox name encodes the printable character 'a' in BASE64 at offset 0; it must be written as itself (RFC 3501 §5.1.3)",
    ],
    [
      '&ACY-',
      "Mailbox name encodes the printable character '&' in BASE64 at offset 0; it must be written as itself (RFC 3501 §5.1.3)",
    ],
    ['&U/BTFw-', "Mailbox name has '/' at offset 2, which is not modified BASE64"],
    ['&AOQ=-', "Mailbox name has '=' at offset 4, which is not modified BASE64"],
    [
      '&AO-',
      'Mailbox name has a modified BASE64 run at offset 0 that does not end on a whole UTF-16 character',
    ],
    [
      '&AOR-',
      'Mailbox name has a modified BASE64 run at offset 0 that does not end on a whole UTF-16 character',
    ],
    ['&2D0-', 'Mailbox name has an unpaired UTF-16 surrogate at offset 0'],
    ['&3gA-', 'Mailbox name has an unpaired UTF-16 surrogate at offset 0'],
    [
      'ä',
      'Mailbox name has the character U+00E4 at offset 0; only printable ASCII may appear in modified UTF-7 (RFC 3501 §5.1.3)',
    ],
    [
      'a\tb',
      'Mailbox name has the character U+0009 at offset 1; only printable ASCII may appear in modified UTF-7 (RFC 3501 §5.1.3)',
    ],
  ])('refuses %j', (wire, message) => {
    expect(decodeMutf7(wire)).toEqual({ ok: false, message });
  });

  it('round-trips any string without lone surrogates, and writes only printable ASCII (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (name) => {
        const wire = encodeMutf7(name);
        expect(wire).toMatch(/^[\x20-\x7e]*$/);
        expect(decodeMutf7(wire)).toEqual({ ok: true, value: name });
      }),
    );
  });

  it('replaces lone surrogates with U+FFFD', () => {
    expect(decodeMutf7(encodeMutf7('a\ud800b'))).toEqual({ ok: true, value: 'a\ufffdb' });
  });
});
