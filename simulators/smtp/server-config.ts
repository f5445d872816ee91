/**
 * What an SMTP server session knows about the world it serves in: its name,
 * its role's policy, its limits, and a directory to ask about domains, users
 * and credentials. The agent that owns the port builds this; the machine only
 * reads it.
 */

/** The two faces of an SMTP server (RFC 6409 §3). */
export type SmtpServerRole = 'mx' | 'submission';

/** Answers the server needs about users; the store and the identity provider implement it. */
export interface SmtpDirectory {
  /** Mail for this domain is delivered here (Postfix `mydestination`). */
  isLocalDomain(domain: string): boolean;
  /** A mailbox exists for this address (Postfix `local_recipient_maps`). */
  hasMailbox(address: string): boolean;
  /**
   * The mailbox cannot take a message of `size` octets (0: size not declared)
   * without passing its quota; RCPT then gets `452 4.2.2` (Postfix with
   * Dovecot's quota-status policy service). Absent: never full.
   */
  mailboxFull?(address: string, size: number): boolean;
  /** Checks a user name and password (PLAIN, LOGIN). */
  checkPassword(user: string, password: string): boolean;
  /** The stored secret, which CRAM-MD5 needs to check a digest (RFC 2195 §2). */
  secretOf(user: string): string | undefined;
  /** Checks an OAuth 2.0 bearer token issued by the world's identity provider (XOAUTH2). */
  checkToken(user: string, token: string): boolean;
}

/** Policy and limits of one listening port. */
export interface SmtpServerConfig {
  /** The name in the greeting, EHLO reply and Received: header. */
  readonly hostname: string;
  readonly role: SmtpServerRole;
  /** Text after the name in the 220 greeting. */
  readonly banner: string;
  /** RFC 1870 SIZE, octets. Postfix `message_size_limit` default: 10240000. */
  readonly maxMessageSize: number;
  /** RCPT commands accepted per transaction; more get 452 (RFC 5321 §4.5.3.1.8 asks for ≥ 100). */
  readonly maxRecipients: number;
  /** Time without input before 421 (RFC 5321 §4.5.3.2.7: at least 5 minutes). */
  readonly idleTimeoutMs: number;
  /** Errors tolerated before 421 and close (Postfix `smtpd_hard_error_limit` = 20). */
  readonly maxErrors: number;
  /** Received: headers allowed before 554 5.4.6 (RFC 5321 §6.3; Postfix `hopcount_limit` = 50, we use 25). */
  readonly maxHops: number;
  /** SASL mechanisms offered, in order of preference. */
  readonly authMechanisms: readonly string[];
  /** MAIL needs AUTH first (the MSA, RFC 6409 §4.3). */
  readonly requireAuth: boolean;
  /** Offer and accept AUTH over plain text (teaching only; Postfix `smtpd_tls_auth_only = no`). */
  readonly allowAuthWithoutTls: boolean;
  /** STARTTLS is offered (RFC 3207). */
  readonly offerStartTls: boolean;
  /** Relay for anyone (teaching only). */
  readonly openRelay: boolean;
  /** End DATA at bare-LF dots too: the SMTP-smuggling-vulnerable receiver (teaching only). */
  readonly lenientEndOfData: boolean;
  /** VRFY answers 252 for existing users (Postfix default) instead of 502. */
  readonly vrfy: boolean;
  /**
   * Connections one client address may open per minute; beyond it the
   * greeting is `421 4.7.0` (Postfix `smtpd_client_connection_rate_limit`,
   * off by default: 0).
   */
  readonly connectionRateLimit: number;
}

/** Defaults modelled on a stock Postfix. */
export const DEFAULT_SMTP_SERVER_CONFIG: Omit<SmtpServerConfig, 'hostname' | 'role'> = {
  banner: 'ESMTP Mailroom',
  maxMessageSize: 10_240_000,
  maxRecipients: 100,
  idleTimeoutMs: 300_000,
  maxErrors: 20,
  maxHops: 25,
  authMechanisms: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'],
  requireAuth: false,
  allowAuthWithoutTls: false,
  offerStartTls: true,
  openRelay: false,
  lenientEndOfData: false,
  vrfy: true,
  connectionRateLimit: 0,
};

/** What the server knows about the client of one session. */
export interface SmtpPeer {
  /** The client's IP address. */
  readonly address: string;
  /** Its name from reverse DNS, when the PTR lookup found one that maps back. */
  readonly hostname?: string;
  /** The connection started with TLS (ports 465): no STARTTLS, Received says ESMTPS. */
  readonly implicitTls: boolean;
}
