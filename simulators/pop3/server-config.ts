/**
 * What a POP3 server session knows about the world it serves in: its name,
 * its policy, and the memory of past logins that LOGIN-DELAY needs. The agent
 * that owns port 110/995 builds this; the machine only reads it.
 */

/** SASL mechanisms the POP3 server can check against the store's passwords (RFC 5034). */
export type Pop3SaslMechanism = 'PLAIN' | 'LOGIN' | 'CRAM-MD5';

/** Policy of one listening port. */
export interface Pop3ServerConfig {
  /** The name in the APOP timestamp and the CRAM-MD5 challenge. */
  readonly hostname: string;
  /** RFC 1939 §3: the autologout timer, "at least 10 minutes". */
  readonly idleTimeoutMs: number;
  /** Offer STLS before login (RFC 2595 §4); ignored once TLS is up (port 995 or after STLS). */
  readonly offerStls: boolean;
  /**
   * Accept USER/PASS, APOP and the PLAIN and LOGIN mechanisms without TLS
   * (teaching default: true). When false, USER and PLAIN/LOGIN are not
   * advertised before TLS and all of them are refused with `-ERR [AUTH]`, as
   * with Dovecot's `disable_plaintext_auth = yes` (which, unlike us, would
   * still allow APOP: its digest does not reveal the password; CRAM-MD5
   * stays allowed here too).
   */
  readonly allowPlaintextAuth: boolean;
  /** AUTH mechanisms offered, in the order CAPA lists them. */
  readonly saslMechanisms: readonly Pop3SaslMechanism[];
  /**
   * RFC 2449 §6.5 LOGIN-DELAY: the least time between two logins of a user.
   * Enforced (and advertised) only when the session has a {@link Pop3LoginRegistry}.
   */
  readonly loginDelayMs?: number;
}

/** Defaults for a classroom server: USER/PASS allowed in the clear, STLS offered, 10-minute autologout. */
export const DEFAULT_POP3_SERVER_CONFIG: Omit<Pop3ServerConfig, 'hostname'> = {
  idleTimeoutMs: 600_000,
  offerStls: true,
  allowPlaintextAuth: true,
  saslMechanisms: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
};

/**
 * When each user last logged in, for LOGIN-DELAY (RFC 2449 §6.5). The store's
 * Account has no field for it, and it belongs to the POP3 service rather than
 * to the mail, so the server agent keeps one registry per host and hands it
 * to every session.
 */
export class Pop3LoginRegistry {
  readonly #last = new Map<string, number>();

  /** Epoch ms of the user's last successful login, if any. */
  lastLogin(address: string): number | undefined {
    return this.#last.get(address.toLowerCase());
  }

  /** Records a successful login. */
  recordLogin(address: string, at: number): void {
    this.#last.set(address.toLowerCase(), at);
  }
}
