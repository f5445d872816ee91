/**
 * A {@link DkimCrypto} over WebCrypto. The engine never touches the global
 * `crypto`: the caller passes `crypto.subtle` in (typed here by the few
 * methods used, since the engine compiles against ES2023 only).
 */
import { base64Decode, bytesToLatin1 } from '../../core/bytes.ts';
import { sha256 } from '../sha256.ts';
import { ed25519Spki, rsaSpkiFromComponents } from './der.ts';
import type { DkimCrypto, DkimCryptoOp, DkimKeyType, DkimResponse } from './types.ts';

/** The subset of WebCrypto's `SubtleCrypto` this module calls. */
export interface SubtleLike {
  digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer>;
  importKey(
    format: 'spki' | 'pkcs8',
    keyData: Uint8Array,
    algorithm: { name: string; hash?: string },
    extractable: boolean,
    usages: ('sign' | 'verify')[],
  ): Promise<unknown>;
  exportKey(format: 'jwk', key: never): Promise<{ kty?: string; n?: string; e?: string; x?: string }>;
  sign(algorithm: { name: string }, key: never, data: Uint8Array): Promise<ArrayBuffer>;
  verify(algorithm: { name: string }, key: never, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}

function algorithmFor(keyType: DkimKeyType): { name: string; hash?: string } {
  return keyType === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'Ed25519' };
}

function base64UrlDecode(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = base64Decode(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  if (!bytes) throw new Error('malformed JWK member');
  return bytes;
}

/** Up to this many octets, SHA-256 runs in JavaScript rather than as a platform job. */
const SMALL_DIGEST = 64 * 1024;

/** Imported keys kept per provider, so repeated signing or verifying skips the DER parse. */
const KEY_CACHE_SIZE = 64;

/** Builds a {@link DkimCrypto} from a WebCrypto `SubtleCrypto` (tests pass `globalThis.crypto.subtle`). */
export function webCryptoDkim(subtle: SubtleLike): DkimCrypto {
  const cache = new Map<string, Promise<never>>();
  const importKey = (
    format: 'spki' | 'pkcs8',
    keyType: DkimKeyType,
    data: Uint8Array,
    extractable = false,
  ): Promise<never> => {
    // The octets themselves, one character each, are the cheapest exact key.
    const id = `${format}:${keyType}:${extractable}:${bytesToLatin1(data)}`;
    let key = cache.get(id);
    if (!key) {
      key = subtle.importKey(format, data, algorithmFor(keyType), extractable, [
        format === 'spki' ? 'verify' : 'sign',
      ]) as Promise<never>;
      key.catch(() => cache.delete(id));
      if (cache.size >= KEY_CACHE_SIZE) cache.delete(cache.keys().next().value ?? '');
      cache.set(id, key);
    }
    return key;
  };
  return {
    async sha256(data) {
      // Small inputs hash faster here than a round trip to the platform (see auth/sha256.ts).
      if (data.length <= SMALL_DIGEST) return sha256(data);
      return new Uint8Array(await subtle.digest('SHA-256', data));
    },
    async verify(keyType, spki, signature, data) {
      const key = await importKey('spki', keyType, spki);
      return subtle.verify(algorithmFor(keyType), key, signature, data);
    },
    async sign(keyType, pkcs8, data) {
      const key = await importKey('pkcs8', keyType, pkcs8);
      return new Uint8Array(await subtle.sign(algorithmFor(keyType), key, data));
    },
    async publicKey(keyType, pkcs8) {
      const jwk = await subtle.exportKey('jwk', await importKey('pkcs8', keyType, pkcs8, true));
      if (keyType === 'ed25519') return ed25519Spki(base64UrlDecode(jwk.x ?? ''));
      return rsaSpkiFromComponents(base64UrlDecode(jwk.n ?? ''), base64UrlDecode(jwk.e ?? ''));
    },
  };
}

/** Performs one crypto op, turning a provider exception into a `crypto-error` response. */
export async function performCryptoOp(crypto: DkimCrypto, op: DkimCryptoOp): Promise<DkimResponse> {
  try {
    switch (op.op) {
      case 'sha256':
        return { kind: 'bytes', bytes: await crypto.sha256(op.data) };
      case 'verify':
        return { kind: 'verified', ok: await crypto.verify(op.keyType, op.spki, op.signature, op.data) };
      case 'sign':
        return { kind: 'bytes', bytes: await crypto.sign(op.keyType, op.pkcs8, op.data) };
      case 'public-key':
        return { kind: 'bytes', bytes: await crypto.publicKey(op.keyType, op.pkcs8) };
    }
  } catch (error) {
    return { kind: 'crypto-error', message: error instanceof Error ? error.message : String(error) };
  }
}
