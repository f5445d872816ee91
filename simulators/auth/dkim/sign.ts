/**
 * DKIM signing (RFC 6376 §5). Deterministic: RSASSA-PKCS1-v1_5 and Ed25519
 * signatures depend only on key and data, and the time tags come from the
 * caller (the virtual clock), so a replay yields the same octets.
 */
import { base64Encode, concatBytes, latin1Bytes } from '../../core/bytes.ts';
import { readHeaderSection, type HeaderField } from '../../mime/header-section.ts';
import { canonicalizeBody, headerHashInput } from './canonicalize.ts';
import { pkcs8KeyType } from './der.ts';
import {
  appendSignatureValue,
  formatSignatureField,
  isSameOrSubdomain,
  parseSignature,
  type Canonicalization,
} from './signature.ts';
import { cryptoBytes, sha256, type DkimAlgorithm, type DkimGenerator, type DkimKeyType } from './types.ts';

/**
 * Header fields signed by default, if present: RFC 6376 §5.4.1's list plus
 * Message-ID and the MIME fields, as dkimpy and OpenDKIM sign them.
 */
export const DEFAULT_SIGNED_HEADERS: readonly string[] = [
  'from',
  'sender',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'to',
  'cc',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'resent-date',
  'resent-from',
  'resent-sender',
  'resent-to',
  'resent-cc',
  'in-reply-to',
  'references',
  'list-id',
  'list-help',
  'list-unsubscribe',
  'list-subscribe',
  'list-post',
  'list-owner',
  'list-archive',
];

/** Signing options. */
export interface SignOptions {
  readonly domain: string;
  readonly selector: string;
  /** PKCS#8 DER (see pem.ts to get it from PEM or an Ed25519 seed). */
  readonly privateKeyPkcs8: Uint8Array;
  readonly algorithm: DkimAlgorithm;
  /** Default `relaxed/relaxed`. */
  readonly canonicalization?: `${Canonicalization}/${Canonicalization}`;
  /**
   * `h=` exactly (repeat a name to over-sign it). Default: the fields of
   * {@link DEFAULT_SIGNED_HEADERS} present, once per instance, then `from`
   * once more so no From can be added (§5.4.2, §8.15).
   */
  readonly headers?: readonly string[];
  readonly identity?: string;
  /** `t=`, epoch seconds from the virtual clock. */
  readonly timestamp?: number;
  /** `x=`, epoch seconds. */
  readonly expiration?: number;
  /** `l=`: a count of canonicalized body octets, or `'all'` for the whole body as it is now. */
  readonly bodyLength?: number | 'all';
}

/** A signing request the signer refuses (bad options or a message that cannot be signed). */
export class DkimSignError extends Error {
  override readonly name = 'DkimSignError';
}

/** The default `h=` for a message. */
export function defaultSignedHeaders(fields: readonly HeaderField[]): string[] {
  const names: string[] = [];
  for (const name of DEFAULT_SIGNED_HEADERS) {
    const count = fields.filter((f) => f.name.toLowerCase() === name).length;
    for (let i = 0; i < count; i++) names.push(name);
  }
  names.push('from');
  return names;
}

function keyTypeOf(algorithm: DkimAlgorithm): DkimKeyType {
  return algorithm === 'rsa-sha256' ? 'rsa' : 'ed25519';
}

/**
 * Computes `b=` for a DKIM-Signature field whose `b=` is empty (the field as
 * it will appear, without CRLF): the header data is hashed per the field's
 * own `c=` and `h=` (§3.7) and signed. Returns the base64 value.
 */
export function* computeSignatureValue(
  message: Uint8Array,
  unsignedField: string,
  privateKeyPkcs8: Uint8Array,
): DkimGenerator<string> {
  const colon = unsignedField.indexOf(':');
  const parsed = parseSignature(unsignedField.slice(colon + 1).replace(/\r?\n/g, ''), { signing: true });
  if (!parsed.ok) throw new DkimSignError(`signature field is invalid: ${parsed.reason}`);
  const sig = parsed.signature;
  const { fields } = readHeaderSection(message);
  const headerData = headerHashInput(message, fields, sig.signedHeaders, sig.headerCanon, unsignedField);
  const data = sig.keyType === 'ed25519' ? yield* sha256(headerData) : headerData;
  const signature = yield* cryptoBytes({ op: 'sign', keyType: sig.keyType, pkcs8: privateKeyPkcs8, data });
  if (typeof signature === 'string')
    throw new DkimSignError(`the private key could not be used: ${signature}`);
  return base64Encode(signature);
}

/** Builds the complete DKIM-Signature field (with CRLF) for `message`. */
export function* createSignatureField(message: Uint8Array, options: SignOptions): DkimGenerator<string> {
  const keyType = keyTypeOf(options.algorithm);
  const pkcs8Type = pkcs8KeyType(options.privateKeyPkcs8);
  if (pkcs8Type !== keyType) {
    throw new DkimSignError(
      `a=${options.algorithm} needs an ${keyType} key, but the private key is ${pkcs8Type ?? 'not PKCS#8'}`,
    );
  }
  const section = readHeaderSection(message);
  if (!section.fields.some((f) => f.name.toLowerCase() === 'from')) {
    throw new DkimSignError('the message has no From field, which must be signed (RFC 6376 §5.4)');
  }
  const headers = options.headers ?? defaultSignedHeaders(section.fields);
  if (!headers.some((h) => h.toLowerCase() === 'from'))
    throw new DkimSignError('h= must include From (RFC 6376 §5.4)');
  if (options.identity !== undefined) {
    const at = options.identity.lastIndexOf('@');
    if (at === -1 || !isSameOrSubdomain(options.identity.slice(at + 1), options.domain)) {
      throw new DkimSignError('i= must be in d= or a subdomain of it (RFC 6376 §3.5)');
    }
  }
  if (
    options.timestamp !== undefined &&
    options.expiration !== undefined &&
    options.expiration < options.timestamp
  ) {
    throw new DkimSignError('x= must not be before t= (RFC 6376 §3.5)');
  }
  const canonicalization = options.canonicalization ?? 'relaxed/relaxed';
  const [, bodyCanon] = canonicalization.split('/') as [Canonicalization, Canonicalization];
  const canonical = canonicalizeBody(message.subarray(section.bodyOffset), bodyCanon);
  let bodyLength: number | undefined;
  if (options.bodyLength === 'all') bodyLength = canonical.length;
  else if (options.bodyLength !== undefined) {
    if (
      !Number.isSafeInteger(options.bodyLength) ||
      options.bodyLength < 0 ||
      options.bodyLength > canonical.length
    ) {
      throw new DkimSignError(
        `l=${options.bodyLength} is outside the canonicalized body (0–${canonical.length} octets)`,
      );
    }
    bodyLength = options.bodyLength;
  }
  const bodyHash = yield* sha256(bodyLength === undefined ? canonical : canonical.subarray(0, bodyLength));
  const unsigned = formatSignatureField({
    algorithm: options.algorithm,
    canonicalization,
    domain: options.domain,
    selector: options.selector,
    headers,
    bodyHash: base64Encode(bodyHash),
    ...(options.identity !== undefined ? { identity: options.identity } : {}),
    ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
    ...(options.expiration !== undefined ? { expiration: options.expiration } : {}),
    ...(bodyLength !== undefined ? { bodyLength } : {}),
  });
  const b = yield* computeSignatureValue(message, unsigned, options.privateKeyPkcs8);
  return `${appendSignatureValue(unsigned, b)}\r\n`;
}

/** Signs `message`: returns it with the DKIM-Signature field prepended (§5.6). */
export function* signDkim(message: Uint8Array, options: SignOptions): DkimGenerator<Uint8Array> {
  const field = yield* createSignatureField(message, options);
  return concatBytes([latin1Bytes(field), message]);
}
