import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode } from '../../core/bytes.ts';
import { readRsaPublicKey, readTlv } from './der.ts';
import { checkKeyForSignature, parseKeyRecord } from './key-record.ts';
import { keyRecordFor } from './pem.ts';
import { ed25519Key, rsaKey } from './testing/harness.ts';

// RFC 8463 Appendix A.2 / dkimpy test.txt: an RSA-1024 SPKI.
const RSA1024 =
  'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB';
const ED = '11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=';
const rsaSig = { keyType: 'rsa', identity: '@example.com', domain: 'example.com' } as const;

describe('parseKeyRecord (§3.6.1)', () => {
  it('reads RSA SPKI records, with defaults and unknown tags ignored', () => {
    const parsed = parseKeyRecord(`v=DKIM1; g=*; p=${RSA1024}; future=1`);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.key).toMatchObject({
      keyType: 'rsa',
      bits: 1024,
      services: ['*'],
      testing: false,
      strict: false,
    });
    expect(parsed.key.warnings.join()).toContain('recommends at least 2048');
    expect(checkKeyForSignature(parsed.key, rsaSig)).toBeUndefined();
  });
  it('reads the legacy RSAPublicKey shape', () => {
    const spki = base64Decode(RSA1024)!;
    const bitString = readTlv(spki, 0)!;
    const inner = spki.subarray(bitString.end - 140);
    expect(readRsaPublicKey(inner)).toMatchObject({ ok: true, bits: 1024, shape: 'rsapublickey' });
    const parsed = parseKeyRecord(`k=rsa; p=${base64Encode(inner)}`);
    expect(parsed.ok && parsed.key.spki).toEqual(spki);
  });
  it('reads a raw Ed25519 key (RFC 8463 §4.2)', () => {
    const parsed = parseKeyRecord(`v=DKIM1; k=ed25519; p=${ED}`);
    expect(parsed.ok && parsed.key.spki?.length).toBe(44);
  });
  it('flags t=y and t=s and h=, s=', () => {
    const parsed = parseKeyRecord(`v=DKIM1; t=y:s; h=sha1:sha256; s=email; n=hello; p=${RSA1024}`);
    expect(parsed.ok && parsed.key).toMatchObject({
      testing: true,
      strict: true,
      hashes: ['sha1', 'sha256'],
      services: ['email'],
      notes: 'hello',
    });
  });

  const bad: [string, string][] = [
    [`v=DKIM1: g=*; k=rsa; p=${RSA1024}`, 'is not DKIM1'],
    [`k=rsa; v=DKIM1; p=${RSA1024}`, 'must be the first tag'],
    [`v=DKIM1; k=ed25519-sha256; p=${RSA1024}`, 'unknown key type'],
    ['v=DKIM1; k=rsa', 'no p= tag'],
    ['v=DKIM1; p=not*base64', 'not valid base64'],
    ['v=DKIM1; p=AAAA', 'not a DER structure'],
    [`v=DKIM1; k=ed25519; p=${RSA1024}`, 'must be 32 octets'],
    [`v=DKIM1; k=rsa; p=MCowBQYDK2VwAyEA${'A'.repeat(43)}=`, 'not RSA'],
    [`v=DKIM1; p=${RSA1024}; p=${RSA1024}`, 'more than once'],
  ];
  it.each(bad)('%s → %s', (text, reason) => {
    const parsed = parseKeyRecord(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  const unusable: [string, object, string][] = [
    ['v=DKIM1; p=', rsaSig, 'key revoked'],
    [`v=DKIM1; h=sha1; p=${RSA1024}`, rsaSig, 'inappropriate hash algorithm'],
    [`v=DKIM1; k=ed25519; p=${ED}`, rsaSig, 'inappropriate key algorithm'],
    [`v=DKIM1; s=tlsrpt; p=${RSA1024}`, rsaSig, 'not for email'],
    [`v=DKIM1; t=s; p=${RSA1024}`, { ...rsaSig, identity: 'a@sub.example.com' }, 't=s'],
  ];
  it.each(unusable)('%s is unusable: %s', (text, sig, reason) => {
    const parsed = parseKeyRecord(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(checkKeyForSignature(parsed.key, sig as typeof rsaSig)).toContain(reason);
  });

  it('rejects RSA keys under 1024 bits and warns under 2048', async () => {
    const small = await rsaKey(512);
    const parsed = parseKeyRecord(small.record.join(''));
    expect(parsed.ok && checkKeyForSignature(parsed.key, rsaSig)).toContain('below the 1024-bit minimum');
    const big = await rsaKey(2048);
    const ok = parseKeyRecord(big.record.join(''));
    expect(ok.ok && ok.key.warnings).toEqual([]);
  });

  it('keyRecordFor splits into ≤255-octet strings and round-trips', async () => {
    const rsa = await rsaKey(2048);
    expect(rsa.record.length).toBeGreaterThan(1);
    for (const s of rsa.record) expect(s.length).toBeLessThanOrEqual(255);
    const parsed = parseKeyRecord(rsa.record.join(''));
    expect(parsed.ok && parsed.key.bits).toBe(2048);
    const ed = await ed25519Key();
    expect(ed.record).toEqual([`v=DKIM1; k=ed25519; p=${ED}`]);
    expect(() => keyRecordFor(rsa.spki, 'ed25519')).toThrow();
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), (text, der) => {
        parseKeyRecord(text);
        parseKeyRecord(`v=DKIM1; p=${base64Encode(der)}`);
        parseKeyRecord(`v=DKIM1; k=ed25519; ${text}`);
        readRsaPublicKey(der);
      }),
    );
  });
});
