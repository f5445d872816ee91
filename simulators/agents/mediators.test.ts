import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import { listBounceAddress, listCopy, type MailingList } from './mediators.ts';

const MESSAGE = [
  'Received: from smtp.example.com by lists.example.org; Sun, 29 Nov 2026 09:00:01 +0000',
  'DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=rsa2026;',
  '\th=from:to:subject; bh=abc; b=def',
  'From: Alice <alice@example.com>',
  'To: club@lists.example.org',
  'Subject: Meeting moves',
  '',
  'Same time, same room.',
  '',
].join('\r\n');

const LIST: MailingList = { address: 'Club@lists.example.org', members: ['bob@example.net'] };

describe('mailing list copies (RFC 5321 §3.9.2, RFC 2369, RFC 2919)', () => {
  it('sends from the list’s bounce address', () => {
    expect(listBounceAddress(LIST)).toBe('club-bounces@lists.example.org');
  });

  it('keeps the author’s header and body, and appends the list fields', () => {
    expect(bytesToLatin1(listCopy(LIST, latin1Bytes(MESSAGE)))).toBe(
      MESSAGE.replace(
        '\r\n\r\nSame',
        '\r\nList-Id: <Club.lists.example.org>\r\nList-Post: <mailto:Club@lists.example.org>\r\n' +
          'List-Unsubscribe: <mailto:Club-leave@lists.example.org>\r\nPrecedence: list\r\n\r\nSame',
      ),
    );
  });

  it('appends the footer to the body, tags the Subject once, and rewrites From with the author in Reply-To (RFC 7960 §4.1.3)', () => {
    const list = { ...LIST, footer: '-- \nthe club', subjectTag: '[club]', rewriteFrom: true };
    const copy = bytesToLatin1(
      listCopy(list, latin1Bytes(MESSAGE.replace('Subject: ', 'Subject: Re: [club] '))),
    );
    const [header, body] = copy.split('\r\n\r\n');
    expect(header!.split('\r\n').filter((l) => /^(From|Reply-To|Subject):/.test(l))).toEqual([
      'From: "Alice via Club" <Club@lists.example.org>',
      'Subject: Re: [club] Meeting moves',
      'Reply-To: Alice <alice@example.com>',
    ]);
    expect(body).toBe('Same time, same room.\r\n-- \r\nthe club\r\n');
    // A message with no body gets the footer alone.
    const bare = bytesToLatin1(listCopy(list, latin1Bytes('From: a@x\r\nSubject: hi\r\n\r\n')));
    expect(bare.slice(bare.indexOf('\r\n\r\n') + 4)).toBe('-- \r\nthe club\r\n');
  });

  it('keeps the author’s body octets ahead of the footer, whatever the body (property)', () => {
    const line = fc.stringMatching(/^[\x20-\x7e\x80-\xff]{0,30}$/);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 6 }), (lines) => {
        const body = lines.map((l) => `${l}\r\n`).join('');
        const copy = bytesToLatin1(
          listCopy({ ...LIST, footer: 'F' }, latin1Bytes(`From: a@x\r\nSubject: s\r\n\r\n${body}`)),
        );
        expect(copy.slice(copy.indexOf('\r\n\r\n') + 4)).toBe(`${body}F\r\n`);
      }),
    );
  });
});
