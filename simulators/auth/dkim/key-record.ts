/**
 * DKIM key records (RFC 6376 §3.6.1), the TXT data at
 * `selector._domainkey.domain`, and their checks against a signature
 * (§6.1.2). RSA keys are SPKI (or legacy RSAPublicKey); Ed25519 keys are the
 * raw 32 octets (RFC 8463 §4.2), wrapped into SPKI for import.
 */
import { base64Decode } from '../../core/bytes.ts';
import { ed25519Spki, readRsaPublicKey } from './der.ts';
import { parseTagList, stripFws } from './tag-list.ts';
import type { DkimKeyType } from './types.ts';

/** Minimum RSA modulus accepted (RFC 8301 §3.2). */
export const MIN_RSA_BITS = 1024;
/** Below this, a warning (RFC 8301 §3.2: signers SHOULD use at least 2048). */
export const RECOMMENDED_RSA_BITS = 2048;

/** A parsed key record. */
export interface DkimKeyRecord {
  readonly keyType: DkimKeyType;
  /** SPKI DER ready for import; undefined when `p=` is empty (revoked). */
  readonly spki?: Uint8Array;
  /** RSA modulus size, or 256 for Ed25519. */
  readonly bits?: number;
  /** `h=`: acceptable hashes; undefined means all. */
  readonly hashes?: readonly string[];
  /** `s=`: service types (default `*`). */
  readonly services: readonly string[];
  /** `t=y`: the domain is testing DKIM. */
  readonly testing: boolean;
  /** `t=s`: i= must not be a subdomain of d=. */
  readonly strict: boolean;
  readonly notes?: string;
  readonly warnings: readonly string[];
}

/** Parse outcome: a syntax error is a PERMFAIL for the signature (§6.1.2 step 6). */
export type KeyRecordParse =
  { readonly ok: true; readonly key: DkimKeyRecord } | { readonly ok: false; readonly reason: string };

const split = (value: string): string[] =>
  value
    .split(':')
    .map((v) => v.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ''))
    .filter((v) => v !== '');

/** Parses a key record (TXT strings already joined, §3.6.2.2). Unknown tags are ignored. */
export function parseKeyRecord(text: string): KeyRecordParse {
  const list = parseTagList(text);
  if (!list.ok) return { ok: false, reason: `key record syntax error: ${list.reason}` };
  const { tags, order } = list;
  const fail = (reason: string): KeyRecordParse => ({ ok: false, reason });
  const v = tags.get('v');
  if (v !== undefined) {
    if (v !== 'DKIM1') return fail(`key record v=${v} is not DKIM1 (RFC 6376 §3.6.1)`);
    if (order[0] !== 'v') return fail('v= must be the first tag of the key record (RFC 6376 §3.6.1)');
  }
  const k = tags.get('k') ?? 'rsa';
  if (k !== 'rsa' && k !== 'ed25519') return fail(`unknown key type k=${k} (RFC 6376 §3.6.1; RFC 8463)`);
  const p = tags.get('p');
  if (p === undefined) return fail('key record has no p= tag (RFC 6376 §3.6.1)');
  const t = split(tags.get('t') ?? '');
  const services = tags.has('s') ? split(tags.get('s') ?? '') : ['*'];
  const h = tags.get('h');
  const base = {
    keyType: k,
    services,
    testing: t.includes('y'),
    strict: t.includes('s'),
    ...(h !== undefined ? { hashes: split(h) } : {}),
    ...(tags.has('n') ? { notes: tags.get('n') ?? '' } : {}),
  } as const;
  const material = stripFws(p);
  if (material === '') return { ok: true, key: { ...base, warnings: [] } };
  const der = base64Decode(material, true);
  if (!der) return fail('p= is not valid base64 (RFC 6376 §3.6.1)');
  if (k === 'ed25519') {
    if (der.length !== 32) {
      const hint = der.length === 44 ? ' (this looks like an SPKI; RFC 8463 publishes the raw key)' : '';
      return fail(`Ed25519 p= must be 32 octets, got ${der.length}${hint} (RFC 8463 §4.2)`);
    }
    return { ok: true, key: { ...base, spki: ed25519Spki(der), bits: 256, warnings: [] } };
  }
  const rsa = readRsaPublicKey(der);
  if (!rsa.ok) return fail(`${rsa.reason} (RFC 6376 §3.6.1)`);
  const warnings: string[] = [];
  if (rsa.shape === 'rsapublickey')
    warnings.push('p= is a bare RSAPublicKey; most signers publish SubjectPublicKeyInfo');
  if (rsa.bits >= MIN_RSA_BITS && rsa.bits < RECOMMENDED_RSA_BITS) {
    warnings.push(`RSA key is ${rsa.bits} bits; RFC 8301 §3.2 recommends at least ${RECOMMENDED_RSA_BITS}`);
  }
  return { ok: true, key: { ...base, spki: rsa.spki, bits: rsa.bits, warnings } };
}

/**
 * Checks a key against the signature that named it (§6.1.2 steps 6–9,
 * RFC 8301 §3.2). Returns the PERMFAIL reason, or undefined if usable.
 */
export function checkKeyForSignature(
  key: DkimKeyRecord,
  signature: { keyType: DkimKeyType; identity: string; domain: string },
): string | undefined {
  if (!key.spki) return 'key revoked: p= is empty (RFC 6376 §3.6.1)';
  if (key.hashes && !key.hashes.includes('sha256')) {
    return `inappropriate hash algorithm: key allows h=${key.hashes.join(':')} only (RFC 6376 §6.1.2)`;
  }
  if (key.keyType !== signature.keyType) {
    return `inappropriate key algorithm: signature uses ${signature.keyType}, key record has k=${key.keyType} (RFC 6376 §6.1.2)`;
  }
  if (!key.services.includes('*') && !key.services.includes('email')) {
    return `key is not for email: s=${key.services.join(':')} (RFC 6376 §3.6.1)`;
  }
  if (key.strict) {
    const at = signature.identity.lastIndexOf('@');
    if (signature.identity.slice(at + 1).toLowerCase() !== signature.domain.toLowerCase()) {
      return 'key has t=s: i= domain must equal d= exactly (RFC 6376 §3.6.1)';
    }
  }
  if (key.keyType === 'rsa' && (key.bits ?? 0) < MIN_RSA_BITS) {
    return `RSA key is ${key.bits ?? 0} bits, below the ${MIN_RSA_BITS}-bit minimum (RFC 8301 §3.2)`;
  }
  return undefined;
}
