import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Encode, bytesToLatin1, latin1Bytes } from '../../core/bytes.ts';
import { readHeaderSection } from '../../mime/header-section.ts';
import {
  canonicalizeBody,
  canonicalizeHeaderField,
  hashedView,
  headerHashText,
  limitBody,
  selectHeaderFields,
  stripSignatureValue,
} from './canonicalize.ts';
import { crypto } from './testing/harness.ts';

// RFC 6376 §3.4.5, verbatim (<SP> = " ", <HTAB> = "\t", <CRLF> = "\r\n").
const EXAMPLE_HEADERS = ['A: X\r\n', 'B : Y\t\r\n\tZ  \r\n'];
const EXAMPLE_BODY = ' C \r\nD \t E\r\n\r\n\r\n';

describe('RFC 6376 §3.4.5 example', () => {
  it('relaxed header', () => {
    expect(EXAMPLE_HEADERS.map((h) => canonicalizeHeaderField(h, 'relaxed'))).toEqual([
      'a:X\r\n',
      'b:Y Z\r\n',
    ]);
  });
  it('relaxed body', () => {
    expect(bytesToLatin1(canonicalizeBody(latin1Bytes(EXAMPLE_BODY), 'relaxed'))).toBe(' C\r\nD E\r\n');
  });
  it('simple header', () => {
    expect(EXAMPLE_HEADERS.map((h) => canonicalizeHeaderField(h, 'simple'))).toEqual(EXAMPLE_HEADERS);
  });
  it('simple body', () => {
    expect(bytesToLatin1(canonicalizeBody(latin1Bytes(EXAMPLE_BODY), 'simple'))).toBe(' C \r\nD \t E\r\n');
  });
});

describe('body canonicalization edge cases', () => {
  const rows: [string, string, string][] = [
    // [body, simple, relaxed]
    ['', '\r\n', ''],
    ['\r\n', '\r\n', ''],
    ['\r\n\r\n', '\r\n', ''],
    [' \r\n\t\r\n', ' \r\n\t\r\n', ''],
    ['abc', 'abc\r\n', 'abc\r\n'],
    ['abc  ', 'abc  \r\n', 'abc\r\n'],
    ['a\r\n\r\nb', 'a\r\n\r\nb\r\n', 'a\r\n\r\nb\r\n'],
    ['a\r\r\n', 'a\r\r\n', 'a\r\r\n'],
    ['a\nb \n', 'a\nb \n\r\n', 'a\nb \n\r\n'],
    ['  lead', '  lead\r\n', ' lead\r\n'],
  ];
  it.each(rows)('%j', (body, simple, relaxed) => {
    expect(bytesToLatin1(canonicalizeBody(latin1Bytes(body), 'simple'))).toBe(simple);
    expect(bytesToLatin1(canonicalizeBody(latin1Bytes(body), 'relaxed'))).toBe(relaxed);
  });
  it('empty body hashes match RFC 4871 errata 1376/1384', async () => {
    const simple = base64Encode(await crypto.sha256(canonicalizeBody(new Uint8Array(), 'simple')));
    const relaxed = base64Encode(await crypto.sha256(canonicalizeBody(new Uint8Array(), 'relaxed')));
    expect(simple).toBe('frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=');
    expect(relaxed).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });
  it('l= cuts the canonicalized body', () => {
    const body = canonicalizeBody(latin1Bytes('hello\r\nworld\r\n'), 'simple');
    expect(bytesToLatin1(limitBody(body, 5))).toBe('hello');
    expect(limitBody(body, 1000)).toBe(body);
    expect(limitBody(body, undefined)).toBe(body);
  });
});

describe('header selection (§5.4.2)', () => {
  const msg = latin1Bytes('Received: 1\r\nFrom: a\r\nX: top\r\nTo: b\r\nX: bottom\r\n\r\nbody');
  const { fields } = readHeaderSection(msg);
  it('takes repeated fields from the bottom up', () => {
    expect(selectHeaderFields(fields, ['x', 'X', 'x']).map((f) => f?.value)).toEqual([
      'bottom',
      'top',
      undefined,
    ]);
  });
  it('over-signing selects nothing for the extra name', () => {
    expect(selectHeaderFields(fields, ['from', 'from']).map((f) => f?.value)).toEqual(['a', undefined]);
  });
  it('hashes the null string for a missing field', () => {
    const sig = 'DKIM-Signature: a=1; b=abc\r\n';
    expect(headerHashText(msg, fields, ['from', 'from', 'subject'], 'relaxed', sig)).toBe(
      'from:a\r\ndkim-signature:a=1; b=',
    );
  });
});

describe('b= removal (§3.7)', () => {
  it.each([
    ['DKIM-Signature: a=1; b=abc; bh=x\r\n', 'DKIM-Signature: a=1; b=; bh=x\r\n'],
    ['DKIM-Signature: a=1; bh=xyz=;\r\n b=ab\r\n cd\r\n', 'DKIM-Signature: a=1; bh=xyz=;\r\n b=\r\n'],
    ['DKIM-Signature: b = ab ;a=1\r\n', 'DKIM-Signature: b =;a=1\r\n'],
    ['DKIM-Signature: a=1; bh=abc\r\n', 'DKIM-Signature: a=1; bh=abc\r\n'],
  ])('%j', (raw, stripped) => {
    expect(stripSignatureValue(raw)).toBe(stripped);
  });
});

describe('never throws', () => {
  it('on random bodies and header fields', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 200 }), (body, header) => {
        for (const canon of ['simple', 'relaxed'] as const) {
          canonicalizeBody(body, canon);
          canonicalizeHeaderField(`X:${header}`, canon);
          stripSignatureValue(`DKIM-Signature:${header}`);
          const { fields } = readHeaderSection(body);
          headerHashText(body, fields, ['from', 'x'], canon, `DKIM-Signature:${header}`);
        }
      }),
    );
  });
  it('relaxed body canonicalization is idempotent and never ends in blank lines', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', ' ', '\t', '\r\n', '\r', '\n', 'b')), (parts) => {
        const once = canonicalizeBody(latin1Bytes(parts.join('')), 'relaxed');
        expect(canonicalizeBody(once, 'relaxed')).toEqual(once);
        expect(bytesToLatin1(once)).not.toMatch(/\r\n\r\n$|[ \t]\r\n/);
      }),
    );
  });
});

describe('what was hashed', () => {
  it('shows canonical text and cuts long bodies', () => {
    const view = hashedView('from:a\r\n', latin1Bytes('x'.repeat(100)), 100, 10);
    expect(view.canonicalHeaders).toBe('from:a\r\n');
    expect(view.canonicalBody).toBe('x'.repeat(10));
    expect(view.truncated).toBe(true);
  });
});
