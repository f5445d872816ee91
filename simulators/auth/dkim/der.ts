/**
 * The little DER (ITU-T X.690) that DKIM keys need: reading RSA public keys
 * in either SubjectPublicKeyInfo (RFC 5280 §4.1) or bare RSAPublicKey
 * (RFC 8017 §A.1.1) shape, wrapping raw Ed25519 keys (RFC 8410 §4) and PKCS#1
 * private keys into the SPKI / PKCS#8 (RFC 5208) forms WebCrypto imports.
 */
import { concatBytes } from '../../core/bytes.ts';

/** One TLV: tag, content range, and the offset just past it. */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

/** Reads the TLV at `offset` (definite lengths only, as DER requires), or undefined if malformed. */
export function readTlv(bytes: Uint8Array, offset: number, limit = bytes.length): Tlv | undefined {
  const tag = bytes[offset];
  let lengthByte = bytes[offset + 1];
  if (tag === undefined || lengthByte === undefined || offset + 2 > limit) return undefined;
  let pos = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 4) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) {
      lengthByte = bytes[pos++];
      if (lengthByte === undefined) return undefined;
      length = length * 256 + lengthByte;
    }
  }
  const end = pos + length;
  if (end > limit) return undefined;
  return { tag, start: pos, end };
}

/** Reads the children of a constructed TLV, or undefined if they do not tile it exactly. */
export function readChildren(bytes: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const children: Tlv[] = [];
  let pos = parent.start;
  while (pos < parent.end) {
    const child = readTlv(bytes, pos, parent.end);
    if (!child) return undefined;
    children.push(child);
    pos = child.end;
  }
  return children;
}

/** Encodes a TLV. */
export function encodeTlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  let header: number[];
  if (n < 0x80) header = [tag, n];
  else if (n < 0x100) header = [tag, 0x81, n];
  else if (n < 0x10000) header = [tag, 0x82, n >> 8, n & 0xff];
  else header = [tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return concatBytes([Uint8Array.from(header), content]);
}

const RSA_ALGORITHM_ID = Uint8Array.from([
  0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
]);
const RSA_OID = RSA_ALGORITHM_ID.subarray(2, 13);
const ED25519_OID = Uint8Array.from([0x06, 0x03, 0x2b, 0x65, 0x70]);
/** SPKI prefix of a 32-byte Ed25519 public key (RFC 8410 §4). */
export const ED25519_SPKI_PREFIX = Uint8Array.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);
/** PKCS#8 prefix of a 32-byte Ed25519 seed (RFC 8410 §7). */
export const ED25519_PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

/** Wraps a raw 32-byte Ed25519 public key into SPKI. */
export function ed25519Spki(raw: Uint8Array): Uint8Array {
  return concatBytes([ED25519_SPKI_PREFIX, raw]);
}

/** The raw 32-byte key inside an Ed25519 SPKI, or undefined. */
export function ed25519RawFromSpki(spki: Uint8Array): Uint8Array | undefined {
  return spki.length === 44 && startsWith(spki, ED25519_SPKI_PREFIX) ? spki.slice(12) : undefined;
}

/** Wraps a 32-byte Ed25519 seed (RFC 8032 secret key) into PKCS#8. */
export function ed25519Pkcs8FromSeed(seed: Uint8Array): Uint8Array {
  return concatBytes([ED25519_PKCS8_PREFIX, seed]);
}

/** Wraps a PKCS#1 RSAPrivateKey into PKCS#8 PrivateKeyInfo. */
export function rsaPkcs8FromPkcs1(pkcs1: Uint8Array): Uint8Array {
  const version = Uint8Array.from([0x02, 0x01, 0x00]);
  return encodeTlv(0x30, concatBytes([version, RSA_ALGORITHM_ID, encodeTlv(0x04, pkcs1)]));
}

/** The key type of a PKCS#8 private key, from its algorithm OID. */
export function pkcs8KeyType(pkcs8: Uint8Array): 'rsa' | 'ed25519' | undefined {
  const top = readTlv(pkcs8, 0);
  if (!top || top.tag !== 0x30) return undefined;
  const children = readChildren(pkcs8, top);
  const algorithm = children?.[1];
  if (!algorithm || algorithm.tag !== 0x30) return undefined;
  if (startsWith(pkcs8, RSA_OID, algorithm.start)) return 'rsa';
  if (startsWith(pkcs8, ED25519_OID, algorithm.start)) return 'ed25519';
  return undefined;
}

/** An RSA public key read from a key record: SPKI for import, and the modulus size. */
export type RsaKeyInfo =
  | {
      readonly ok: true;
      readonly spki: Uint8Array;
      readonly bits: number;
      readonly shape: 'spki' | 'rsapublickey';
    }
  | { readonly ok: false; readonly reason: string };

function modulusBits(bytes: Uint8Array, n: Tlv): number {
  let i = n.start;
  while (i < n.end && bytes[i] === 0) i++;
  if (i === n.end) return 0;
  const first = bytes[i] ?? 0;
  return (n.end - i - 1) * 8 + (32 - Math.clz32(first));
}

function rsaPublicKeyBits(bytes: Uint8Array, seq: Tlv): number | undefined {
  if (seq.tag !== 0x30) return undefined;
  const parts = readChildren(bytes, seq);
  if (!parts || parts.length !== 2 || parts.some((p) => p.tag !== 0x02)) return undefined;
  const [n] = parts;
  return n ? modulusBits(bytes, n) : undefined;
}

/**
 * Reads an RSA public key as published in `p=`. RFC 6376 §3.6.1 says
 * "RSAPublicKey" but the examples and every signer publish SPKI; both shapes
 * are recognised by their DER structure, and RSAPublicKey is wrapped in SPKI.
 */
export function readRsaPublicKey(der: Uint8Array): RsaKeyInfo {
  const top = readTlv(der, 0);
  if (!top || top.tag !== 0x30 || top.end !== der.length)
    return { ok: false, reason: 'p= is not a DER structure' };
  const children = readChildren(der, top);
  if (!children) return { ok: false, reason: 'p= is not a DER structure' };
  const [first, second] = children;
  if (first?.tag === 0x02) {
    const bits = rsaPublicKeyBits(der, top);
    if (bits === undefined) return { ok: false, reason: 'p= is not an RSA public key' };
    const spki = rsaSpkiFromRsaPublicKey(der);
    return { ok: true, spki, bits, shape: 'rsapublickey' };
  }
  if (first?.tag !== 0x30 || second?.tag !== 0x03 || children.length !== 2) {
    return { ok: false, reason: 'p= is not a SubjectPublicKeyInfo' };
  }
  if (!startsWith(der, RSA_OID, first.start)) return { ok: false, reason: 'p= holds a key that is not RSA' };
  if (der[second.start] !== 0) return { ok: false, reason: 'p= has a malformed BIT STRING' };
  const inner = readTlv(der, second.start + 1, second.end);
  const bits = inner && inner.end === second.end ? rsaPublicKeyBits(der, inner) : undefined;
  if (bits === undefined) return { ok: false, reason: 'p= is not an RSA public key' };
  return { ok: true, spki: der, bits, shape: 'spki' };
}

/** Wraps a DER RSAPublicKey into SPKI. */
export function rsaSpkiFromRsaPublicKey(rsaPublicKey: Uint8Array): Uint8Array {
  return encodeTlv(
    0x30,
    concatBytes([RSA_ALGORITHM_ID, encodeTlv(0x03, concatBytes([new Uint8Array(1), rsaPublicKey]))]),
  );
}

/** DER INTEGER from big-endian unsigned bytes. */
function derUnsigned(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let content = bytes.subarray(i);
  if ((content[0] ?? 0) & 0x80) content = concatBytes([new Uint8Array(1), content]);
  return encodeTlv(0x02, content);
}

/** Builds an RSA SPKI from the modulus and exponent (big-endian unsigned). */
export function rsaSpkiFromComponents(modulus: Uint8Array, exponent: Uint8Array): Uint8Array {
  return rsaSpkiFromRsaPublicKey(encodeTlv(0x30, concatBytes([derUnsigned(modulus), derUnsigned(exponent)])));
}
