/**
 * A simulated OAuth 2.0 authorisation server, enough for XOAUTH2: it issues
 * bearer tokens to users and mail servers check them. Tokens are drawn from
 * the world's seeded random source, so a replay issues the same ones.
 *
 * SIMPLIFICATION: no scopes, no refresh, no expiry unless revoked.
 */
import { toHex } from '../core/bytes.ts';
import type { SeededRandom } from '../core/random.ts';

/** Issues and checks bearer tokens. */
export class IdentityProvider {
  readonly #tokens = new Map<string, string>();

  constructor(readonly random: SeededRandom) {}

  /** A new bearer token for `user` (RFC 6750 §2.1). */
  issueToken(user: string): string {
    const token = `ya29.${toHex(this.random.bytes(16))}`;
    this.#tokens.set(token, user.toLowerCase());
    return token;
  }

  /** Whether `token` was issued to `user` and not revoked. */
  checkToken(user: string, token: string): boolean {
    return this.#tokens.get(token) === user.toLowerCase();
  }

  /** Revokes a token. */
  revoke(token: string): void {
    this.#tokens.delete(token);
  }
}
