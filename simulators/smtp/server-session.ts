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
import { createActor, type Actor } from 'xstate';
import { utf8Bytes } from '../core/bytes.ts';
import type { EngineSession, SessionClock, SessionOutput, TlsInfo } from '../core/session.ts';

export type { SessionClock } from '../core/session.ts';
import { LineReader, MAX_COMMAND_LINE } from './codec.ts';
import { parseCommand, type ParsedCommand } from './commands.ts';
import { DataReader } from './data.ts';
import { formatReply } from './replies.ts';
import {
  smtpServerMachine,
  type ReceivedMessage,
  type Reply,
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
export class SmtpServerSession implements EngineSession<SmtpServerAppEvent> {
  readonly machineId = 'smtpServer';
  readonly #actor: Actor<typeof smtpServerMachine>;
  readonly #outputs: SessionOutput<SmtpServerAppEvent>[] = [];
  readonly #lines = new LineReader({ maxLineLength: MAX_COMMAND_LINE });
  readonly #saslLines = new LineReader({ maxLineLength: MAX_SASL_LINE });
  readonly #lenient: boolean;
  readonly #maxSize: number;
  #data: DataReader | undefined;
  #waker: (() => void) | undefined;
  #lastState = '';
  #pumping = false;
  /** Inside an input call, whose caller drains the outputs itself. */
  #busy = false;
  #ended = false;
  #closeSent = false;
  #lastEvent = 'start';
  #pendingData: Uint8Array[] = [];

  constructor(input: SmtpServerInput, clock: SessionClock) {
    this.#lenient = input.config.lenientEndOfData;
    this.#maxSize = input.config.maxMessageSize;
    this.#actor = createActor(smtpServerMachine, { input, clock });
    this.#actor.on('*', (e) => {
      switch (e.type) {
        case 'out.reply':
          this.#outputs.push({ kind: 'transmit', bytes: encodeReply(e.reply) });
          break;
        case 'out.startTls':
          // Whatever the client pipelined behind STARTTLS is injected plain text.
          if (this.#lines.takeBuffered().length > 0)
            this.#outputs.push({
              kind: 'violation',
              by: 'peer',
              rule: 'RFC 3207 §6',
              message: 'commands pipelined after STARTTLS were discarded (plaintext injection)',
            });
          this.#outputs.push({ kind: 'startTls' });
          break;
        case 'out.close':
          // Closing after QUIT and again when the peer's FIN arrives is one close on the wire.
          if (!this.#closeSent) this.#outputs.push({ kind: 'close' });
          this.#closeSent = true;
          break;
        case 'out.violation':
          this.#outputs.push({ kind: 'violation', by: 'peer', rule: e.rule, message: e.message });
          break;
        case 'out.message':
          this.#outputs.push({ kind: 'event', event: { type: 'message', message: e.message } });
          break;
        case 'out.authenticated':
          this.#outputs.push({ kind: 'event', event: { type: 'authenticated', user: e.user } });
          break;
      }
    });
    this.#actor.subscribe((snapshot) => {
      const state = protocolState(snapshot.value);
      if (state !== this.#lastState) {
        this.#lastState = state;
        this.#outputs.push({ kind: 'state', state, event: this.#lastEvent });
      }
      // A timer (idle timeout) produced output outside any input: wake the driver.
      if (!this.#busy) this.#waker?.();
    });
    this.#actor.start();
  }

  /** The machine's current protocol state, e.g. `mailTransaction.hasRecipients`. */
  get state(): string {
    return this.#lastState;
  }

  receive(bytes: Uint8Array): void {
    if (this.#ended) return;
    this.#input(() => {
      this.#send({ type: 'net.activity' });
      if (this.#data) this.#pendingData.push(bytes);
      else this.#lines.push(bytes);
    });
  }

  receiveEnd(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#input(() => this.#send({ type: 'net.closed' }));
  }

  handleTlsEstablished(info: TlsInfo): void {
    this.#input(() => this.#send({ type: 'tls.established', info }));
  }

  /**
   * The owner's verdict on the message it was given: 250 with a queue id to
   * accept, or a refusal. It may come at once or later (after SPF/DMARC
   * lookups); either way the driver is woken to send the reply.
   */
  resolveMessage(reply: Reply): void {
    this.#input(() => this.#send({ type: 'policy.verdict', reply }));
    this.#waker?.();
  }

  poll(): SessionOutput<SmtpServerAppEvent> | undefined {
    return this.#outputs.shift();
  }

  setWaker(waker: () => void): void {
    this.#waker = waker;
  }

  stop(): void {
    this.#actor.stop();
  }

  #input(apply: () => void): void {
    const outer = this.#busy;
    this.#busy = true;
    try {
      apply();
      this.#pump();
    } finally {
      this.#busy = outer;
    }
  }

  #send(event: SmtpServerEvent): void {
    this.#lastEvent = event.type;
    this.#actor.send(event);
  }

  /** Feeds buffered input to the machine for as long as its state reads input. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (;;) {
        const snapshot = this.#actor.getSnapshot();
        if (snapshot.status !== 'active' || snapshot.hasTag('codec:paused')) break;
        if (snapshot.hasTag('codec:data')) {
          if (!this.#feedData()) break;
          continue;
        }
        if (snapshot.hasTag('codec:sasl')) {
          const line = this.#saslLine();
          if (!line) break;
          this.#send(line);
          continue;
        }
        const line = this.#lines.next();
        if (!line) break;
        if (line.kind === 'too-long') this.#send({ type: 'line.tooLong' });
        else if (line.hasNul) this.#send({ type: 'cmd.UNKNOWN', word: '' });
        else this.#send(commandEvent(parseCommand(line.text)));
      }
    } finally {
      this.#pumping = false;
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
        this.#send({ type: 'data.complete', result });
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

/** The `protocol` region's value as a dotted path (`mailTransaction.hasRecipients`). */
function protocolState(value: unknown): string {
  const protocol = (value as { protocol?: unknown }).protocol;
  return dotted(protocol);
}

function dotted(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [key, inner] = Object.entries(value)[0] ?? ['', undefined];
    const rest = dotted(inner);
    return rest ? `${key}.${rest}` : key;
  }
  return '';
}
