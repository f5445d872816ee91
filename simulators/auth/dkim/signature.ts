/**
 * DKIM-Signature header fields: parsing with the checks of RFC 6376 §6.1.1
 * (each failure is a PERMFAIL with a reason a learner can act on), and
 * formatting for the signer (§3.5, folded, `b=` last).
 */
import { base64Decode } from '../../core/bytes.ts';
import { parseTagList, stripFws } from './tag-list.ts';
import type { DkimAlgorithm, DkimKeyType } from './types.ts';

/** Header or body canonicalization (§3.4). */
export type Canonicalization = 'simple' | 'relaxed';

/** A valid, parsed DKIM-Signature. */
export interface DkimSignature {
  readonly algorithm: DkimAlgorithm;
  readonly keyType: DkimKeyType;
  /** `b=`, decoded. */
  readonly signature: Uint8Array;
  /** `bh=`, decoded. */
  readonly bodyHash: Uint8Array;
  readonly headerCanon: Canonicalization;
  readonly bodyCanon: Canonicalization;
  /** `d=`, as written. */
  readonly domain: string;
  /** `s=`, as written. */
  readonly selector: string;
  /** `h=`: field names as written, in order (repeats allowed, §5.4.2). */
  readonly signedHeaders: readonly string[];
  /** `i=`, or `@` + d= when absent (§3.5). */
  readonly identity: string;
  /** `l=`; `Infinity` if it has more digits than a double holds exactly. */
  readonly bodyLength?: number;
  readonly timestamp?: number;
  readonly expiration?: number;
  /** `z=`, raw (diagnostic only, §3.5). */
  readonly copiedHeaders?: string;
  /** Every tag, raw. */
  readonly tags: ReadonlyMap<string, string>;
}

/** What the parser could read of a signature it rejects, for display. */
export interface SignatureHints {
  readonly domain?: string;
  readonly selector?: string;
  readonly algorithm?: string;
}

/** The parse outcome. */
export type SignatureParse =
  | { readonly ok: true; readonly signature: DkimSignature }
  | { readonly ok: false; readonly reason: string; readonly hints: SignatureHints };

const REQUIRED = ['v', 'a', 'b', 'bh', 'd', 'h', 's'] as const;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
// TOLERANCE: selectors may contain "_" (seen in the wild; RFC 6376 §3.1 says sub-domain).
const SELECTOR_LABEL = '[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?';
const SELECTOR = new RegExp(`^${SELECTOR_LABEL}(?:\\.${SELECTOR_LABEL})*$`);

/** True if `sub` is `parent` or a subdomain of it (case-insensitive). */
export function isSameOrSubdomain(sub: string, parent: string): boolean {
  const s = sub.toLowerCase();
  const p = parent.toLowerCase();
  return s === p || s.endsWith(`.${p}`);
}

function decimal(value: string, maxDigits: number): number | undefined {
  if (!new RegExp(`^[0-9]{1,${maxDigits}}$`).test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : Infinity;
}

/**
 * Parses the (unfolded) value of a DKIM-Signature field and applies the
 * checks of RFC 6376 §6.1.1. Unknown tags are ignored (§3.2). With
 * `signing`, an empty `b=` is accepted (the form that is hashed, §3.7).
 */
export function parseSignature(value: string, options: { readonly signing?: boolean } = {}): SignatureParse {
  const list = parseTagList(value);
  if (!list.ok) return { ok: false, reason: `signature syntax error: ${list.reason}`, hints: {} };
  const tags = list.tags;
  const get = (name: string): string | undefined => tags.get(name);
  const hints: { domain?: string; selector?: string; algorithm?: string } = {};
  const d = get('d');
  const s = get('s');
  const a = get('a');
  if (d !== undefined) hints.domain = d;
  if (s !== undefined) hints.selector = s;
  if (a !== undefined) hints.algorithm = a;
  const fail = (reason: string): SignatureParse => ({ ok: false, reason, hints });

  if (get('v') !== undefined && get('v') !== '1')
    return fail(`incompatible version v=${get('v')} (RFC 6376 §6.1.1: must be 1)`);
  for (const name of REQUIRED) {
    if (get(name) === undefined) return fail(`signature missing required tag ${name}= (RFC 6376 §6.1.1)`);
  }
  let algorithm: DkimAlgorithm;
  if (a === 'rsa-sha256' || a === 'ed25519-sha256') algorithm = a;
  else if (a === 'rsa-sha1') return fail('a=rsa-sha1 is obsolete and must not be verified (RFC 8301 §3.1)');
  else return fail(`unsupported algorithm a=${a ?? ''} (RFC 6376 §3.5, RFC 8463)`);

  const signature = base64Decode(stripFws(get('b') ?? ''), true);
  if (!signature || (signature.length === 0 && !options.signing))
    return fail('b= is not valid base64 (RFC 6376 §3.5)');
  const bodyHash = base64Decode(stripFws(get('bh') ?? ''), true);
  if (!bodyHash) return fail('bh= is not valid base64 (RFC 6376 §3.5)');

  const c = get('c') ?? 'simple/simple';
  const [hc, bc = 'simple', extra] = c.split('/');
  const canons = ['simple', 'relaxed'];
  if (extra !== undefined || !canons.includes(hc ?? '') || !canons.includes(bc)) {
    return fail(`unknown canonicalization c=${c} (RFC 6376 §3.5)`);
  }

  const domain = d ?? '';
  if (!DOMAIN.test(domain)) return fail(`d=${domain} is not a domain name (RFC 6376 §3.5)`);
  const selector = s ?? '';
  if (!SELECTOR.test(selector)) return fail(`s=${selector} is not a valid selector (RFC 6376 §3.1)`);

  const signedHeaders = (get('h') ?? '').split(':').map((h) => h.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ''));
  if (signedHeaders.some((h) => !/^[\x21-\x39\x3b-\x7e]+$/.test(h)))
    return fail('h= has an empty or invalid field name (RFC 6376 §3.5)');
  if (!signedHeaders.some((h) => h.toLowerCase() === 'from'))
    return fail('From field not signed (RFC 6376 §6.1.1: h= must include from)');

  const identity = get('i') ?? `@${domain}`;
  const at = identity.lastIndexOf('@');
  if (at === -1) return fail(`i=${identity} has no "@" (RFC 6376 §3.5)`);
  if (!isSameOrSubdomain(identity.slice(at + 1), domain)) {
    return fail(`domain mismatch: i=${identity} is not in d=${domain} or a subdomain (RFC 6376 §6.1.1)`);
  }

  const q = get('q');
  if (q !== undefined && !q.split(':').some((m) => m.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '') === 'dns/txt')) {
    return fail(`unsupported query method q=${q} (RFC 6376 §3.5: only dns/txt)`);
  }

  let bodyLength: number | undefined;
  if (get('l') !== undefined) {
    bodyLength = decimal(get('l') ?? '', 76);
    if (bodyLength === undefined) return fail('l= is not a decimal number (RFC 6376 §3.5)');
  }
  let timestamp: number | undefined;
  if (get('t') !== undefined) {
    timestamp = decimal(get('t') ?? '', 12);
    if (timestamp === undefined)
      return fail('t= is not a decimal number of at most 12 digits (RFC 6376 §3.5)');
  }
  let expiration: number | undefined;
  if (get('x') !== undefined) {
    expiration = decimal(get('x') ?? '', 12);
    if (expiration === undefined)
      return fail('x= is not a decimal number of at most 12 digits (RFC 6376 §3.5)');
    // TOLERANCE: x equal to t is accepted (dkimpy does the same); §3.5 says "greater".
    if (timestamp !== undefined && expiration < timestamp)
      return fail('x= is earlier than t= (RFC 6376 §3.5)');
  }

  const result: DkimSignature = {
    algorithm,
    keyType: algorithm === 'rsa-sha256' ? 'rsa' : 'ed25519',
    signature,
    bodyHash,
    headerCanon: hc as Canonicalization,
    bodyCanon: bc as Canonicalization,
    domain,
    selector,
    signedHeaders,
    identity,
    tags,
    ...(bodyLength !== undefined ? { bodyLength } : {}),
    ...(timestamp !== undefined ? { timestamp } : {}),
    ...(expiration !== undefined ? { expiration } : {}),
    ...(get('z') !== undefined ? { copiedHeaders: get('z') ?? '' } : {}),
  };
  return { ok: true, signature: result };
}

/** Tags for {@link formatSignatureField}; `b=` is always appended last and empty. */
export interface SignatureFields {
  readonly algorithm: DkimAlgorithm;
  readonly canonicalization: `${Canonicalization}/${Canonicalization}`;
  readonly domain: string;
  readonly selector: string;
  readonly headers: readonly string[];
  readonly bodyHash: string;
  readonly identity?: string;
  readonly timestamp?: number;
  readonly expiration?: number;
  readonly bodyLength?: number;
}

const MAX_LINE = 78;

/**
 * Formats a DKIM-Signature field for signing, ending in `b=` with no value
 * and no CRLF (the form hashed, §3.7). Lines are folded before 78 columns at
 * tag boundaries and inside `h=` at colons; `bh=` is folded if it must be.
 */
export function formatSignatureField(fields: SignatureFields): string {
  const tokens: string[] = [
    'v=1;',
    `a=${fields.algorithm};`,
    `c=${fields.canonicalization};`,
    `d=${fields.domain};`,
    ...(fields.identity !== undefined ? [`i=${fields.identity};`] : []),
    `s=${fields.selector};`,
    ...(fields.timestamp !== undefined ? [`t=${fields.timestamp};`] : []),
    ...(fields.expiration !== undefined ? [`x=${fields.expiration};`] : []),
    ...(fields.bodyLength !== undefined ? [`l=${fields.bodyLength};`] : []),
  ];
  // h= is split into pieces that may be folded between (FWS is allowed around ":").
  fields.headers.forEach((h, i) => {
    const last = i === fields.headers.length - 1;
    tokens.push(`${i === 0 ? 'h=' : ''}${h}${last ? ';' : ':'}`);
  });
  tokens.push(`bh=${fields.bodyHash};`, 'b=');
  let out = 'DKIM-Signature:';
  let column = out.length;
  let glue = ' ';
  for (const token of tokens) {
    if (column + glue.length + token.length > MAX_LINE) {
      out += '\r\n ';
      column = 1;
    } else {
      out += glue;
      column += glue.length;
    }
    out += token;
    column += token.length;
    glue = token.endsWith(':') ? '' : ' ';
  }
  return out;
}

/** Appends a base64 `b=` value to a field from {@link formatSignatureField}, folding at 78 columns. */
export function appendSignatureValue(field: string, b64: string): string {
  const lastLine = field.slice(field.lastIndexOf('\n') + 1);
  let column = lastLine.length;
  let out = field;
  let rest = b64;
  while (rest.length > 0) {
    const room = MAX_LINE - column;
    if (room <= 0) {
      out += '\r\n ';
      column = 1;
      continue;
    }
    out += rest.slice(0, room);
    column += Math.min(room, rest.length);
    rest = rest.slice(room);
  }
  return out;
}
