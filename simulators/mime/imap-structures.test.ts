import { describe, expect, it } from 'vitest';
import { bytesToLatin1 } from '../core/bytes.ts';
import { CORPUS, crlf } from './fixtures/corpus.ts';
import { formatImap } from './fixtures/imap-format.ts';
import {
  binarySection,
  binarySize,
  bodyStructure,
  envelope,
  messageSize,
  sectionBytes,
  type Section,
} from './imap-structures.ts';
import { parseMessage } from './message.ts';

const ALICE = '(("Alice Example" NIL "alice" "example.com"))';
const ANDRE = '(("=?ISO-8859-1?Q?Andr=E9?=" NIL "andre" "example.com"))';
const JOERG = '(("=?UTF-8?Q?J=C3=B6rg?=" NIL "joerg" "example.de"))';

describe('ENVELOPE (RFC 3501 §7.4.2)', () => {
  it.each([
    [
      'PLAIN',
      `("Mon, 2 Mar 2026 09:15:00 +0100" "Lunch?" ${ALICE} ${ALICE} ${ALICE} (("Bob" NIL "bob" "example.org")("Carol" NIL "carol" "example.net")) NIL NIL NIL "<plain.1@example.com>")`,
    ],
    [
      'ENCODED',
      `("2 Mar 26 09:15 EST" "=?UTF-8?B?4oKsIDEwMA==?= =?UTF-8?Q?_f=C3=BCr_dich?= and =?bogus?Q?x?= =?UTF-8?B?!!!?=" ${JOERG} ${JOERG} ${JOERG} ((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) ((NIL NIL "Team" NIL)(NIL NIL "a" "example.com")("B. Smith" NIL "b" "example.com")(NIL NIL NIL NIL)(NIL NIL "c" "example.com")) NIL "<a@example.com> (comment) <b@example.com>" NIL)`,
    ],
    ['MALFORMED', '(NIL "broken" NIL NIL NIL NIL NIL NIL NIL NIL)'],
  ] as const)('of %s sends raw header values, groups and defaults', (name, wire) => {
    expect(formatImap(envelope(parseMessage(CORPUS[name])))).toBe(wire);
  });

  it('takes the last of repeated fields, falls back to From for an empty Sender and marks missing hosts', () => {
    const raw = crlf('From: a@b', 'Subject: one', 'Subject: two', 'Sender:', 'To: x', '', '');
    expect(formatImap(envelope(parseMessage(raw)))).toBe(
      '(NIL "two" ((NIL NIL "a" "b")) ((NIL NIL "a" "b")) ((NIL NIL "a" "b")) ((NIL NIL "x" "MISSING_DOMAIN")) NIL NIL NIL NIL)',
    );
  });
});

describe('BODYSTRUCTURE and BODY (RFC 3501 §7.4.2), in Dovecot form', () => {
  it.each([
    [
      'PLAIN',
      '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 37 2 NIL NIL NIL NIL)',
      '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 37 2)',
    ],
    [
      'ALTERNATIVE',
      '(("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" 18 0 NIL NIL NIL NIL)("text" "html" ("charset" "utf-8") NIL NIL "quoted-printable" 25 0 NIL NIL NIL NIL) "alternative" ("boundary" "alt-1") NIL NIL NIL)',
      '(("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" 18 0)("text" "html" ("charset" "utf-8") NIL NIL "quoted-printable" 25 0) "alternative")',
    ],
    [
      'MIXED_PDF',
      `(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 24 0 NIL NIL NIL NIL)("application" "pdf" ("name" "report.pdf") NIL NIL "base64" 50 NIL ("attachment" ("filename*" "UTF-8''Rapport%20%C3%A9t%C3%A9.pdf")) NIL NIL) "mixed" ("boundary" "mix") NIL NIL NIL)`,
      '(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 24 0)("application" "pdf" ("name" "report.pdf") NIL NIL "base64" 50) "mixed")',
    ],
    [
      'NESTED_RELATED',
      '((("text" "html" ("charset" "UTF-8") NIL NIL "7bit" 32 0 NIL NIL ("en" "de") NIL)("image" "png" NIL "<logo@example.com>" NIL "base64" 12 NIL ("inline" NIL) NIL NIL) "related" ("boundary" "inner" "type" "text/html") NIL NIL NIL)("application" "octet-stream" NIL NIL "raw data" "7bit" 3 "Q2hlY2sgSW50ZWdyaXR5IQ==" ("attachment" ("filename" "data.bin")) NIL "http://example.com/data.bin") "mixed" ("boundary" "outer") NIL NIL NIL)',
      '((("text" "html" ("charset" "UTF-8") NIL NIL "7bit" 32 0)("image" "png" NIL "<logo@example.com>" NIL "base64" 12) "related")("application" "octet-stream" NIL NIL "raw data" "7bit" 3) "mixed")',
    ],
    [
      'FORWARD',
      `(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 18 1 NIL NIL NIL NIL)("message" "rfc822" NIL NIL NIL "7bit" 398 ("Sun, 1 Mar 2026 18:00:00 -0500" "=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=" ${ANDRE} ${ANDRE} ${ANDRE} NIL NIL NIL NIL NIL) (("text" "plain" ("charset" "iso-8859-1") NIL NIL "8bit" 5 0 NIL NIL NIL NIL)("text" "html" ("charset" "iso-8859-1") NIL NIL "7bit" 23 0 NIL NIL NIL NIL) "alternative" ("boundary" "orig") NIL NIL NIL) 16 NIL ("attachment" ("filename" "original.eml")) NIL NIL) "mixed" ("boundary" "fwd") NIL NIL NIL)`,
      `(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 18 1)("message" "rfc822" NIL NIL NIL "7bit" 398 ("Sun, 1 Mar 2026 18:00:00 -0500" "=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=" ${ANDRE} ${ANDRE} ${ANDRE} NIL NIL NIL NIL NIL) (("text" "plain" ("charset" "iso-8859-1") NIL NIL "8bit" 5 0)("text" "html" ("charset" "iso-8859-1") NIL NIL "7bit" 23 0) "alternative") 16) "mixed")`,
    ],
    [
      'DIGEST',
      '(("message" "rfc822" NIL NIL NIL "7bit" 44 (NIL "One" ((NIL NIL "one" "example.com")) ((NIL NIL "one" "example.com")) ((NIL NIL "one" "example.com")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 5 0 NIL NIL NIL NIL) 3 NIL NIL NIL NIL)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 0 NIL NIL NIL NIL) "digest" ("boundary" "d") NIL NIL NIL)',
      '(("message" "rfc822" NIL NIL NIL "7bit" 44 (NIL "One" ((NIL NIL "one" "example.com")) ((NIL NIL "one" "example.com")) ((NIL NIL "one" "example.com")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 5 0) 3)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 0) "digest")',
    ],
    [
      'MALFORMED',
      '((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 9 0 NIL NIL NIL NIL) "alternative" ("boundary" "b-inner") NIL NIL NIL)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 23 1 NIL NIL NIL NIL) "mixed" ("boundary" "b") NIL NIL NIL)',
      '((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 9 0) "alternative")("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 23 1) "mixed")',
    ],
  ] as const)('of %s', (name, structure, body) => {
    const root = parseMessage(CORPUS[name]);
    expect(formatImap(bodyStructure(root, true))).toBe(structure);
    expect(formatImap(bodyStructure(root, false))).toBe(body);
  });

  it('keeps header case, writes message/rfc822 in lower case and fills an empty multipart', () => {
    const raw = crlf(
      'MIME-Version: 1.0',
      'Content-Type: Multipart/Mixed; boundary=z',
      '',
      '--z',
      'Content-Type: Text/Plain',
      'Content-Transfer-Encoding: BASE64',
      '',
      'aGk=',
      '--z',
      'Content-Type: Message/RFC822; x=y',
      '',
      'Subject: in',
      '',
      'hi',
      '--z',
      'Content-Type: multipart/alternative',
      '',
      '--z--',
    );
    expect(formatImap(bodyStructure(parseMessage(raw), true))).toBe(
      '(("Text" "Plain" ("charset" "us-ascii") NIL NIL "BASE64" 4 0 NIL NIL NIL NIL)("message" "rfc822" ("x" "y") NIL NIL "7bit" 17 (NIL "in" NIL NIL NIL NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 2 0 NIL NIL NIL NIL) 2 NIL NIL NIL NIL)(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) "alternative" NIL NIL NIL NIL) "Mixed" ("boundary" "z") NIL NIL NIL)',
    );
  });

  it('concatenates bodies and addresses without SP, as the grammar requires (RFC 3501 §9)', () => {
    const value = bodyStructure(parseMessage(CORPUS.ALTERNATIVE), false);
    expect(value).toMatchObject({ kind: 'list', unspaced: 2 });
  });
});

describe('sectionBytes (RFC 3501 §6.4.5)', () => {
  const text = (s: Section, partial?: { start: number; length: number }) => {
    const bytes = sectionBytes(CORPUS.FORWARD, s, partial);
    return bytes && bytesToLatin1(bytes);
  };
  it.each<[Section, string | undefined]>([
    [
      { part: [], kind: 'header' },
      'From: bob@example.org\r\nTo: alice@example.com\r\nSubject: Fwd: Alternative\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="fwd"\r\n\r\n',
    ],
    [{ part: [1], kind: 'full' }, 'Forwarding this.\r\n'],
    [{ part: [1], kind: 'mime' }, 'Content-Type: text/plain\r\n\r\n'],
    [
      { part: [2], kind: 'mime' },
      'Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename="original.eml"\r\n\r\n',
    ],
    [
      { part: [2], kind: 'header' },
      'From: =?ISO-8859-1?Q?Andr=E9?= <andre@example.com>\r\nSubject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=\r\nDate: Sun, 1 Mar 2026 18:00:00 -0500\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="orig"\r\n\r\n',
    ],
    [
      { part: [2], kind: 'header.fields', fields: ['subject', 'FROM', 'x-none'] },
      'From: =?ISO-8859-1?Q?Andr=E9?= <andre@example.com>\r\nSubject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=\r\n\r\n',
    ],
    [
      { part: [2], kind: 'header.fields.not', fields: ['subject', 'FROM', 'content-type', 'mime-version'] },
      'Date: Sun, 1 Mar 2026 18:00:00 -0500\r\n\r\n',
    ],
    [{ part: [], kind: 'header.fields', fields: ['x-none'] }, '\r\n'],
    [{ part: [2, 1], kind: 'full' }, 'Gr\xfc\xdfe'],
    [{ part: [2, 2], kind: 'mime' }, 'Content-Type: text/html; charset=iso-8859-1\r\n\r\n'],
    [{ part: [1], kind: 'header' }, undefined],
    [{ part: [1], kind: 'text' }, undefined],
    [{ part: [3], kind: 'full' }, undefined],
    [{ part: [], kind: 'mime' }, undefined],
  ])('%j', (section, expected) => {
    expect(text(section)).toBe(expected);
  });

  it('cuts partial ranges and returns nothing past the end', () => {
    expect(text({ part: [1], kind: 'full' }, { start: 4, length: 6 })).toBe('arding');
    expect(text({ part: [1], kind: 'full' }, { start: 12, length: 100 })).toBe('his.\r\n');
    expect(text({ part: [1], kind: 'full' }, { start: 18, length: 1 })).toBe('');
    expect(text({ part: [], kind: 'full' }, { start: 0, length: 5 })).toBe('From:');
  });

  it('gives the message text of TEXT and RFC822.SIZE of BODY[]', () => {
    const raw = CORPUS.PLAIN;
    expect(bytesToLatin1(sectionBytes(raw, { part: [], kind: 'text' })!)).toBe(
      'Shall we have lunch at noon?\r\nAlice\r\n',
    );
    expect(bytesToLatin1(sectionBytes(raw, { part: [1], kind: 'full' })!)).toBe(
      'Shall we have lunch at noon?\r\nAlice\r\n',
    );
    expect(messageSize(raw)).toBe(sectionBytes(raw, { part: [], kind: 'full' })!.length);
  });
});

describe('BINARY (RFC 3516)', () => {
  it('decodes base64 and quoted-printable parts', () => {
    const pdf = binarySection(CORPUS.MIXED_PDF, [2]);
    expect(pdf.ok && bytesToLatin1(pdf.bytes)).toBe('%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n');
    const qp = binarySection(CORPUS.ALTERNATIVE, [1], { start: 0, length: 5 });
    expect(qp.ok && bytesToLatin1(qp.bytes)).toBe('Caf\xc3\xa9');
    expect(binarySize(CORPUS.ALTERNATIVE, [1])).toBe(14);
  });

  it('sends composite parts as they are and reports unknown encodings and parts', () => {
    const fwd = binarySection(CORPUS.FORWARD, [2]);
    expect(fwd.ok && fwd.bytes.length).toBe(398);
    const raw = crlf('MIME-Version: 1.0', 'Content-Transfer-Encoding: x-uuencode', '', 'begin 644 x');
    expect(binarySection(raw, [1])).toEqual({ ok: false, reason: 'unknown-cte' });
    expect(binarySection(raw, [2])).toEqual({ ok: false, reason: 'no-such-part' });
    expect(binarySize(raw, [1])).toBeUndefined();
  });
});
