import { describe, expect, it } from 'vitest';
import { bytesToLatin1 } from '../../core/bytes.ts';
import { readHeaderSection } from '../../mime/header-section.ts';
import { ed25519Pkcs8FromSeed } from './der.ts';
import { privateKeyPkcs8, readPem } from './pem.ts';
import { defaultSignedHeaders, DkimSignError, signDkim } from './sign.ts';
import { ed25519Key, message, rsaKey, run, ED25519_SEED } from './testing/harness.ts';
import { base64Decode } from '../../core/bytes.ts';

const MSG = message(
  'From: a@example.com',
  'To: b@example.org',
  'To: c@example.org',
  'Subject: x',
  'Received: y',
  '',
  'hi',
  '',
);

describe('signDkim', () => {
  it('is deterministic and prepends the field', async () => {
    const key = await ed25519Key();
    const options = {
      domain: 'example.com',
      selector: 's',
      privateKeyPkcs8: key.pkcs8,
      algorithm: 'ed25519-sha256',
      timestamp: 1700000000,
    } as const;
    const a = await run(signDkim(MSG, options));
    const b = await run(signDkim(MSG, options));
    expect(a).toEqual(b);
    const text = bytesToLatin1(a);
    expect(
      text.startsWith('DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; s=s;'),
    ).toBe(true);
    expect(text).toContain('h=from:subject:to:to:from;');
    expect(text.endsWith(bytesToLatin1(MSG))).toBe(true);
  });

  it('default h= lists present recommended fields once per instance, then from again', () => {
    expect(defaultSignedHeaders(readHeaderSection(MSG).fields)).toEqual([
      'from',
      'subject',
      'to',
      'to',
      'from',
    ]);
  });

  it('refuses what cannot be signed', async () => {
    const ed = await ed25519Key();
    const rsa = await rsaKey(1024);
    const base = {
      domain: 'example.com',
      selector: 's',
      privateKeyPkcs8: ed.pkcs8,
      algorithm: 'ed25519-sha256',
    } as const;
    const cases: [Uint8Array, object, string][] = [
      [message('To: b@example.org', '', 'x'), {}, 'no From field'],
      [MSG, { headers: ['to'] }, 'must include From'],
      [MSG, { identity: 'a@example.net' }, 'i= must be in d='],
      [MSG, { timestamp: 10, expiration: 5 }, 'x= must not be before t='],
      [MSG, { bodyLength: 99 }, 'outside the canonicalized body'],
      [MSG, { privateKeyPkcs8: rsa.pkcs8 }, 'needs an ed25519 key'],
    ];
    for (const [m, extra, reason] of cases) {
      await expect(run(signDkim(m, { ...base, ...extra }))).rejects.toThrow(reason);
      await expect(run(signDkim(m, { ...base, ...extra }))).rejects.toBeInstanceOf(DkimSignError);
    }
  });
});

describe('pem helpers', () => {
  it('reads PKCS#8 and PKCS#1 PEM and base64 seeds', () => {
    expect(privateKeyPkcs8(ED25519_SEED)).toEqual(ed25519Pkcs8FromSeed(base64Decode(ED25519_SEED)!));
    const pkcs1 = '-----BEGIN RSA PRIVATE KEY-----\nMAMCAQA=\n-----END RSA PRIVATE KEY-----\n';
    expect(readPem(pkcs1)?.label).toBe('RSA PRIVATE KEY');
    expect(privateKeyPkcs8(pkcs1)?.[0]).toBe(0x30);
    expect(privateKeyPkcs8('-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----')).toEqual(
      Uint8Array.from([0x30, 3, 2, 1, 0]),
    );
    expect(
      privateKeyPkcs8('-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----'),
    ).toBeUndefined();
    expect(privateKeyPkcs8('not a key')).toBeUndefined();
  });
});
