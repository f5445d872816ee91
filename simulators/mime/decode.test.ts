import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import { fileName, listAttachments, mainTextPart, partText } from './decode.ts';
import { CORPUS, crlf } from './fixtures/corpus.ts';
import { findPart, parseMessage } from './message.ts';
import { decodeBase64, decodeQuotedPrintable } from './transfer-encoding.ts';

const b = (s: string) => latin1Bytes(s);

describe('transfer decoding (RFC 2045 §6.7, §6.8)', () => {
  it.each([
    ['hello  \r\nbar=\r\n\r\n', 'hello\r\nbar\r\n'],
    ['foo\t \t= \r\n=62\r\n', 'foo\t \tb\r\n'],
    ['foo = \t\r\nbar', 'foo bar'],
    ['a=3D=3d=\r\n', 'a=='],
    ['bad =ZZ and =4', 'bad =ZZ and =4'],
    ['bare\nlf=\nx\n', 'bare\nlfx\n'],
  ])('quoted-printable %j', (input, output) => {
    expect(bytesToLatin1(decodeQuotedPrintable(b(input)))).toBe(output);
  });

  it.each([
    ['aGVs\r\nbG8gd29y\r\nbGQ=\r\n', 'hello world'],
    ['  aGVs    \r\n bG8g  \r\n   d29y  \t \r\n    bGQ= \r\n', 'hello world'],
    ['aGVsbG8*!gd29ybGQ', 'hello world'],
    ['aGk', 'hi'],
    ['', ''],
  ])('base64 %j', (input, output) => {
    expect(bytesToLatin1(decodeBase64(b(input)))).toBe(output);
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        decodeBase64(bytes);
        expect(decodeQuotedPrintable(bytes).length).toBeLessThanOrEqual(bytes.length);
      }),
    );
  });
});

describe('partText (inspector)', () => {
  it.each([
    [
      'ALTERNATIVE',
      [1],
      { text: 'Café at noon?', charset: 'utf-8', charsetGuessed: false, transferDecoded: true },
    ],
    [
      'FORWARD',
      [2, 1],
      { text: 'Grüße', charset: 'windows-1252', charsetGuessed: false, transferDecoded: true },
    ],
    [
      'PLAIN',
      [1],
      {
        text: 'Shall we have lunch at noon?\nAlice\n',
        charset: 'utf-8',
        charsetGuessed: true,
        transferDecoded: true,
      },
    ],
  ] as const)('decodes %s part %j', (name, path, expected) => {
    const raw = CORPUS[name];
    expect(partText(raw, findPart(parseMessage(raw), path)!)).toEqual(expected);
  });

  it('shows the raw body when the transfer encoding is unknown', () => {
    const raw = crlf('MIME-Version: 1.0', 'Content-Transfer-Encoding: x-uue', '', 'begin');
    expect(partText(raw, parseMessage(raw))).toMatchObject({ text: 'begin\n', transferDecoded: false });
  });
});

describe('mainTextPart and listAttachments', () => {
  it.each([
    ['PLAIN', []],
    ['ALTERNATIVE', [1]],
    ['NESTED_RELATED', [1, 1]],
    ['FORWARD', [1]],
    ['DIGEST', [2]],
  ] as const)('picks the body of %s', (name, path) => {
    const root = parseMessage(CORPUS[name]);
    const expected = path.length === 0 ? root : findPart(root, path);
    expect(mainTextPart(root)).toBe(expected);
  });

  it.each([
    ['PLAIN', []],
    ['MIXED_PDF', [[[2], 'Rapport été.pdf', 'application/pdf', 36]]],
    ['NESTED_RELATED', [[[2], 'data.bin', 'application/octet-stream', 3]]],
    ['FORWARD', [[[2], 'original.eml', 'message/rfc822', 398]]],
    ['DIGEST', [[[1], 'One', 'message/rfc822', 44]]],
  ] as const)('lists the attachments of %s with decoded names', (name, expected) => {
    const rows = listAttachments(CORPUS[name]).map((a) => [a.section, a.name, a.mediaType, a.size]);
    expect(rows).toEqual(expected);
  });

  it('falls back to the Content-Type name and decodes RFC 2047 names (TOLERANCE)', () => {
    const raw = crlf(
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary=x',
      '',
      '--x',
      '',
      'text',
      '--x',
      'Content-Type: image/jpeg; name="=?UTF-8?Q?f=C3=B6to.jpg?="',
      '',
      'jpg',
      '--x--',
    );
    const [att] = listAttachments(raw);
    expect(att && [att.section, att.name, fileName(att.part)]).toEqual([[2], 'föto.jpg', 'föto.jpg']);
  });
});
