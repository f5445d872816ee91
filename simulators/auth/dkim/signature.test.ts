import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendSignatureValue, formatSignatureField, parseSignature } from './signature.ts';
import { parseTagList } from './tag-list.ts';

const GOOD = 'v=1; a=rsa-sha256; c=relaxed/simple; d=example.com; s=sel; h=From:To; bh=AAAA; b=AAAA';

describe('tag lists (§3.2)', () => {
  it('keeps internal whitespace, trims FWS, allows a trailing ";"', () => {
    const list = parseTagList(' a = 1 2 ;\r\n b=\t; ');
    expect(list).toEqual({
      ok: true,
      tags: new Map([
        ['a', '1 2'],
        ['b', ''],
      ]),
      order: ['a', 'b'],
    });
  });
  it.each([
    ['a=1; a=2', 'appears more than once'],
    ['a=1; junk', 'has no "="'],
    ['1a=1', 'not a valid tag name'],
    ['a=x\x01y', 'invalid characters'],
  ])('%j → %s', (text, reason) => {
    const list = parseTagList(text);
    expect(list.ok).toBe(false);
    if (!list.ok) expect(list.reason).toContain(reason);
  });
  it('tag names are case-sensitive', () => {
    const list = parseTagList('a=1; A=2');
    expect(list.ok && list.order).toEqual(['a', 'A']);
  });
});

describe('parseSignature', () => {
  it('reads a good signature with defaults', () => {
    const parsed = parseSignature(GOOD);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const s = parsed.signature;
    expect([s.algorithm, s.keyType, s.headerCanon, s.bodyCanon, s.identity]).toEqual([
      'rsa-sha256',
      'rsa',
      'relaxed',
      'simple',
      '@example.com',
    ]);
    expect(s.signedHeaders).toEqual(['From', 'To']);
    expect(parseSignature(GOOD.replace('c=relaxed/simple', 'c=relaxed')).ok && 'ok').toBe('ok');
    expect(
      parseSignature(`${GOOD}; future=tag; i=user@sub.example.com; l=10; t=5; x=5; z=From:a|To:b`).ok,
    ).toBe(true);
  });

  const rows: [string, string][] = [
    [GOOD.replace('v=1', 'v=2'), 'incompatible version'],
    [GOOD.replace('v=1; ', ''), 'missing required tag v='],
    [GOOD.replace(' s=sel;', ''), 'missing required tag s='],
    [GOOD.replace('; bh=AAAA', ''), 'missing required tag bh='],
    [GOOD.replace('a=rsa-sha256', 'a=rsa-sha1'), 'obsolete'],
    [GOOD.replace('a=rsa-sha256', 'a=hmac-sha256'), 'unsupported algorithm'],
    [GOOD.replace('b=AAAA', 'b=A*AA'), 'b= is not valid base64'],
    [GOOD.replace('bh=AAAA', 'bh=AAA'), 'bh= is not valid base64'],
    [GOOD.replace('relaxed/simple', 'relaxed/fancy'), 'unknown canonicalization'],
    [GOOD.replace('relaxed/simple', 'relaxed/simple/simple'), 'unknown canonicalization'],
    [GOOD.replace('h=From:To', 'h=To:Subject'), 'From field not signed'],
    [GOOD.replace('h=From:To', 'h=From::To'), 'h= has an empty'],
    [`${GOOD}; i=joe@example.net`, 'domain mismatch'],
    [`${GOOD}; i=joe@badexample.com`, 'domain mismatch'],
    [`${GOOD}; i=joe`, 'has no "@"'],
    [`${GOOD}; q=http`, 'unsupported query method'],
    [`${GOOD}; l=-1`, 'l= is not a decimal'],
    [`${GOOD}; t=1234567890123`, 't= is not a decimal'],
    [`${GOOD}; t=20; x=10`, 'x= is earlier than t='],
    [GOOD.replace('d=example.com', 'd=exa mple.com'), 'not a domain name'],
    [GOOD.replace('s=sel', 's=se/l'), 'not a valid selector'],
    [`${GOOD}; d=again.example`, 'appears more than once'],
  ];
  it.each(rows)('%s → %s', (value, reason) => {
    const parsed = parseSignature(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
  it('keeps hints for a rejected signature', () => {
    const parsed = parseSignature(GOOD.replace('v=1', 'v=9'));
    expect(!parsed.ok && parsed.hints).toEqual({
      domain: 'example.com',
      selector: 'sel',
      algorithm: 'rsa-sha256',
    });
  });
  it('q= may list several methods', () => {
    expect(parseSignature(`${GOOD}; q=dns/txt:other`).ok).toBe(true);
  });
  it('never throws on random input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        parseSignature(text);
        parseSignature(`${GOOD}; ${text}`);
      }),
    );
  });
});

describe('formatSignatureField', () => {
  const fields = {
    algorithm: 'ed25519-sha256',
    canonicalization: 'relaxed/relaxed',
    domain: 'football.example.com',
    selector: 'brisbane',
    headers: [
      'from',
      'to',
      'subject',
      'date',
      'message-id',
      'mime-version',
      'content-type',
      'list-unsubscribe',
      'from',
    ],
    bodyHash: '2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=',
    identity: '@football.example.com',
    timestamp: 1528637909,
    expiration: 1528999999,
  } as const;
  it('ends in an empty b= and folds before 78 columns', () => {
    const field = formatSignatureField(fields);
    expect(field.endsWith('b=')).toBe(true);
    for (const line of field.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    const full = appendSignatureValue(field, 'Q'.repeat(344));
    for (const line of full.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    const parsed = parseSignature(full.slice(full.indexOf(':') + 1).replace(/\r\n/g, ''));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.signature.signedHeaders).toEqual(fields.headers);
      expect(parsed.signature.expiration).toBe(1528999999);
    }
  });
});
