/**
 * The MSA's DKIM signer (RFC 6376 §5, RFC 8463): after the MSA has completed
 * Date and Message-ID, it signs a submitted message with every key of the
 * scenario that names this host as signer and whose domain is the From
 * domain or a parent of it (so `d=` aligns with From for DMARC). Signing
 * runs through the auth driver: each hash and signature is a crypto effect
 * that holds the virtual clock and costs no virtual time.
 *
 * Each DKIM-Signature field goes right below this hop's Received field, the
 * way Postfix with a signing milter writes it; keys sign in scenario order,
 * so the last key's signature ends up on top.
 */
import type { HostId } from '../core/ids.ts';
import { concatBytes, latin1Bytes } from '../core/bytes.ts';
import { privateKeyPkcs8 } from '../auth/dkim/pem.ts';
import { createSignatureField } from '../auth/dkim/sign.ts';
import type { DkimAlgorithm } from '../auth/dkim/types.ts';
import { fromDomainOf } from '../auth/dmarc/from-domain.ts';
import { readFirstField } from '../mime/header-section.ts';
import { driveAuth } from './auth-driver.ts';
import { traceAgent, type AgentEnv } from './env.ts';

/** A signing key as the scenario gives it. */
export interface DkimSigningKey {
  readonly domain: string;
  readonly selector: string;
  readonly algorithm: DkimAlgorithm;
  /** PEM (PKCS#8 or PKCS#1) or a base64 Ed25519 seed. */
  readonly privateKey: string;
}

/** The keys of `keys` that may sign mail from `fromDomain`: its own domain's, or a parent's. */
export function keysFor(keys: readonly DkimSigningKey[], fromDomain: string): DkimSigningKey[] {
  const from = fromDomain.toLowerCase();
  return keys.filter((k) => {
    const d = k.domain.toLowerCase();
    return from === d || from.endsWith(`.${d}`);
  });
}

/** Inserts `field` (with CRLF) after the first header field when it is a Received field, else on top. */
function insertBelowReceived(data: Uint8Array, field: string): Uint8Array {
  const first = readFirstField(data);
  const at = first && first.name.toLowerCase() === 'received' ? first.end : 0;
  return concatBytes([data.subarray(0, at), latin1Bytes(field), data.subarray(at)]);
}

/**
 * Signs `data` with the keys that fit its From domain, one after the other,
 * then calls `done` with the signed message (unchanged when no key fits, no
 * crypto is available, or a key is refused; each case is traced).
 */
export function signSubmission(
  env: AgentEnv,
  host: HostId,
  id: string,
  keys: readonly DkimSigningKey[],
  data: Uint8Array,
  done: (data: Uint8Array) => void,
): void {
  if (keys.length === 0) return done(data);
  const from = fromDomainOf(data);
  signWithKeys(env, host, id, from.kind === 'domain' ? keysFor(keys, from.domain) : [], data, done);
}

/**
 * Signs `data` with each of `keys`, whatever its From domain (a platform
 * that signs as itself, or as a customer who delegated a key to it), then
 * calls `done` with the signed message.
 */
export function signWithKeys(
  env: AgentEnv,
  host: HostId,
  id: string,
  usable: readonly DkimSigningKey[],
  data: Uint8Array,
  done: (data: Uint8Array) => void,
): void {
  if (usable.length === 0) return done(data);
  if (env.crypto === undefined) {
    env.trace.append({
      type: 'note',
      host,
      text: `DKIM signing skipped for ${id}: this world has no crypto provider`,
    });
    return done(data);
  }
  const timestamp = Math.floor(env.wallClock() / 1000);
  const next = (i: number, message: Uint8Array): void => {
    const key = usable[i];
    if (key === undefined) return done(message);
    const pkcs8 = privateKeyPkcs8(key.privateKey);
    if (pkcs8 === undefined) {
      traceAgent(env, host, 'msa', 'dkim refused', { id, domain: key.domain, selector: key.selector });
      return next(i + 1, message);
    }
    driveAuth(
      env,
      host,
      (q) => `DKIM ${q.name}`,
      createSignatureField(message, {
        domain: key.domain,
        selector: key.selector,
        algorithm: key.algorithm,
        privateKeyPkcs8: pkcs8,
        timestamp,
      }),
      (outcome) => {
        if (!outcome.ok) {
          traceAgent(env, host, 'msa', 'dkim refused', {
            id,
            domain: key.domain,
            selector: key.selector,
            reason: outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
          });
          return next(i + 1, message);
        }
        traceAgent(env, host, 'msa', 'dkim signed', {
          id,
          domain: key.domain,
          selector: key.selector,
          algorithm: key.algorithm,
        });
        next(i + 1, insertBelowReceived(message, outcome.value));
      },
    );
  };
  next(0, data);
}
