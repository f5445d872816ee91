/**
 * Key material helpers: PEM (RFC 7468) to DER, private keys to PKCS#8 (from
 * PKCS#8 PEM, PKCS#1 "RSA PRIVATE KEY" PEM, or a base64 Ed25519 seed as RFC
 * 8463 Appendix A prints it), and the DNS key record for a public key.
 */
import { base64Decode, base64Encode } from '../../core/bytes.ts';
import { ed25519Pkcs8FromSeed, ed25519RawFromSpki, rsaPkcs8FromPkcs1 } from './der.ts';
import { cryptoBytes, type DkimGenerator, type DkimKeyType } from './types.ts';

/** One PEM block. */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

/** Reads the first PEM block of `text`, or undefined. */
export function readPem(text: string): PemBlock | undefined {
  const match = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!match) return undefined;
  const der = base64Decode(match[2] ?? '', true);
  return der ? { label: match[1] ?? '', der } : undefined;
}

/**
 * A private key as PKCS#8 DER, from "PRIVATE KEY" or "RSA PRIVATE KEY" PEM,
 * or from a bare base64 32-octet Ed25519 seed. Undefined if unrecognised.
 */
export function privateKeyPkcs8(text: string): Uint8Array | undefined {
  const pem = readPem(text);
  if (pem?.label === 'PRIVATE KEY') return pem.der;
  if (pem?.label === 'RSA PRIVATE KEY') return rsaPkcs8FromPkcs1(pem.der);
  if (pem) return undefined;
  const seed = base64Decode(text.trim(), true);
  return seed?.length === 32 ? ed25519Pkcs8FromSeed(seed) : undefined;
}

/** Derives the SPKI public key of a PKCS#8 private key (through the crypto effect). */
export function* derivePublicKey(pkcs8: Uint8Array, keyType: DkimKeyType): DkimGenerator<Uint8Array> {
  const spki = yield* cryptoBytes({ op: 'public-key', keyType, pkcs8 });
  if (typeof spki === 'string') throw new Error(`DKIM: cannot derive the public key: ${spki}`);
  return spki;
}

/** Maximum length of one TXT character-string (RFC 1035 §3.3). */
const TXT_STRING_MAX = 255;

/**
 * The key record for a public key (SPKI), as TXT character-strings of at most
 * 255 octets: `v=DKIM1; k=rsa; p=<SPKI>` or `v=DKIM1; k=ed25519; p=<raw 32>`
 * (RFC 6376 §3.6.1, RFC 8463 §4.2).
 */
export function keyRecordFor(spki: Uint8Array, keyType: DkimKeyType): string[] {
  const material = keyType === 'ed25519' ? ed25519RawFromSpki(spki) : spki;
  if (!material) throw new Error('DKIM: not an Ed25519 SPKI');
  const text = `v=DKIM1; k=${keyType}; p=${base64Encode(material)}`;
  const strings: string[] = [];
  for (let i = 0; i < text.length; i += TXT_STRING_MAX) strings.push(text.slice(i, i + TXT_STRING_MAX));
  return strings;
}
