/**
 * The POP3 server session: the sans-I/O shell around `pop3ServerMachine`.
 * Bytes go in through `receive`; the machine's tag chooses how they are
 * framed (command lines of ≤ 255 octets, longer SASL lines, or nothing);
 * typed events go to the machine; its emitted events come back out of
 * `poll()` as bytes to transmit (multi-line responses dot-stuffed by the
 * codec), TLS starts, closes, violations and the owner's events.
 *
 * Pipelined commands (RFC 2449 §6.6) wait in the reader while the machine is
 * paused and are answered in order. Plain text that arrives behind STLS is
 * thrown away unread (RFC 2595 §3.1, as for STARTTLS in CVE-2011-0411).
 *
 * The maildrop lock is released in every way a session can end: QUIT
 * (UPDATE), the peer's close, the autologout, and `stop()`, which the driver
 * calls when the connection goes away for any reason.
 */
import { dottedState, MachineSession } from '../core/machine-session.ts';
import type { SessionClock } from '../core/session.ts';

export type { SessionClock } from '../core/session.ts';
import {
  formatResponse,
  LineReader,
  MAX_COMMAND_LINE,
  parsePop3Command,
  type Pop3BadCommand,
  type Pop3Command,
} from './codec.ts';
import {
  pop3ServerMachine,
  releaseMaildropLock,
  type Pop3ServerEmitted,
  type Pop3ServerEvent,
  type Pop3ServerInput,
} from './server.machine.ts';

/** What the server session tells its owner. */
export type Pop3ServerAppEvent =
  | { readonly type: 'loggedIn'; readonly user: string }
  /** UPDATE removed these messages from the user's INBOX (RFC 1939 §6). */
  | { readonly type: 'expunged'; readonly user: string; readonly uids: readonly number[] };

/** SASL continuation lines are not bound by the 255-octet command limit; Postfix and Dovecot allow about 12 KiB. */
const MAX_SASL_LINE = 12_288;

/** One server-side POP3 connection. */
export class Pop3ServerSession extends MachineSession<
  typeof pop3ServerMachine,
  Pop3ServerEvent,
  Pop3ServerEmitted,
  Pop3ServerAppEvent
> {
  readonly machineId = 'pop3Server';
  readonly #input: Pop3ServerInput;
  readonly #lines = new LineReader({ maxLineLength: MAX_COMMAND_LINE });
  readonly #saslLines = new LineReader({ maxLineLength: MAX_SASL_LINE });

  constructor(input: Pop3ServerInput, clock: SessionClock) {
    super(pop3ServerMachine, input, clock, protocolState);
    this.#input = input;
    this.start();
  }

  /** Stops the machine and its timer, and gives up the maildrop lock without deleting anything. */
  override stop(): void {
    super.stop();
    releaseMaildropLock(this.#input.store, this.#input.sessionId);
  }

  protected handleEmitted(e: Pop3ServerEmitted): void {
    switch (e.type) {
      case 'out.reply':
        this.transmit(formatResponse(e.reply));
        break;
      case 'out.startTls':
        if (this.#lines.takeBuffered().length > 0)
          this.violation(
            'RFC 2595 §3.1',
            'commands pipelined after STLS were discarded (plaintext injection)',
          );
        this.output({ kind: 'startTls' });
        break;
      case 'out.close':
        this.closeOnce();
        break;
      case 'out.violation':
        this.violation(e.rule, e.message);
        break;
      case 'out.loggedIn':
        this.appEvent({ type: 'loggedIn', user: e.user });
        break;
      case 'out.expunged':
        this.appEvent({ type: 'expunged', user: e.user, uids: e.uids });
        break;
    }
  }

  protected bufferBytes(bytes: Uint8Array): void {
    this.sendToMachine({ type: 'net.activity' });
    this.#lines.push(bytes);
  }

  /** Feeds buffered lines to the machine for as long as its state reads input. */
  protected readInput(): void {
    while (this.active && !this.hasTag('codec:paused')) {
      if (this.hasTag('codec:sasl')) {
        const event = this.#saslLine();
        if (!event) return;
        this.sendToMachine(event);
        continue;
      }
      const line = this.#lines.next();
      if (!line) return;
      this.sendToMachine(
        line.kind === 'too-long' ? { type: 'line.tooLong' } : commandEvent(parsePop3Command(line.text)),
      );
    }
  }

  /** SASL mode reads lines with a larger limit; they share the command buffer. */
  #saslLine(): Pop3ServerEvent | undefined {
    this.#saslLines.push(this.#lines.takeBuffered());
    const line = this.#saslLines.next();
    this.#lines.push(this.#saslLines.takeBuffered());
    if (!line) return undefined;
    return line.kind === 'too-long' ? { type: 'sasl.tooLong' } : { type: 'sasl.response', text: line.text };
  }
}

/** The machine's event for a parsed command line. */
export function commandEvent(command: Pop3Command | Pop3BadCommand): Pop3ServerEvent {
  switch (command.verb) {
    case 'USER':
      return { type: 'cmd.USER', name: command.name };
    case 'PASS':
      return { type: 'cmd.PASS', password: command.password };
    case 'APOP':
      return { type: 'cmd.APOP', name: command.name, digest: command.digest };
    case 'AUTH':
      return { type: 'cmd.AUTH', mechanism: command.mechanism, initialResponse: command.initialResponse };
    case 'LIST':
    case 'UIDL':
      return { type: `cmd.${command.verb}`, msg: command.msg };
    case 'RETR':
    case 'DELE':
      return { type: `cmd.${command.verb}`, msg: command.msg };
    case 'TOP':
      return { type: 'cmd.TOP', msg: command.msg, lines: command.lines };
    case 'UNKNOWN':
      return { type: 'cmd.UNKNOWN', word: command.word };
    case 'INVALID':
      return { type: 'cmd.INVALID', word: command.word, reason: command.reason };
    default:
      return { type: `cmd.${command.verb}` };
  }
}

/**
 * The state value as the dotted protocol state: `active`'s `protocol` region
 * (`authorization.awaitingUser`, `transaction`), or `update` / `closed`.
 */
function protocolState(value: unknown): string {
  if (value && typeof value === 'object' && 'active' in value)
    return dottedState((value as { active: { protocol?: unknown } }).active.protocol);
  return dottedState(value);
}
