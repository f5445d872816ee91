/**
 * What the AUTH PLAIN helper shows: the SASL PLAIN message (RFC 4616 §2,
 * `authzid NUL authcid NUL passwd`, with an empty authzid) and its base64
 * form, sent as the initial response of `AUTH PLAIN` (RFC 4954 §4).
 */
import { base64Encode, plainResponse } from '../../../simulators/index.ts';

/** The helper's output for one user name and password. */
export interface AuthPlain {
  /** The message with each NUL shown as `\0`, for reading. */
  readonly message: string;
  /** Its base64 (RFC 4648 §4). */
  readonly base64: string;
  /** The command line to send. */
  readonly command: string;
}

/** Builds the AUTH PLAIN initial response for `user` and `password`. */
export function authPlain(user: string, password: string): AuthPlain {
  const base64 = base64Encode(plainResponse(user, password));
  return { message: `\\0${user}\\0${password}`, base64, command: `AUTH PLAIN ${base64}` };
}
