/**
 * The SMTP server session: the sans-I/O shell around `smtpServerMachine`.
 * Bytes go in through `receive`; the machine's tag chooses how they are
 * framed (command lines, SASL lines, message data, or nothing); typed events
 * go to the machine; its emitted events come back out of `poll()` as bytes
 * to transmit, TLS starts, closes, violations and accepted messages.
 *
 * Pipelined input (RFC 2920) waits in the readers while the machine is
 * paused (for TLS, or for the owner's verdict on a message) and is taken up
 * again in order. Plain text that arrives behind STARTTLS is thrown away
 * unread (RFC 3207 §6, CVE-2011-0411).
 */
import { utf8Bytes } from '../core/bytes.ts';
import { MachineSession } from '../core/machine-session.ts';
import type { SessionClock } from '../core/session.ts';

export type { SessionClock } from '../core/session.ts';
import { LineReader, MAX_COMMAND_LINE } from './codec.ts';
import { parseCommand, type ParsedCommand } from './commands.ts';
import { DataReader } from './data.ts';
import { formatReply } from './replies.ts';
import {
  smtpServerMachine,
  type ReceivedMessage,
  type Reply,
  type SmtpServerEmitted,
  type SmtpServerEvent,
  type SmtpServerInput,
} from './server.machine.ts';

/** What the server session tells its owner. */
export type SmtpServerAppEvent =
  /** A message read to the end: answer with `resolveMessage` (250 to accept, 4xx/5xx to refuse). */
  | { readonly type: 'message'; readonly message: ReceivedMessage }
  | { readonly type: 'authenticated'; readonly user: string };

/** SASL lines may carry long tokens (XOAUTH2); RFC 4954 §4 sets no limit, Postfix allows 12288. */
const MAX_SASL_LINE = 12_288;

/** One server-side SMTP connection. */
export class SmtpServerSession extends MachineSession<
  typeof smtpServerMachine,
  SmtpServerEvent,
  SmtpServerEmitted,
  SmtpServerAppEvent
> {
  readonly machineId = 'smtpServer';
  readonly #lines = new LineReader({ maxLineLength: MAX_COMMAND_LINE });
  readonly #saslLines = new LineReader({ maxLineLength: MAX_SASL_LINE });
  readonly #lenient: boolean;
  readonly #maxSize: number;
  #data: DataReader | undefined;
  #pendingData: Uint8Array[] = [];
  /** When the client last sent anything (virtual ms), for the idle timer. */
  readonly #heard: { at: number };
  readonly #clock: { readonly now: number };

  constructor(input: SmtpServerInput, clock: SessionClock & { readonly now: number }) {
    const heard = { at: clock.now };
    super(smtpServerMachine, { ...input, quietFor: () => clock.now - heard.at }, clock);
    this.#heard = heard;
    this.#clock = clock;
    this.#lenient = input.config.lenientEndOfData;
    this.#maxSize = input.config.maxMessageSize;
    this.start();
  }

  /**
   * The owner's verdict on the message it was given: 250 with a queue id to
   * accept, or a refusal. It may come at once or later (after SPF/DMARC
   * lookups); either way the driver is woken to send the reply.
   */
  resolveMessage(reply: Reply): void {
    this.input(() => this.sendToMachine({ type: 'policy.verdict', reply }));
    this.wake();
  }

  protected handleEmitted(e: SmtpServerEmitted): void {
    switch (e.type) {
      case 'out.reply':
        this.transmit(encodeReply(e.reply));
        break;
      case 'out.startTls':
        // Whatever the client pipelined behind STARTTLS is injected plain text.
        if (this.#lines.takeBuffered().length > 0)
          this.violation(
            'RFC 3207 §6',
            'commands pipelined after STARTTLS were discarded (plaintext injection)',
          );
        this.output({ kind: 'startTls' });
        break;
      case 'out.close':
        this.closeOnce();
        break;
      case 'out.violation':
        this.violation(e.rule, e.message);
        break;
      case 'out.message':
        this.appEvent({ type: 'message', message: e.message });
        break;
      case 'out.authenticated':
        this.appEvent({ type: 'authenticated', user: e.user });
        break;
    }
  }

  protected bufferBytes(bytes: Uint8Array): void {
    this.#heard.at = this.#clock.now;
    if (this.#data) this.#pendingData.push(bytes);
    else this.#lines.push(bytes);
  }

  protected readInput(): void {
    while (this.active && !this.hasTag('codec:paused')) {
      if (this.hasTag('codec:data')) {
        if (!this.#feedData()) return;
        continue;
      }
      if (this.hasTag('codec:sasl')) {
        const line = this.#saslLine();
        if (!line) return;
        this.sendToMachine(line);
        continue;
      }
      const line = this.#lines.next();
      if (!line) return;
      if (line.kind === 'too-long') this.sendToMachine({ type: 'line.tooLong' });
      else if (line.hasNul) this.sendToMachine({ type: 'cmd.UNKNOWN', word: '' });
      else this.sendToMachine(commandEvent(parseCommand(line.text)));
    }
  }

  /** Data mode: returns true when the message ended (and the rest went back to command mode). */
  #feedData(): boolean {
    if (!this.#data) {
      this.#data = new DataReader({ maxBytes: this.#maxSize, lenientEndOfData: this.#lenient });
      // Bytes pipelined behind DATA are the start of the message.
      this.#pendingData.unshift(this.#lines.takeBuffered());
    }
    while (this.#pendingData.length > 0) {
      const result = this.#data.push(this.#pendingData.shift()!);
      if (result) {
        this.#data = undefined;
        const rest = [result.rest, ...this.#pendingData.splice(0)];
        for (const chunk of rest) this.#lines.push(chunk);
        this.sendToMachine({ type: 'data.complete', result });
        return true;
      }
    }
    return false;
  }

  /** SASL mode reads lines with a larger limit; they share the command buffer. */
  #saslLine(): SmtpServerEvent | undefined {
    this.#saslLines.push(this.#lines.takeBuffered());
    const line = this.#saslLines.next();
    this.#lines.push(this.#saslLines.takeBuffered());
    if (!line) return undefined;
    if (line.kind === 'too-long') return { type: 'sasl.tooLong' };
    return { type: 'sasl.response', text: line.text };
  }
}

function commandEvent(cmd: ParsedCommand): SmtpServerEvent {
  switch (cmd.verb) {
    case 'HELO':
    case 'EHLO':
      return { type: `cmd.${cmd.verb}`, domain: cmd.domain };
    case 'MAIL':
      return { type: 'cmd.MAIL', from: cmd.from, params: cmd.params, utf8: cmd.utf8 };
    case 'RCPT':
      return { type: 'cmd.RCPT', to: cmd.to, params: cmd.params, utf8: cmd.utf8 };
    case 'DATA':
    case 'RSET':
    case 'QUIT':
    case 'STARTTLS':
      return { type: `cmd.${cmd.verb}` };
    case 'NOOP':
      return { type: 'cmd.NOOP' };
    case 'VRFY':
    case 'EXPN':
      return { type: `cmd.${cmd.verb}`, arg: cmd.arg };
    case 'HELP':
      return { type: 'cmd.HELP', topic: cmd.topic ?? '' };
    case 'AUTH':
      return { type: 'cmd.AUTH', mechanism: cmd.mechanism, initialResponse: cmd.initialResponse };
    case 'UNKNOWN':
      return { type: 'cmd.UNKNOWN', word: cmd.word };
    case 'INVALID':
      return {
        type: 'cmd.INVALID',
        reply: { code: cmd.replyCode, text: cmd.reason, ...(cmd.enhanced ? { enhanced: cmd.enhanced } : {}) },
      };
  }
}

function encodeReply(reply: Reply): Uint8Array {
  const lines = typeof reply.text === 'string' ? [reply.text] : reply.text;
  return utf8Bytes(formatReply(reply.code, [...lines], reply.enhanced));
}
