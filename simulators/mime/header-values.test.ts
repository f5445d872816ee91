import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCharset } from './charsets.ts';
import { parseDateWithZone } from './header-date.ts';
import {
  decodedParam,
  decodeEncodedWords,
  decodeRfc2231Value,
  formatMailbox,
  parseAddressList,
  parseContentDisposition,
  parseContentType,
  parseDate,
  parseLanguageList,
  parseMessageIds,
  parseTransferEncoding,
  type AddressItem,
} from './header-values.ts';

const mbox = (
  name: string | undefined,
  mailbox: string | undefined,
  domain: string | undefined,
  route?: string,
) => ({ kind: 'mailbox', name, route, mailbox, domain }) as const;
const m = (name: string | undefined, mailbox: string | undefined, domain: string | undefined) => ({
  name,
  route: undefined,
  mailbox,
  domain,
});

describe('parseAddressList (RFC 5322 §3.4)', () => {
  it.each<[string, AddressItem[]]>([
    ['alice@example.com', [mbox(undefined, 'alice', 'example.com')]],
    ['"Alice Q. Example" <alice@example.com>', [mbox('Alice Q. Example', 'alice', 'example.com')]],
    ['Alice  Example <alice@example.com>', [mbox('Alice Example', 'alice', 'example.com')]],
    ['alice@example.com (Alice)', [mbox('Alice', 'alice', 'example.com')]],
    ['<alice@example.com>', [mbox(undefined, 'alice', 'example.com')]],
    ['"a\\"b" <x@y>', [mbox('a"b', 'x', 'y')]],
    ['"odd local"@example.com', [mbox(undefined, 'odd local', 'example.com')]],
    ['user@[192.0.2.1]', [mbox(undefined, 'user', '[192.0.2.1]')]],
    ['first . last @ example . com', [mbox(undefined, 'first.last', 'example.com')]],
    ['=?UTF-8?Q?J=C3=B6rg?= <j@x.de>', [mbox('=?UTF-8?Q?J=C3=B6rg?=', 'j', 'x.de')]],
    // A comment before an addr-spec is not its name (Dovecot: only comments inside it count).
    ['a@x, (comment) b@y', [mbox(undefined, 'a', 'x'), mbox(undefined, 'b', 'y')]],
    ['undisclosed-recipients:;', [{ kind: 'group', name: 'undisclosed-recipients', members: [] }]],
    [
      'Team: a@x, B <b@y>;, c@z',
      [
        { kind: 'group', name: 'Team', members: [m(undefined, 'a', 'x'), m('B', 'b', 'y')] },
        mbox(undefined, 'c', 'z'),
      ],
    ],
    ['group2: (foo) ;', [{ kind: 'group', name: 'group2', members: [] }]],
    ['<@route1,@route2:user@domain>', [mbox(undefined, 'user', 'domain', '@route1,@route2')]],
    ['a@x, , b@y', [mbox(undefined, 'a', 'x'), mbox(undefined, 'b', 'y')]],
    ['user', [mbox(undefined, 'user', undefined)]],
    ['John Smith', [mbox('John Smith', undefined, undefined)]],
    ['a@x garbage, b@y', [mbox(undefined, 'a', 'x')]],
    ['', []],
    ['   (just a comment)', []],
  ])('%s', (value, expected) => {
    expect(parseAddressList(value)).toEqual(expected);
  });

  it('formats a mailbox for display with encoded words decoded', () => {
    const [first] = parseAddressList('=?ISO-8859-1?Q?Andr=E9?= <andre@example.com>');
    expect(first?.kind === 'mailbox' && formatMailbox(first)).toBe('André <andre@example.com>');
  });
});

describe('Content-Type and Content-Disposition (RFC 2045 §5.1, RFC 2183, RFC 2231)', () => {
  it.each([
    ['text/plain', { type: 'text', subtype: 'plain', params: [], valid: true }],
    [
      'Text/HTML; Charset="UTF-8" (comment); format=flowed',
      {
        type: 'Text',
        subtype: 'HTML',
        params: [
          { name: 'Charset', value: 'UTF-8' },
          { name: 'format', value: 'flowed' },
        ],
        valid: true,
      },
    ],
    [
      'multipart/mixed; boundary="foo\r\n bar"',
      { type: 'multipart', subtype: 'mixed', params: [{ name: 'boundary', value: 'foo bar' }], valid: true },
    ],
    ['text', { type: 'text', subtype: '', params: [], valid: false }],
    [
      'text / plain ; ; x=1',
      { type: 'text', subtype: 'plain', params: [{ name: 'x', value: '1' }], valid: true },
    ],
    [
      'application/x; name=a/b.pdf; n2==?utf-8?q?x?=',
      {
        type: 'application',
        subtype: 'x',
        params: [
          { name: 'name', value: 'a' },
          { name: 'n2', value: '=?utf-8?q?x?=' },
        ],
        valid: true,
      },
    ],
  ])('parses %j', (value, expected) => {
    expect(parseContentType(value)).toEqual(expected);
  });

  it.each([
    // RFC 2231 §3 continuations, §4 charset and language; Dovecot's merged form.
    ['x; title*0="a "; title*1="b"', [{ name: 'title', value: 'a b' }]],
    [
      "x; filename*0*=UTF-8''%E2%82%AC; filename*1*=.pdf",
      [{ name: 'filename*', value: "UTF-8''%E2%82%AC.pdf" }],
    ],
    ["x; name*=iso-8859-1'en'%E9t%E9", [{ name: 'name*', value: "iso-8859-1'en'%E9t%E9" }]],
    ["x; n*1=100%; n*0*=utf-8''a", [{ name: 'n*', value: "utf-8''a100%25" }]],
    [
      'x; n*0=a; n*2=c',
      [
        { name: 'n*0', value: 'a' },
        { name: 'n*2', value: 'c' },
      ],
    ],
    [
      'x; z=1; a*0=2',
      [
        { name: 'z', value: '1' },
        { name: 'a', value: '2' },
      ],
    ],
  ])('merges RFC 2231 sections in %j', (value, params) => {
    expect(parseContentDisposition(value)?.params).toEqual(params);
  });

  it.each([
    ["x; filename*0*=UTF-8''Rapport%20%C3%A9t; filename*1*=%C3%A9.pdf", 'filename', 'Rapport été.pdf'],
    ['x; filename="=?UTF-8?B?4oKs?=.pdf"', 'filename', '€.pdf'],
    ['x; filename="plain.txt"; filename*=utf-8\'\'better.txt', 'filename', 'better.txt'],
    ['x; other=1', 'filename', undefined],
  ])('decodes parameter %j for display', (value, name, expected) => {
    expect(decodedParam(parseContentDisposition(value)?.params ?? [], name)).toBe(expected);
  });

  it.each([
    ['base64', 'base64'],
    [' Quoted-Printable (comment)', 'Quoted-Printable'],
    ['?invalid', undefined],
    ['7bit garbage', undefined],
  ])('reads Content-Transfer-Encoding %j (RFC 2045 §6.1)', (value, expected) => {
    expect(parseTransferEncoding(value)).toBe(expected);
  });

  it('reads Content-Language tags (RFC 3282)', () => {
    expect(parseLanguageList('en-GB, (English) fr ,de')).toEqual(['en-GB', 'fr', 'de']);
  });
});

describe('parseMessageIds (RFC 5322 §3.6.4)', () => {
  it.each([
    ['<a@example.com>', ['a@example.com']],
    ['<a@x> (comment) <b@y>\r\n <c@z>', ['a@x', 'b@y', 'c@z']],
    ['Your message of Monday <a@x>', ['a@x']],
    ['< a @ x >', ['a@x']],
    ['<"quoted local"@x>', ['"quoted local"@x']],
    ['no ids here', []],
  ])('%j', (value, ids) => {
    expect(parseMessageIds(value)).toEqual(ids);
  });
});

describe('parseDate (RFC 5322 §3.3, §4.3)', () => {
  it.each([
    ['Thu, 15 Feb 2007 01:02:03 +0200', Date.UTC(2007, 1, 14, 23, 2, 3), 120],
    ['15 Feb 2007 01:02:03 -0000', Date.UTC(2007, 1, 15, 1, 2, 3), 0],
    ['Mon, 2 Mar 26 09:15 EST', Date.UTC(2026, 2, 2, 14, 15, 0), -300],
    ['Fri, 1 Jan 99 00:00:00 GMT', Date.UTC(1999, 0, 1), 0],
    ['1 Jan 107 00:00:00 +0000', Date.UTC(2007, 0, 1), 0],
    ['Tue, 1 Jul 2003 10:52:37 PDT (Pacific)', Date.UTC(2003, 6, 1, 17, 52, 37), -420],
    ['1 Jul 2003 10:52:37 Z', Date.UTC(2003, 6, 1, 10, 52, 37), 0],
    ['1 Jul 2003 10:52:37 A', Date.UTC(2003, 6, 1, 10, 52, 37), 0],
    ['Sat, 24 March 2007 23:00:00', Date.UTC(2007, 2, 24, 23), 0],
    ['29 Feb 2024 12:00:00 +0530', Date.UTC(2024, 1, 29, 6, 30), 330],
  ])('%s', (value, epochMs, offsetMinutes) => {
    expect(parseDateWithZone(value)).toEqual({ epochMs, offsetMinutes });
  });

  it.each([
    '',
    'yesterday',
    '30 Feb 2023 10:00:00 +0000',
    '1 Foo 2020 10:00:00',
    '1 Jan 2020 24:00:00',
    '1 Jan 2020 10:00 +0075',
  ])('rejects %j', (value) => {
    expect(parseDate(value)).toBeUndefined();
  });
});

describe('encoded words (RFC 2047) and extended values (RFC 2231)', () => {
  it.each([
    ['=?UTF-8?B?4oKsIDEwMA==?=', '€ 100'],
    ['=?ISO-8859-1?Q?Andr=E9?= Dupont', 'André Dupont'],
    ['=?UTF-8?Q?a?= =?UTF-8?Q?b?=', 'ab'],
    ['=?UTF-8?Q?a?=\r\n =?UTF-8?Q?_b?=', 'a b'],
    ['=?UTF-8?B?4oI=?==?UTF-8?B?rA==?=', '€'],
    ['=?utf-8?q?x?= and =?utf-8?q?y?=', 'x and y'],
    ['=?windows-1252?Q?=93quoted=94?=', '\u201cquoted\u201d'],
    ['=?UTF-8*en?Q?tagged?=', 'tagged'],
    ['=?UTF-8?B?!!!?= stays', '=?UTF-8?B?!!!?= stays'],
    ['=?UTF-8?X?abc?=', '=?UTF-8?X?abc?='],
    ['=?koi8-r?B?8NLJ18XU?=', 'ðÒÉ×ÅÔ'],
    ['plain \xc3\xa9t\xc3\xa9', 'plain été'],
    ['latin1 \xe9t\xe9', 'latin1 été'],
    ['no words', 'no words'],
  ])('%j → %j', (octets, text) => {
    expect(decodeEncodedWords(octets)).toBe(text);
  });

  it('decodes RFC 2231 values with charset and language', () => {
    expect(decodeRfc2231Value("utf-8'en'%E2%82%AC%20x")).toBe('€ x');
    expect(decodeRfc2231Value("''%41%zz")).toBe('A%zz');
  });

  it('says when it had to guess a charset', () => {
    expect(decodeCharset(Uint8Array.of(0xe9), 'x-unknown')).toEqual({
      text: 'é',
      charset: 'windows-1252',
      fallback: true,
    });
  });

  it('never throws on arbitrary header text', () => {
    const word = fc
      .tuple(fc.constantFrom('UTF-8', 'iso-8859-1', 'x', ''), fc.constantFrom('B', 'Q', 'q'), fc.string())
      .map(([c, e, t]) => `=?${c}?${e}?${t}?=`);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(word, fc.string(), fc.constantFrom(' ', '\r\n ', '=?', '?=')), { maxLength: 8 }),
        (parts) => {
          const text = parts.join('').replace(/[\u0100-\uffff]/g, '?');
          expect(typeof decodeEncodedWords(text)).toBe('string');
          parseAddressList(text);
          parseContentType(text);
          parseMessageIds(text);
          parseDate(text);
        },
      ),
      { numRuns: 500 },
    );
  });
});
