/**
 * Test helpers: keys, a resolver and a runner. Test-only; the Ed25519 seed is
 * the public RFC 8032 §7.1 TEST 1 key, the RSA key is generated per run.
 */
import { base64Decode, latin1Bytes } from '../../../core/bytes.ts';
import type { DnsAnswer, DnsQuery } from '../../../dns/records.ts';
import { ed25519Pkcs8FromSeed } from '../der.ts';
import { runDkim, txtResolver } from '../driver.ts';
import { derivePublicKey, keyRecordFor } from '../pem.ts';
import type { DkimGenerator, DkimKeyType } from '../types.ts';
import { hostCrypto } from './node-host.ts';

/** RFC 8032 §7.1 TEST 1 secret key (also RFC 8463 Appendix A's). */
export const ED25519_SEED = 'nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=';

/** A key pair and its TXT record. */
export interface TestKey {
  readonly keyType: DkimKeyType;
  readonly pkcs8: Uint8Array;
  readonly spki: Uint8Array;
  readonly record: string[];
}

export const crypto = hostCrypto();

/** Runs a generator against a name → TXT map (or a resolver). */
export function run<T>(
  gen: DkimGenerator<T>,
  dns: Record<string, string | string[]> | ((q: DnsQuery) => DnsAnswer) = {},
): Promise<T> {
  return runDkim(gen, { resolve: typeof dns === 'function' ? dns : txtResolver(dns), crypto });
}

async function keyFrom(keyType: DkimKeyType, pkcs8: Uint8Array): Promise<TestKey> {
  const spki = await run(derivePublicKey(pkcs8, keyType));
  return { keyType, pkcs8, spki, record: keyRecordFor(spki, keyType) };
}

/** The RFC 8032 Ed25519 test key. */
export function ed25519Key(): Promise<TestKey> {
  return keyFrom('ed25519', ed25519Pkcs8FromSeed(base64Decode(ED25519_SEED)!));
}

/** A fresh RSA key of `bits`. */
export async function rsaKey(bits = 2048): Promise<TestKey> {
  const subtle = (globalThis as unknown as { crypto: { subtle: RsaSubtle } }).crypto.subtle;
  const pair = await subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: bits,
      publicExponent: Uint8Array.from([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['sign', 'verify'],
  );
  return keyFrom('rsa', new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey)));
}

interface RsaSubtle {
  generateKey(
    algorithm: { name: string; modulusLength: number; publicExponent: Uint8Array; hash: string },
    extractable: boolean,
    usages: string[],
  ): Promise<{ privateKey: never }>;
  exportKey(format: 'pkcs8', key: never): Promise<ArrayBuffer>;
}

/** A message from lines joined by CRLF. */
export function message(...lines: string[]): Uint8Array {
  return latin1Bytes(lines.join('\r\n'));
}
