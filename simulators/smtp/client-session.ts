/**
 * The SMTP client session: the sans-I/O shell around `smtpClientMachine`.
 * Bytes from the server go in through `receive`, are cut into lines and
 * assembled into replies (RFC 5321 §4.2.1), and each whole reply goes to the
 * machine as one `reply.*` event named by its class. What the machine emits
 * comes back out of `poll()`: commands and message bodies as bytes (the body
 * dot-stuffed here, RFC 5321 §4.5.2), TLS starts, closes, violations, and the
 * owner's events (`ready`, one `result` per message, `failed`).
 *
 * A pipelined batch (RFC 2920) leaves as one `transmit`, as a real client
 * writes it in one go. Reply text that arrives behind the 220 to STARTTLS is
 * thrown away unread: a man in the middle could have injected it in plain
 * text to be taken as an answer after TLS (RFC 3207 §6, the client side of
 * CVE-2011-0411).
 */
import { utf8Bytes } from '../core/bytes.ts';
import { MachineSession } from '../core/machine-session.ts';
import { LineReader } from './codec.ts';
import { formatCommand, type SmtpCommand } from './commands.ts';
import { dotStuff } from './data.ts';
import { ReplyAssembler, type Reply as WireReply } from './replies.ts';
import {
  smtpClientMachine,
  syntheticReply,
  type SmtpClientEmitted,
  type SmtpClientEvent,
} from './client.machine.ts';
import type { SessionClock } from '../core/session.ts';
import type { Reply } from './server.machine.ts';

export type { Reply, SessionClock };

/** One message to send: its envelope (RFC 5321 §2.3.1) and content. */
export interface OutgoingMessage {
  /** The owner's handle, echoed in the result. */
  readonly id: string;
  /** Reverse path; `''` is the null sender `<>` of bounces (RFC 5321 §4.5.5). */
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
  /** The message (RFC 5322), CRLF lines, not dot-stuffed. */
  readonly data: Uint8Array;
  /** Addresses or headers hold UTF-8: needs SMTPUTF8 (RFC 6531). */
  readonly utf8?: boolean;
}

/** Credentials and SASL preferences (RFC 4954). */
export interface SmtpClientAuth {
  readonly username: string;
  readonly password?: string;
  /** An OAuth 2.0 bearer token, for XOAUTH2. */
  readonly token?: string;
  /**
   * Mechanisms in order of preference; the first the server offers wins.
   * Default `['XOAUTH2']` with a token, else `['CRAM-MD5', 'PLAIN', 'LOGIN']`.
   */
  readonly mechanisms?: readonly string[];
}

/** How one client connection behaves. */
export interface SmtpClientConfig {
  /** The name sent in EHLO/HELO (RFC 5321 §4.1.1.1: the client's FQDN or an address literal). */
  readonly heloName: string;
  /**
   * `'required'`: fail if STARTTLS is not offered (a MUA, in the spirit of
   * RFC 8314); `'opportunistic'`: use it when offered (an MTA, RFC 3207);
   * `'none'`. Ignored when `implicitTls`.
   */
  readonly tls: 'required' | 'opportunistic' | 'none';
  /** TLS from the first byte (port 465, RFC 8314 §3): no STARTTLS. */
  readonly implicitTls: boolean;
  readonly auth?: SmtpClientAuth;
  /** RFC 5321 §4.5.3.2 client timeouts; SIMPLIFICATION: one value for every reply (e.g. 300000). */
  readonly replyTimeoutMs: number;
}

/** What one recipient of a message came to. */
export interface RecipientResult {
  readonly address: string;
  readonly reply: Reply;
}

/** What the client session tells its owner. */
export type SmtpClientAppEvent =
  /** The session is greeted, secured and authenticated as configured; messages flow from now on. */
  | {
      readonly type: 'ready';
      readonly extensions: ReadonlyMap<string, readonly string[]>;
      readonly tls: boolean;
      readonly authenticated: boolean;
    }
  /**
   * One per message: each recipient's RCPT reply if that was not 2xx, else
   * the reply to the final dot (or to DATA if DATA failed, or to MAIL if MAIL
   * failed). Replies the server never gave are synthetic (4xx, or 5xx for a
   * message refused locally for SIZE or SMTPUTF8).
   */
  | { readonly type: 'result'; readonly messageId: string; readonly recipients: readonly RecipientResult[] }
  /**
   * The session could not go on. Every message not yet answered has been
   * reported in a `result` with a synthetic 4xx before this event.
   */
  | { readonly type: 'failed'; readonly reason: string; readonly reply?: Reply; readonly permanent: boolean };

/**
 * TOLERANCE: replies may be longer than RFC 5321 §4.5.3.1.5's 512 octets; we
 * read up to 2048 as Postfix's client does (`line_length_limit`).
 */
const MAX_CLIENT_REPLY_LINE = 2048;

/** One client-side SMTP connection. */
export class SmtpClientSession extends MachineSession<
  typeof smtpClientMachine,
  SmtpClientEvent,
  SmtpClientEmitted,
  SmtpClientAppEvent
> {
  readonly machineId = 'smtpClient';
  readonly #lines = new LineReader({ maxLineLength: MAX_CLIENT_REPLY_LINE });
  readonly #replies = new ReplyAssembler();

  /** Starts the machine; it waits for the server's greeting. */
  constructor(config: SmtpClientConfig, clock: SessionClock) {
    super(smtpClientMachine, { config }, clock);
    this.start();
  }

  /**
   * Queues a message. It may come before or after `ready`; messages share the
   * connection in order. After the session has closed, the message is
   * reported at once with a synthetic 4xx, so it is never lost.
   */
  send(message: OutgoingMessage): void {
    if (!this.active) {
      const reply = syntheticReply(451, '4.4.2', 'not sent: the session is closed');
      this.appEvent({
        type: 'result',
        messageId: message.id,
        recipients: message.rcptTo.map((address) => ({ address, reply })),
      });
      this.wake();
      return;
    }
    this.input(() => this.sendToMachine({ type: 'app.send', message }));
    this.wake();
  }

  /** After the queued messages: QUIT, await 221, then `close`. */
  quit(): void {
    this.input(() => this.sendToMachine({ type: 'app.quit' }));
    this.wake();
  }

  protected handleEmitted(e: SmtpClientEmitted): void {
    switch (e.type) {
      case 'out.commands':
        this.transmit(encodeBatch(e.commands));
        break;
      case 'out.body':
        this.transmit(dotStuff(e.data));
        break;
      case 'out.saslResponse':
        this.transmit(utf8Bytes(`${e.text}\r\n`));
        break;
      case 'out.startTls':
        // Anything read behind the 220 was sent in the clear before TLS: injected (RFC 3207 §6).
        if (this.#lines.takeBuffered().length > 0 || this.#replies.pending)
          this.violation(
            'RFC 3207 §6',
            'reply text received after the 220 to STARTTLS was discarded (plaintext injection)',
          );
        this.output({ kind: 'startTls' });
        break;
      case 'out.close':
        this.closeOnce();
        break;
      case 'out.violation':
        this.violation(e.rule, e.message);
        break;
      case 'out.ready':
        this.appEvent({
          type: 'ready',
          extensions: e.extensions,
          tls: e.tls,
          authenticated: e.authenticated,
        });
        break;
      case 'out.result':
        this.appEvent({ type: 'result', messageId: e.messageId, recipients: e.recipients });
        break;
      case 'out.failed':
        this.appEvent({
          type: 'failed',
          reason: e.reason,
          permanent: e.permanent,
          ...(e.reply ? { reply: e.reply } : {}),
        });
        break;
    }
  }

  protected bufferBytes(bytes: Uint8Array): void {
    this.#lines.push(bytes);
  }

  /** Turns buffered lines into replies for as long as the machine reads them. */
  protected readInput(): void {
    while (this.active && !this.hasTag('codec:paused')) {
      const line = this.#lines.next();
      if (!line) return;
      if (line.kind === 'too-long') {
        this.sendToMachine({
          type: 'reply.malformed',
          line: '',
          reason: `reply line longer than ${line.limit} octets (RFC 5321 §4.5.3.1.5)`,
        });
        continue;
      }
      const result = this.#replies.push(line.text);
      if (!result) continue;
      if (result.kind === 'malformed')
        this.sendToMachine({ type: 'reply.malformed', line: result.line, reason: result.reason });
      else this.sendToMachine(replyEvent(result.reply));
    }
  }
}

/** RFC 5321 §4.2.1: act on the first digit; 421 is the server closing the channel (§3.8). */
function replyEvent(wire: WireReply): SmtpClientEvent {
  const reply: Reply = {
    code: wire.code,
    ...(wire.enhanced !== undefined ? { enhanced: wire.enhanced } : {}),
    text: wire.lines.length === 1 ? (wire.lines[0] ?? '') : wire.lines,
  };
  if (reply.code === 421) return { type: 'reply.421', reply };
  switch (Math.floor(reply.code / 100)) {
    case 2:
      return { type: 'reply.2xx', reply };
    case 3:
      return { type: 'reply.3xx', reply };
    case 4:
      return { type: 'reply.4xx', reply };
    default:
      return { type: 'reply.5xx', reply };
  }
}

/** The commands of one write, each with its CRLF. */
function encodeBatch(commands: readonly SmtpCommand[]): Uint8Array {
  return utf8Bytes(commands.map((c) => `${formatCommand(c)}\r\n`).join(''));
}
