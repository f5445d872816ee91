/**
 * The SMTP server machine's vocabulary: the events it takes, the events it
 * emits, its input and context. Kept apart from server.machine.ts so the
 * machine file reads as the state chart it is.
 */
import type { SaslServerMechanism } from '../auth/sasl.ts';
import type { TlsInfo } from '../core/session.ts';
import type { MailParams, RcptParams } from './commands.ts';
import type { DataResult } from './data.ts';
import type { SmtpDirectory, SmtpPeer, SmtpServerConfig } from './server-config.ts';

/** A reply as the machine decides it; the session formats it. */
export interface Reply {
  readonly code: number;
  readonly enhanced?: string;
  readonly text: string | readonly string[];
}

/** The envelope of the transaction in progress (RFC 5321 §2.3.1). */
export interface Envelope {
  /** Reverse path; '' is the null sender `<>` of bounces. */
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
  /** MAIL FROM's parameters (SIZE, BODY, SMTPUTF8, …). */
  readonly params: MailParams;
}

/** A message the server has read to the final dot and asks its owner to accept. */
export interface ReceivedMessage {
  readonly envelope: Envelope;
  /** The message with this server's Received: header prepended. */
  readonly data: Uint8Array;
  readonly queueId: string;
  /** The client's HELO name, address and authentication, for the owner's policy (SPF, DMARC, relaying). */
  readonly helo: string;
  readonly peer: SmtpPeer;
  readonly authenticatedAs: string | undefined;
  readonly tls: boolean;
}

/** Events the session feeds the machine. */
export type SmtpServerEvent =
  | { type: 'cmd.HELO'; domain: string }
  | { type: 'cmd.EHLO'; domain: string }
  | { type: 'cmd.MAIL'; from: string; params: MailParams; utf8: boolean }
  | { type: 'cmd.RCPT'; to: string; params: RcptParams; utf8: boolean }
  | { type: 'cmd.DATA' }
  | { type: 'cmd.RSET' }
  | { type: 'cmd.VRFY'; arg: string }
  | { type: 'cmd.EXPN'; arg: string }
  | { type: 'cmd.HELP'; topic: string }
  | { type: 'cmd.NOOP' }
  | { type: 'cmd.QUIT' }
  | { type: 'cmd.STARTTLS' }
  | { type: 'cmd.AUTH'; mechanism: string; initialResponse: string | undefined }
  | { type: 'cmd.UNKNOWN'; word: string }
  /** A command whose syntax is wrong; the codec chose the reply. */
  | { type: 'cmd.INVALID'; reply: Reply }
  | { type: 'line.tooLong' }
  | { type: 'sasl.response'; text: string }
  | { type: 'sasl.tooLong' }
  | { type: 'data.complete'; result: DataResult }
  | { type: 'tls.established'; info: TlsInfo }
  /** The owner's answer to `out.message`: 250 with a queue id, or a refusal. */
  | { type: 'policy.verdict'; reply: Reply }
  | { type: 'net.closed' };

/** Internal events raised by SASL steps. */
export type SaslOutcome =
  | { type: 'sasl.challenge'; data: string }
  | { type: 'sasl.credentials'; user: string; valid: boolean }
  | { type: 'sasl.aborted' }
  | { type: 'sasl.malformed'; reason: string };

/** What the machine asks for. */
export type SmtpServerEmitted =
  | { type: 'out.reply'; reply: Reply }
  | { type: 'out.startTls' }
  | { type: 'out.close' }
  | { type: 'out.message'; message: ReceivedMessage }
  | { type: 'out.violation'; rule: string; message: string }
  | { type: 'out.authenticated'; user: string };

/** Input of one session. */
export interface SmtpServerInput {
  readonly config: SmtpServerConfig;
  readonly directory: SmtpDirectory;
  readonly peer: SmtpPeer;
  /** Virtual wall-clock time, epoch ms (for Received:). */
  readonly now: () => number;
  /** A fresh queue id (from the world's seeded random). */
  readonly queueId: () => string;
  /** The unique part of a CRAM-MD5 challenge, `random.time` (RFC 2195 §2). */
  readonly nonce: () => string;
  /**
   * Refuse this client at once with this reply instead of the 220 greeting
   * (RFC 5321 §3.1: a 554 or 421 greeting), e.g. over a rate limit.
   */
  readonly refusal?: Reply;
  /**
   * How long the client has been silent, in virtual ms: the session measures
   * it as bytes arrive, so the idle timer needs no event per read. Without
   * it the machine hears no input and times out a full `idleTimeoutMs` after
   * the timer started.
   */
  readonly quietFor?: () => number;
}

export interface SmtpServerContext extends SmtpServerInput {
  tls: TlsInfo | undefined;
  heloName: string | undefined;
  esmtp: boolean;
  authenticatedAs: string | undefined;
  envelope: Envelope | undefined;
  sasl: SaslServerMechanism | undefined;
  errors: number;
}
