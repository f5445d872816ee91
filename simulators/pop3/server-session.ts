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
import { createActor, type Actor } from 'xstate';
import type { EngineSession, SessionClock, SessionOutput, TlsInfo } from '../core/session.ts';

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
export class Pop3ServerSession implements EngineSession<Pop3ServerAppEvent> {
  readonly machineId = 'pop3Server';
  readonly #actor: Actor<typeof pop3ServerMachine>;
  readonly #input: Pop3ServerInput;
  readonly #outputs: SessionOutput<Pop3ServerAppEvent>[] = [];
  readonly #lines = new LineReader(MAX_COMMAND_LINE);
  readonly #saslLines = new LineReader(MAX_SASL_LINE);
  #waker: (() => void) | undefined;
  #lastState = '';
  #lastEvent = 'start';
  #pumping = false;
  /** Inside an input call, whose caller drains the outputs itself. */
  #busy = false;
  #ended = false;
  #closeSent = false;

  constructor(input: Pop3ServerInput, clock: SessionClock) {
    this.#input = input;
    this.#actor = createActor(pop3ServerMachine, { input, clock });
    this.#actor.on('*', (e) => {
      switch (e.type) {
        case 'out.reply':
          this.#outputs.push({ kind: 'transmit', bytes: formatResponse(e.reply) });
          break;
        case 'out.startTls':
          if (this.#lines.takeBuffered().length > 0)
            this.#outputs.push({
              kind: 'violation',
              by: 'peer',
              rule: 'RFC 2595 §3.1',
              message: 'commands pipelined after STLS were discarded (plaintext injection)',
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
        case 'out.loggedIn':
          this.#outputs.push({ kind: 'event', event: { type: 'loggedIn', user: e.user } });
          break;
        case 'out.expunged':
          this.#outputs.push({ kind: 'event', event: { type: 'expunged', user: e.user, uids: e.uids } });
          break;
      }
    });
    this.#actor.subscribe((snapshot) => {
      const state = dotted(snapshot.value);
      if (state !== this.#lastState) {
        this.#lastState = state;
        // Outside any input only a timer can move the machine: the autologout.
        this.#outputs.push({
          kind: 'state',
          state,
          event: this.#busy ? this.#lastEvent : 'timer.idleTimeout',
        });
      }
      if (!this.#busy) this.#waker?.();
    });
    // The initial state is reported as caused by `start`, not by a timer.
    this.#busy = true;
    this.#actor.start();
    this.#busy = false;
  }

  /** The protocol state, e.g. `authorization.awaitingPass`, `transaction`, `update`, `closed`. */
  get state(): string {
    return this.#lastState;
  }

  receive(bytes: Uint8Array): void {
    if (this.#ended) return;
    this.#run(() => {
      this.#send({ type: 'net.activity' });
      this.#lines.push(bytes);
    });
  }

  receiveEnd(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#run(() => this.#send({ type: 'net.closed' }));
  }

  handleTlsEstablished(info: TlsInfo): void {
    this.#run(() => this.#send({ type: 'tls.established', info }));
  }

  poll(): SessionOutput<Pop3ServerAppEvent> | undefined {
    return this.#outputs.shift();
  }

  setWaker(waker: () => void): void {
    this.#waker = waker;
  }

  /** Stops the machine and its timer, and gives up the maildrop lock without deleting anything. */
  stop(): void {
    this.#actor.stop();
    releaseMaildropLock(this.#input.store, this.#input.sessionId);
  }

  #run(apply: () => void): void {
    const outer = this.#busy;
    this.#busy = true;
    try {
      apply();
      this.#pump();
    } finally {
      this.#busy = outer;
    }
  }

  #send(event: Pop3ServerEvent): void {
    if (this.#actor.getSnapshot().status !== 'active') return;
    this.#lastEvent = event.type;
    this.#actor.send(event);
  }

  /** Feeds buffered lines to the machine for as long as its state reads input. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (;;) {
        const snapshot = this.#actor.getSnapshot();
        if (snapshot.status !== 'active' || snapshot.hasTag('codec:paused')) break;
        if (snapshot.hasTag('codec:sasl')) {
          const event = this.#saslLine();
          if (!event) break;
          this.#send(event);
          continue;
        }
        const line = this.#lines.next();
        if (!line) break;
        this.#send(
          line.kind === 'too-long' ? { type: 'line.tooLong' } : commandEvent(parsePop3Command(line.text)),
        );
      }
    } finally {
      this.#pumping = false;
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
function dotted(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('active' in record) return dotted((record.active as { protocol?: unknown }).protocol);
    const [key, inner] = Object.entries(record)[0] ?? ['', undefined];
    const rest = dotted(inner);
    return rest ? `${key}.${rest}` : key;
  }
  return '';
}
