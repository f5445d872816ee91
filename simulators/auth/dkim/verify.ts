/**
 * DKIM verification (RFC 6376 §6): every DKIM-Signature field, top to
 * bottom, each to its own result (RFC 8601 §2.7.1 values). The evaluator is a
 * generator: it yields the key lookup and every hash and signature check, so
 * each shows as a step in the trace (STYLE.md §S3).
 *
 * SIMPLIFICATION: the message must have CRLF line ends, as on the wire (bare
 * LF is hashed as is); rsa-sha1 is refused (RFC 8301 §3.1); `i=` is not
 * dkim-quoted-printable decoded (only its domain is checked); `neutral` is
 * never produced, since every failure here has a more precise RFC 8601 value.
 */
import { base64Encode, bytesEqual, bytesToLatin1, latin1Bytes } from '../../core/bytes.ts';
import type { DnsAnswer } from '../../dns/records.ts';
import { readHeaderSection, type HeaderField } from '../../mime/header-section.ts';
import {
  canonicalizeBody,
  hashedView,
  headerHashText,
  limitBody,
  VIEW_LIMIT,
  type HashedView,
} from './canonicalize.ts';
import { checkKeyForSignature, parseKeyRecord, type DkimKeyRecord } from './key-record.ts';
import { parseSignature, type Canonicalization, type DkimSignature } from './signature.ts';
import { sha256, type DkimGenerator } from './types.ts';

/** RFC 8601 §2.7.1 DKIM results. */
export type DkimVerdict = 'pass' | 'fail' | 'neutral' | 'policy' | 'permerror' | 'temperror' | 'none';

/** The outcome for one signature (or `none` for an unsigned message). */
export interface DkimResult {
  readonly result: DkimVerdict;
  /** Why, for a learner, with the RFC section. */
  readonly reason: string;
  /** Which DKIM-Signature field, 0 = topmost. */
  readonly index?: number;
  readonly domain?: string;
  readonly selector?: string;
  readonly algorithm?: string;
  /** `i=` (or its default `@d`). */
  readonly identity?: string;
  /** The key record has `t=y`. */
  readonly testing: boolean;
  readonly warnings: readonly string[];
  readonly signedHeaders?: readonly string[];
  readonly keyBits?: number;
  /** `bh=` as written and as computed (base64). */
  readonly bodyHash?: { readonly expected: string; readonly computed: string };
  /** What was hashed, for display (cut to a sane size). */
  readonly hashed?: HashedView;
}

/** Verification options. */
export interface VerifyOptions {
  /** Verification time, epoch seconds (for `x=`), from the virtual clock. */
  readonly now: number;
  /** Report `policy` for a passing signature whose `l=` leaves body octets unsigned (RFC 6376 §8.2). */
  readonly rejectUnsignedBodyTail?: boolean;
  /** Display limit for the canonicalized data, in characters. */
  readonly maxViewChars?: number;
}

/** Allowed clock skew before a future `t=` earns a warning. */
const FUTURE_SLOP = 300;

/** The key lookup name (§3.6.2.1). */
export function keyQueryName(selector: string, domain: string): string {
  return `${selector}._domainkey.${domain}`.toLowerCase();
}

type KeyLookup =
  | { readonly ok: true; readonly key: DkimKeyRecord; readonly warnings: string[] }
  | { readonly ok: false; readonly result: 'permerror' | 'temperror'; readonly reason: string };

/** Interprets the answer to a key query (§6.1.2). */
export function keyFromAnswer(name: string, answer: DnsAnswer): KeyLookup {
  if (answer.rcode === 'SERVFAIL' || answer.rcode === 'TIMEOUT') {
    return {
      ok: false,
      result: 'temperror',
      reason: `key unavailable: DNS ${answer.rcode} for ${name} (RFC 6376 §6.1.2)`,
    };
  }
  const records = answer.answers.flatMap((rr) => (rr.type === 'TXT' ? [rr.strings.join('')] : []));
  if (answer.rcode === 'NXDOMAIN' || records.length === 0) {
    return {
      ok: false,
      result: 'permerror',
      reason: `no key for signature: no TXT record at ${name} (RFC 6376 §6.1.2)`,
    };
  }
  // SIMPLIFICATION: with several TXT records, the first that parses is used (§6.1.2 lets the verifier choose).
  let firstError = '';
  for (const text of records) {
    const parsed = parseKeyRecord(text);
    if (parsed.ok) {
      const warnings =
        records.length > 1 ? [`${records.length} TXT records at ${name}; the first valid one was used`] : [];
      return { ok: true, key: parsed.key, warnings };
    }
    firstError ||= parsed.reason;
  }
  return { ok: false, result: 'permerror', reason: firstError };
}

interface BodyCache {
  canonical: Map<Canonicalization, Uint8Array>;
  hashes: Map<string, Uint8Array>;
}

function* verifyOne(
  message: Uint8Array,
  fields: readonly HeaderField[],
  bodyOffset: number,
  field: HeaderField,
  index: number,
  options: VerifyOptions,
  cache: BodyCache,
): DkimGenerator<DkimResult> {
  const parsed = parseSignature(field.value);
  if (!parsed.ok) {
    return {
      result: 'permerror',
      reason: parsed.reason,
      index,
      ...parsed.hints,
      testing: false,
      warnings: [],
    };
  }
  const sig: DkimSignature = parsed.signature;
  const warnings: string[] = [];
  const base = {
    index,
    domain: sig.domain,
    selector: sig.selector,
    algorithm: sig.algorithm,
    identity: sig.identity,
    signedHeaders: sig.signedHeaders,
  };
  if (sig.expiration !== undefined && options.now > sig.expiration) {
    return {
      ...base,
      result: 'permerror',
      reason: `signature expired: x=${sig.expiration} is before now (${options.now}) (RFC 6376 §6.1.1)`,
      testing: false,
      warnings,
    };
  }
  if (sig.timestamp !== undefined && sig.timestamp > options.now + FUTURE_SLOP) {
    warnings.push(
      `t=${sig.timestamp} is in the future (RFC 6376 §3.5 lets verifiers ignore such signatures)`,
    );
  }

  const name = keyQueryName(sig.selector, sig.domain);
  const response = yield { kind: 'dns', query: { name, type: 'TXT' } };
  if (response.kind !== 'dns') throw new Error(`DKIM: expected a DNS answer, got ${response.kind}`);
  const lookup = keyFromAnswer(name, response.answer);
  if (!lookup.ok) return { ...base, result: lookup.result, reason: lookup.reason, testing: false, warnings };
  const key = lookup.key;
  warnings.push(...lookup.warnings, ...key.warnings);
  const testing = key.testing;
  const keyProblem = checkKeyForSignature(key, sig);
  const withKey = { ...base, testing, ...(key.bits !== undefined ? { keyBits: key.bits } : {}) };
  if (keyProblem) return { ...withKey, result: 'permerror', reason: keyProblem, warnings };

  // Body hash (§6.1.3 steps 1–3).
  let canonical = cache.canonical.get(sig.bodyCanon);
  if (!canonical) {
    canonical = canonicalizeBody(message.subarray(bodyOffset), sig.bodyCanon);
    cache.canonical.set(sig.bodyCanon, canonical);
  }
  const hashedBody = limitBody(canonical, sig.bodyLength);
  const cacheKey = `${sig.bodyCanon}/${hashedBody.length}`;
  let computed = cache.hashes.get(cacheKey);
  if (!computed) {
    computed = yield* sha256(hashedBody);
    cache.hashes.set(cacheKey, computed);
  }
  const headerText = headerHashText(
    message,
    fields,
    sig.signedHeaders,
    sig.headerCanon,
    bytesToLatin1(message, field.start, field.end),
    field,
  );
  const hashed = hashedView(headerText, canonical, hashedBody.length, options.maxViewChars ?? VIEW_LIMIT);
  const bodyHash = { expected: base64Encode(sig.bodyHash), computed: base64Encode(computed) };
  const shown = { ...withKey, bodyHash, hashed };
  if (sig.bodyLength !== undefined && sig.bodyLength > canonical.length) {
    return {
      ...shown,
      result: 'fail',
      reason: `body hash did not verify: l=${sig.bodyLength} but the canonicalized body has only ${canonical.length} octets (RFC 6376 §6.1.3)`,
      warnings,
    };
  }
  if (!bytesEqual(computed, sig.bodyHash)) {
    return {
      ...shown,
      result: 'fail',
      reason: 'body hash did not verify: the body was changed after signing (RFC 6376 §6.1.3)',
      warnings,
    };
  }

  // Header hash and signature (§6.1.3 steps 4–5; RFC 8463 §3 signs SHA-256 of the header data).
  const headerData = latin1Bytes(headerText);
  const data = sig.keyType === 'ed25519' ? yield* sha256(headerData) : headerData;
  const verdict = yield {
    kind: 'crypto',
    op: { op: 'verify', keyType: sig.keyType, spki: key.spki!, signature: sig.signature, data },
  };
  if (verdict.kind === 'crypto-error') {
    return {
      ...shown,
      result: 'permerror',
      reason: `key could not be used: ${verdict.message} (RFC 6376 §6.1.2)`,
      warnings,
    };
  }
  if (verdict.kind !== 'verified') throw new Error(`DKIM: expected a verdict, got ${verdict.kind}`);
  if (!verdict.ok) {
    return {
      ...shown,
      result: 'fail',
      reason:
        'signature did not verify: the signed header fields were changed, or the key does not match (RFC 6376 §6.1.3)',
      warnings,
    };
  }
  const unsigned = canonical.length - hashedBody.length;
  if (unsigned > 0) {
    warnings.push(`l=${hashedBody.length} leaves ${unsigned} octets of the body unsigned (RFC 6376 §8.2)`);
    if (options.rejectUnsignedBodyTail) {
      return {
        ...shown,
        result: 'policy',
        reason: 'signature verified, but l= leaves part of the body unsigned (RFC 6376 §8.2)',
        warnings,
      };
    }
  }
  return {
    ...shown,
    result: 'pass',
    reason: testing ? 'signature verified (key is in testing mode, t=y)' : 'signature verified',
    warnings,
  };
}

/**
 * Verifies every DKIM-Signature of `message` (CRLF line ends, as on the wire),
 * top to bottom (§6.1). An unsigned message gives a single `none` result.
 */
export function* verifyDkim(message: Uint8Array, options: VerifyOptions): DkimGenerator<DkimResult[]> {
  const section = readHeaderSection(message);
  const signatures = section.fields.filter((f) => f.name.toLowerCase() === 'dkim-signature');
  if (signatures.length === 0)
    return [{ result: 'none', reason: 'message not signed', testing: false, warnings: [] }];
  const cache: BodyCache = { canonical: new Map(), hashes: new Map() };
  const results: DkimResult[] = [];
  for (const [index, field] of signatures.entries()) {
    results.push(yield* verifyOne(message, section.fields, section.bodyOffset, field, index, options, cache));
  }
  return results;
}
