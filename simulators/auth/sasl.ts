/**
 * SASL mechanisms (RFC 4422) as pure step objects, shared by SMTP AUTH
 * (RFC 4954), POP3 AUTH (RFC 5034) and IMAP AUTHENTICATE (RFC 9051 §6.2.2).
 *
 * Theory of operation. A protocol session decodes each client line with
 * {@link decodeClientResponse} (base64, `*` to cancel), hands the octets to
 * the mechanism's `step`, and gets back one of: a challenge to send (SMTP
 * `334`, POP3 `+`, IMAP `+`), the credentials the client presented, or an
 * error. Checking the credentials is the caller's job ({@link verifySecret}
 * against the stored secret); if they are wrong it calls `fail()`, which ends
 * the exchange — except for XOAUTH2, where the server first sends an error
 * challenge and waits for the client's empty reply.
 *
 * No randomness and no clock inside: the CRAM-MD5 challenge's unique part
 * comes from the caller (the world's seeded PRNG and virtual clock), so a
 * replayed run sends the same challenge.
 *
 * Credentials are plain data rather than objects with a `verify` closure, so
 * they can go into the trace and into machine context and be compared in
 * tests; {@link verifySecret} is the closure's replacement.
 */
import {
  base64Decode,
  base64Encode,
  bytesEqual,
  latin1Bytes,
  toHex,
  utf8Bytes,
  utf8Text,
} from '../core/bytes.ts';
import { hmacMd5 } from './md5.ts';

/** The mechanisms implemented here. */
export type SaslMechanismName = 'PLAIN' | 'LOGIN' | 'CRAM-MD5' | 'XOAUTH2';

/** The mechanisms {@link startServerMechanism} knows, for EHLO/CAPABILITY lists; the order implies no preference. */
export const SASL_MECHANISMS: readonly SaslMechanismName[] = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'];

/** What the client presented, by mechanism. */
export type SaslCredentials =
  | {
      readonly mechanism: 'PLAIN';
      /** RFC 4616 §2: the identity to act as; `''` means "the same as username". */
      readonly authzid: string;
      readonly username: string;
      readonly password: string;
    }
  | {
      readonly mechanism: 'LOGIN';
      readonly authzid: '';
      readonly username: string;
      readonly password: string;
    }
  | {
      readonly mechanism: 'CRAM-MD5';
      readonly authzid: '';
      readonly username: string;
      /** The challenge the server sent, e.g. `<1896.697170952@postoffice.reston.mci.net>`. */
      readonly challenge: string;
      /** The client's keyed digest, lower-case hex (RFC 2195 §2). */
      readonly digest: string;
    }
  | {
      readonly mechanism: 'XOAUTH2';
      readonly authzid: '';
      readonly username: string;
      readonly token: string;
    };

/** Why an exchange stopped without credentials. */
export type SaslErrorKind =
  /** The client sent `*` (RFC 4954 §4: the server answers 501). */
  | 'cancelled'
  /** The decoded response does not follow the mechanism's syntax. */
  | 'malformed'
  /** A response where none was expected (e.g. an initial response to CRAM-MD5, or a step after the end). */
  | 'unexpected';

/** One step's outcome, server side. */
export type SaslServerStep =
  | { readonly kind: 'challenge'; readonly data: Uint8Array }
  | { readonly kind: 'credentials'; readonly credentials: SaslCredentials }
  /** The exchange is over and authentication failed (SMTP 535 5.7.8, RFC 4954 §6). */
  | { readonly kind: 'failure' }
  | { readonly kind: 'error'; readonly error: SaslErrorKind; readonly reason: string };

/** A server-side mechanism in the middle of an exchange. */
export interface SaslServerMechanism {
  readonly name: SaslMechanismName;
  /**
   * Feeds the client's decoded response; `undefined` means "no initial
   * response" and is valid only as the first step (the server then speaks
   * first with a challenge, RFC 4954 §4).
   */
  step(response: Uint8Array | undefined): SaslServerStep;
  /**
   * The credentials were wrong: ends the exchange with `failure`, or, for
   * XOAUTH2, returns the error challenge the client must acknowledge first.
   */
  fail(details?: { readonly scope?: string; readonly status?: string }): SaslServerStep;
}

/** Options for {@link startServerMechanism}. */
export interface SaslServerOptions {
  /**
   * CRAM-MD5 only: the unique part of the challenge, e.g. `1896.697170952`
   * (RFC 2195 §2 suggests random digits and a timestamp). The caller supplies
   * it so the run stays reproducible.
   */
  readonly challengeNonce?: string;
  /** CRAM-MD5 only: the host name closing the challenge, `<nonce@hostname>`. Default `localhost`. */
  readonly hostname?: string;
}

const NUL = 0;

/** Decodes UTF-8 strictly: undefined when the octets are not well-formed UTF-8. */
function strictUtf8(bytes: Uint8Array): string | undefined {
  const text = utf8Text(bytes);
  return bytesEqual(utf8Bytes(text), bytes) ? text : undefined;
}

const error = (kind: SaslErrorKind, reason: string): SaslServerStep => ({
  kind: 'error',
  error: kind,
  reason,
});
const FAILURE: SaslServerStep = { kind: 'failure' };
const EMPTY = new Uint8Array(0);

/**
 * RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd, with
 * authcid and passwd non-empty and no NUL inside any part.
 */
export function parsePlainMessage(message: Uint8Array): SaslCredentials | string {
  const first = message.indexOf(NUL);
  const second = first === -1 ? -1 : message.indexOf(NUL, first + 1);
  if (second === -1) return 'PLAIN needs authzid NUL authcid NUL password (RFC 4616 §2)';
  if (message.indexOf(NUL, second + 1) !== -1) return 'PLAIN message has more than two NULs (RFC 4616 §2)';
  const authzid = strictUtf8(message.subarray(0, first));
  const username = strictUtf8(message.subarray(first + 1, second));
  const password = strictUtf8(message.subarray(second + 1));
  if (authzid === undefined || username === undefined || password === undefined)
    return 'PLAIN fields must be UTF-8 (RFC 4616 §2)';
  if (username === '' || password === '')
    return 'PLAIN user name and password may not be empty (RFC 4616 §2)';
  return { mechanism: 'PLAIN', authzid, username, password };
}

/**
 * XOAUTH2 (Google's and Microsoft's OAuth 2.0 SASL mechanism):
 * `user=` name ^A `auth=Bearer ` token ^A ^A.
 */
export function parseXoauth2Message(message: Uint8Array): SaslCredentials | string {
  const text = strictUtf8(message);
  if (text === undefined) return 'XOAUTH2 response must be UTF-8';
  if (!text.endsWith('\x01\x01')) return 'XOAUTH2 response must end with ^A^A';
  let username: string | undefined;
  let token: string | undefined;
  for (const field of text.slice(0, -2).split('\x01')) {
    if (field.startsWith('user=')) username = field.slice(5);
    else if (field.startsWith('auth=')) {
      const m = /^Bearer +(\S+)$/i.exec(field.slice(5));
      if (m === null) return 'XOAUTH2 auth= must be "Bearer <token>"';
      token = m[1];
    }
  }
  if (username === undefined || username === '' || token === undefined)
    return 'XOAUTH2 response needs user= and auth=Bearer fields';
  return { mechanism: 'XOAUTH2', authzid: '', username, token };
}

abstract class Mechanism implements SaslServerMechanism {
  abstract readonly name: SaslMechanismName;
  /** The exchange has produced credentials, failed or errored; any further step is unexpected. */
  protected finished = false;
  protected started = false;

  step(response: Uint8Array | undefined): SaslServerStep {
    if (this.finished) return error('unexpected', 'the exchange is already over');
    const first = !this.started;
    this.started = true;
    if (response === undefined && !first) return this.end(error('unexpected', 'a response is required'));
    const out = this.advance(response, first);
    if (out.kind !== 'challenge') this.finished = true;
    return out;
  }

  fail(_details?: { readonly scope?: string; readonly status?: string }): SaslServerStep {
    this.finished = true;
    return FAILURE;
  }

  protected end(out: SaslServerStep): SaslServerStep {
    this.finished = true;
    return out;
  }

  protected abstract advance(response: Uint8Array | undefined, first: boolean): SaslServerStep;
}

class PlainMechanism extends Mechanism {
  readonly name = 'PLAIN';
  protected advance(response: Uint8Array | undefined): SaslServerStep {
    // RFC 4954 §4: without an initial response the server sends an empty challenge.
    if (response === undefined) return { kind: 'challenge', data: EMPTY };
    const parsed = parsePlainMessage(response);
    return typeof parsed === 'string'
      ? error('malformed', parsed)
      : { kind: 'credentials', credentials: parsed };
  }
}

/** The de-facto LOGIN prompts (draft-murchison-sasl-login): base64 `VXNlcm5hbWU6` and `UGFzc3dvcmQ6`. */
const LOGIN_USERNAME = latin1Bytes('Username:');
const LOGIN_PASSWORD = latin1Bytes('Password:');

class LoginMechanism extends Mechanism {
  readonly name = 'LOGIN';
  #username: string | undefined;
  protected advance(response: Uint8Array | undefined): SaslServerStep {
    if (response === undefined) return { kind: 'challenge', data: LOGIN_USERNAME };
    const text = strictUtf8(response);
    if (text === undefined) return error('malformed', 'LOGIN user name and password must be UTF-8');
    // TOLERANCE: an initial response to LOGIN is the user name, as Postfix (Cyrus SASL) and Dovecot accept.
    if (this.#username === undefined) {
      this.#username = text;
      return { kind: 'challenge', data: LOGIN_PASSWORD };
    }
    return {
      kind: 'credentials',
      credentials: { mechanism: 'LOGIN', authzid: '', username: this.#username, password: text },
    };
  }
}

class CramMd5Mechanism extends Mechanism {
  readonly name = 'CRAM-MD5';
  readonly #challenge: string;
  constructor(challenge: string) {
    super();
    this.#challenge = challenge;
  }
  protected advance(response: Uint8Array | undefined, first: boolean): SaslServerStep {
    if (first) {
      // RFC 2195 §2: the server speaks first, so an initial response is a protocol error.
      if (response !== undefined) return error('unexpected', 'CRAM-MD5 does not take an initial response');
      return { kind: 'challenge', data: latin1Bytes(this.#challenge) };
    }
    const text = strictUtf8(response ?? EMPTY);
    // RFC 2195 §2: the user name, a space, and the digest as 32 lower-case hex digits.
    const space = text?.lastIndexOf(' ') ?? -1;
    const username = text?.slice(0, space);
    const digest = text?.slice(space + 1);
    // TOLERANCE: upper-case hex is accepted (and lower-cased), as Dovecot does.
    if (space <= 0 || username === undefined || digest === undefined || !/^[0-9a-fA-F]{32}$/.test(digest))
      return error(
        'malformed',
        'CRAM-MD5 response must be "user digest" with a 32-digit hex digest (RFC 2195 §2)',
      );
    return {
      kind: 'credentials',
      credentials: {
        mechanism: 'CRAM-MD5',
        authzid: '',
        username,
        challenge: this.#challenge,
        digest: digest.toLowerCase(),
      },
    };
  }
}

class Xoauth2Mechanism extends Mechanism {
  readonly name = 'XOAUTH2';
  #rejected = false;
  protected advance(response: Uint8Array | undefined): SaslServerStep {
    // After the error challenge the client's reply (normally empty) only closes the exchange.
    if (this.#rejected) return FAILURE;
    if (response === undefined) return { kind: 'challenge', data: EMPTY };
    const parsed = parseXoauth2Message(response);
    return typeof parsed === 'string'
      ? error('malformed', parsed)
      : { kind: 'credentials', credentials: parsed };
  }
  override fail(details: { readonly scope?: string; readonly status?: string } = {}): SaslServerStep {
    if (this.#rejected) return super.fail();
    // Google's XOAUTH2: a base64 JSON error challenge; the client answers with an empty line, then 535.
    this.#rejected = true;
    this.finished = false;
    return { kind: 'challenge', data: xoauth2ErrorChallenge(details) };
  }
}

/**
 * Starts the server side of a mechanism, or returns `undefined` for a name
 * not implemented here (SMTP answers 504 5.5.4, RFC 4954 §4). Names are
 * case-insensitive. Throws if CRAM-MD5 is started without `challengeNonce`
 * (a programmer error: the caller must supply the randomness).
 */
export function startServerMechanism(
  name: string,
  options: SaslServerOptions = {},
): SaslServerMechanism | undefined {
  switch (name.toUpperCase()) {
    case 'PLAIN':
      return new PlainMechanism();
    case 'LOGIN':
      return new LoginMechanism();
    case 'CRAM-MD5': {
      if (options.challengeNonce === undefined) throw new Error('CRAM-MD5 needs a challengeNonce');
      return new CramMd5Mechanism(cramMd5Challenge(options.challengeNonce, options.hostname ?? 'localhost'));
    }
    case 'XOAUTH2':
      return new Xoauth2Mechanism();
    default:
      return undefined;
  }
}

/**
 * Whether the presented credentials match the stored secret: the password for
 * PLAIN and LOGIN, the password again for CRAM-MD5 (whose digest is keyed
 * with it, RFC 2195 §2), the token for XOAUTH2.
 * SIMPLIFICATION: no SASLprep (RFC 4013) normalisation; strings compare as given.
 */
export function verifySecret(credentials: SaslCredentials, secret: string): boolean {
  switch (credentials.mechanism) {
    case 'PLAIN':
    case 'LOGIN':
      return credentials.password === secret;
    case 'CRAM-MD5':
      return cramMd5Digest(credentials.challenge, secret) === credentials.digest;
    case 'XOAUTH2':
      return credentials.token === secret;
  }
}

// ---------------------------------------------------------------------------
// Transport encoding (RFC 4954 §4; the same rules in RFC 5034 §4 and RFC 9051 §6.2.2).

/** A client line decoded. */
export type ClientResponse =
  | { readonly kind: 'data'; readonly data: Uint8Array }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'bad-base64' };

/**
 * Decodes a client line. In a continuation, `*` cancels the exchange (RFC
 * 4954 §4, answered with 501) and an empty line is an empty response; as the
 * initial response on the AUTH line, `=` is the empty response. Base64 is
 * decoded strictly: anything else is `bad-base64` (501 5.5.2).
 */
export function decodeClientResponse(text: string, initial = false): ClientResponse {
  if (!initial && text === '*') return { kind: 'cancel' };
  if (initial && text === '=') return { kind: 'data', data: EMPTY };
  const data = base64Decode(text);
  return data === undefined ? { kind: 'bad-base64' } : { kind: 'data', data };
}

/** The text after `334 ` for a challenge: base64, empty for an empty challenge (RFC 4954 §4). */
export function encodeChallenge(data: Uint8Array): string {
  return base64Encode(data);
}

/** Base64 for a client response; an empty initial response is `=` (RFC 4954 §4). */
export function encodeClientResponse(data: Uint8Array, initial = false): string {
  return initial && data.length === 0 ? '=' : base64Encode(data);
}

// ---------------------------------------------------------------------------
// Client side.

/** RFC 4616 §2: the PLAIN message `authzid NUL username NUL password`. */
export function plainResponse(username: string, password: string, authzid = ''): Uint8Array {
  return utf8Bytes(`${authzid}\0${username}\0${password}`);
}

/**
 * LOGIN's answer to a prompt: the user name for `Username:`, the password
 * for `Password:` (matched loosely, as clients do: Exchange sends
 * `Username:`, some servers `User Name`); undefined for anything else.
 */
export function loginResponse(
  challenge: Uint8Array,
  username: string,
  password: string,
): Uint8Array | undefined {
  const prompt = utf8Text(challenge).toLowerCase();
  if (prompt.startsWith('user')) return utf8Bytes(username);
  if (prompt.startsWith('pass')) return utf8Bytes(password);
  return undefined;
}

/** RFC 2195 §2: the challenge `<nonce@hostname>`, in RFC 5322 msg-id form. */
export function cramMd5Challenge(nonce: string, hostname: string): string {
  return `<${nonce}@${hostname}>`;
}

/** RFC 2195 §2: hex(HMAC-MD5(password, challenge)), lower case. */
export function cramMd5Digest(challenge: string | Uint8Array, password: string): string {
  const c = typeof challenge === 'string' ? utf8Bytes(challenge) : challenge;
  return toHex(hmacMd5(utf8Bytes(password), c));
}

/** RFC 2195 §2: the client's response `username SP digest`. */
export function cramMd5Response(
  challenge: string | Uint8Array,
  username: string,
  password: string,
): Uint8Array {
  return utf8Bytes(`${username} ${cramMd5Digest(challenge, password)}`);
}

/** XOAUTH2's initial response: `user=… ^A auth=Bearer … ^A ^A`. */
export function xoauth2Response(username: string, token: string): Uint8Array {
  return utf8Bytes(`user=${username}\x01auth=Bearer ${token}\x01\x01`);
}

/**
 * XOAUTH2's error challenge: JSON `{"status":"401","schemes":"bearer","scope":…}`
 * (the server sends it base64 in a 334; the client answers with an empty line).
 */
export function xoauth2ErrorChallenge(
  details: { readonly scope?: string; readonly status?: string } = {},
): Uint8Array {
  return utf8Bytes(
    JSON.stringify({
      status: details.status ?? '401',
      schemes: 'bearer',
      scope: details.scope ?? 'https://mail.google.com/',
    }),
  );
}
