/**
 * The effects a DKIM evaluator yields (STYLE.md §S3): DNS TXT queries for
 * key records (RFC 6376 §3.6.2) and crypto operations (hashing, signing,
 * verifying). The evaluator is a synchronous generator; the driver performs
 * each request and resumes it with the matching response.
 */
import type { DnsAnswer, DnsQuery } from '../../dns/records.ts';

/** Key types a DKIM key record can name (RFC 6376 §3.6.1 `k=`, RFC 8463). */
export type DkimKeyType = 'rsa' | 'ed25519';

/** Signing algorithms this engine signs and verifies (`a=`; rsa-sha1 is obsolete, RFC 8301 §3.1). */
export type DkimAlgorithm = 'rsa-sha256' | 'ed25519-sha256';

/** A crypto operation. Keys are DER: SPKI for public keys, PKCS#8 for private keys. */
export type DkimCryptoOp =
  | { readonly op: 'sha256'; readonly data: Uint8Array }
  | {
      readonly op: 'verify';
      readonly keyType: DkimKeyType;
      readonly spki: Uint8Array;
      readonly signature: Uint8Array;
      readonly data: Uint8Array;
    }
  | {
      readonly op: 'sign';
      readonly keyType: DkimKeyType;
      readonly pkcs8: Uint8Array;
      readonly data: Uint8Array;
    }
  | { readonly op: 'public-key'; readonly keyType: DkimKeyType; readonly pkcs8: Uint8Array };

/** What an evaluator yields. */
export type DkimRequest =
  { readonly kind: 'dns'; readonly query: DnsQuery } | { readonly kind: 'crypto'; readonly op: DkimCryptoOp };

/**
 * What the driver resumes the evaluator with: the DNS answer, the bytes of a
 * digest / signature / public key (SPKI), a verification verdict, or a crypto
 * failure (a key the crypto provider would not import, for instance).
 */
export type DkimResponse =
  | { readonly kind: 'dns'; readonly answer: DnsAnswer }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'verified'; readonly ok: boolean }
  | { readonly kind: 'crypto-error'; readonly message: string };

/**
 * The crypto provider a driver uses. Implemented over WebCrypto by
 * {@link webCryptoDkim}; tests may substitute their own.
 */
export interface DkimCrypto {
  /** SHA-256 of `data`. */
  sha256(data: Uint8Array): Promise<Uint8Array>;
  /** Verifies `signature` over `data` (RSASSA-PKCS1-v1_5 with SHA-256, or pure Ed25519). */
  verify(keyType: DkimKeyType, spki: Uint8Array, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
  /** Signs `data` with a PKCS#8 private key. Both schemes are deterministic. */
  sign(keyType: DkimKeyType, pkcs8: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  /** The SPKI public key of a PKCS#8 private key. */
  publicKey(keyType: DkimKeyType, pkcs8: Uint8Array): Promise<Uint8Array>;
}

/** An evaluator: a generator over {@link DkimRequest}s returning `T`. */
export type DkimGenerator<T> = Generator<DkimRequest, T, DkimResponse>;

/** Yields one crypto op and returns its bytes (digest, signature, public key). */
export function* cryptoBytes(op: DkimCryptoOp): DkimGenerator<Uint8Array | string> {
  const response = yield { kind: 'crypto', op };
  if (response.kind === 'bytes') return response.bytes;
  if (response.kind === 'crypto-error') return response.message;
  throw new Error(`DKIM: expected bytes for ${op.op}, got ${response.kind}`);
}

/** Yields a SHA-256 request; a provider failure here is a programmer error. */
export function* sha256(data: Uint8Array): DkimGenerator<Uint8Array> {
  const result = yield* cryptoBytes({ op: 'sha256', data });
  if (typeof result === 'string') throw new Error(`DKIM: sha256 failed: ${result}`);
  return result;
}
