/**
 * What an IMAP server session knows about the port it serves: its name and
 * its policy. The agent that owns port 143/993 builds this; the machine only
 * reads it.
 */

/** Policy of one listening port. */
export interface ImapServerConfig {
  /** The name in the CRAM-MD5 challenge. */
  readonly hostname: string;
  /** RFC 3501 §5.4: the autologout timer, "at least 30 minutes". */
  readonly idleTimeoutMs: number;
  /**
   * Accept LOGIN and AUTHENTICATE PLAIN/LOGIN before TLS (teaching default:
   * true). When false, `LOGINDISABLED` is advertised before TLS (RFC 3501
   * §6.2.3), AUTH=PLAIN and AUTH=LOGIN are not, and they are refused with
   * `NO [PRIVACYREQUIRED]` (RFC 5530), as with Dovecot's
   * `disable_plaintext_auth = yes`. CRAM-MD5 stays allowed.
   */
  readonly allowPlaintextLogin: boolean;
  /** Offer STARTTLS before login (RFC 3501 §6.2.1); ignored once TLS is up (port 993 or after STARTTLS). */
  readonly offerStartTls: boolean;
  /** Largest literal the server reads (APPEND message size); larger ones get `NO [TOOBIG]` before any data. */
  readonly maxLiteralSize: number;
  /** Longest command line, literals excluded. */
  readonly maxLineLength: number;
  /** Users who may SETQUOTA (RFC 9208 §4.1.3), as Cyrus's `admins`; QUOTASET is announced to them only. */
  readonly quotaAdmins: readonly string[];
}

/** Defaults for a classroom server: plaintext login allowed, STARTTLS offered, 30-minute autologout. */
export const DEFAULT_IMAP_SERVER_CONFIG: Omit<ImapServerConfig, 'hostname'> = {
  idleTimeoutMs: 30 * 60_000,
  allowPlaintextLogin: true,
  offerStartTls: true,
  maxLiteralSize: 50 * 1024 * 1024,
  maxLineLength: 65_536,
  quotaAdmins: [],
};
