import { describe, expect, it } from 'vitest';
import { decodeEncodedWords, headerText } from './encoded-words.ts';

describe('decodeEncodedWords', () => {
  it('decodes B-encoded UTF-8 words, as the MUA writes a non-ASCII subject (RFC 2047 §4.1)', () => {
    expect(decodeEncodedWords('=?UTF-8?B?RGFua2UsIErDvHJnZW4h?=')).toBe('Danke, Jürgen!');
  });

  it('decodes Q-encoded words with _ as space, in any charset the browser knows (RFC 2047 §4.2)', () => {
    expect(decodeEncodedWords('=?ISO-8859-1?Q?Caf=E9_cr=E8me?=')).toBe('Café crème');
    expect(decodeEncodedWords('=?utf-8?q?=C3=A9t=C3=A9?=')).toBe('été');
  });

  it('drops whitespace between adjacent encoded words but keeps it next to plain text (RFC 2047 §6.2)', () => {
    expect(decodeEncodedWords('=?UTF-8?Q?a?= =?UTF-8?Q?b?=')).toBe('ab');
    expect(decodeEncodedWords('=?UTF-8?Q?a?=\r\n =?UTF-8?Q?b?=')).toBe('ab');
    expect(decodeEncodedWords('Re: =?UTF-8?B?w6k=?= ok')).toBe('Re: é ok');
  });

  it('decodes a display name and keeps the address', () => {
    expect(decodeEncodedWords('=?UTF-8?B?Sm9zw6k=?= <jose@example.com>')).toBe('José <jose@example.com>');
  });

  it('accepts an RFC 2231 language tag in the charset', () => {
    expect(decodeEncodedWords('=?UTF-8*en?Q?hi?=')).toBe('hi');
  });

  it('leaves words it cannot decode as they are: unknown charset, broken base64, plain text', () => {
    expect(decodeEncodedWords('=?x-klingon?B?YQ==?=')).toBe('=?x-klingon?B?YQ==?=');
    expect(decodeEncodedWords('=?UTF-8?B?a?=')).toBe('=?UTF-8?B?a?=');
    expect(decodeEncodedWords('=?UTF-8?B?!!!!?= x')).toBe('=?UTF-8?B?!!!!?= x');
    expect(decodeEncodedWords('Lunch?')).toBe('Lunch?');
  });
});

describe('headerText', () => {
  it('reads raw UTF-8 octets (RFC 6532) that the engine handed over as latin1', () => {
    expect(headerText('Gr\xc3\xbc\xc3\x9fe')).toBe('Grüße');
  });

  it('keeps latin1 when the octets are not UTF-8, and decodes encoded words either way', () => {
    expect(headerText('Caf\xe9')).toBe('Café');
    expect(headerText('=?UTF-8?B?w6k=?=')).toBe('é');
  });
});
