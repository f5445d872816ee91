/**
 * The POP3 client session: the sans-I/O shell around `pop3ClientMachine`.
 * It starts working as soon as it is created — the greeting, login and the
 * configured download mode need no further command from its owner — and
 * reports what happened as app events: one `message` per retrieved message
 * (un-stuffed octets), `deleted` per message removed at QUIT, and finally
 * `done` or `failed`.
 *
 * Bytes from the server are cut into lines and assembled into responses by
 * the codec; whether a `+OK` opens a multi-line response is the machine's
 * tag `codec:multiline` (h11's framing by state). Response text that arrives
 * behind the `+OK` to STLS is thrown away unread, as it could have been
 * injected in the clear (RFC 2595 §3.1).
 */
import { createActor, type Actor } from 'xstate';
import { utf8Bytes } from '../core/bytes.ts';
import type { EngineSession, SessionOutput, TlsInfo } from '../core/session.ts';
import { formatPop3Command, LineReader, ResponseAssembler } from './codec.ts';
import {
  pop3ClientMachine,
  type Pop3ClientConfig,
  type Pop3ClientEvent,
  type Pop3ClientInput,
  type Pop3ClientStats,
} from './client.machine.ts';
import type { SessionClock } from './server-session.ts';

export type { Pop3ClientConfig, Pop3ClientStats };

/** What the client session tells its owner (the MUA). */
export type Pop3ClientAppEvent =
  /** A retrieved message, as stored on the server (un-stuffed); `uid` is its UIDL unique-id. */
  | { readonly type: 'message'; readonly uid: string; readonly bytes: Uint8Array }
  /** The server removed this message at QUIT (RFC 1939 §6). */
  | { readonly type: 'deleted'; readonly uid: string }
  | { readonly type: 'done'; readonly stats: Pop3ClientStats }
  | { readonly type: 'failed'; readonly reason: string; readonly permanent: boolean };

/**
 * TOLERANCE: RFC 2449 §4 bounds a response's first line at 512 octets, but
 * the lines of a retrieved message may be longer (RFC 5322 §2.1.1 allows 998
 * characters, and real mail breaks even that), so the client reads up to 64 KiB.
 */
const MAX_CLIENT_LINE = 65_536;

/** One client-side POP3 connection. */
export class Pop3ClientSession implements EngineSession<Pop3ClientAppEvent> {
  readonly machineId = 'pop3Client';
  readonly #actor: Actor<typeof pop3ClientMachine>;
  readonly #outputs: SessionOutput<Pop3ClientAppEvent>[] = [];
  readonly #lines = new LineReader(MAX_CLIENT_LINE);
  readonly #responses = new ResponseAssembler();
  #waker: (() => void) | undefined;
  #lastState = '';
  #lastEvent = 'start';
  #pumping = false;
  #busy = false;
  #ended = false;

  /** Starts the machine; it waits for the server's greeting. */
  constructor(input: Pop3ClientInput, clock: SessionClock) {
    this.#actor = createActor(pop3ClientMachine, { input, clock });
    this.#actor.on('*', (e) => {
      switch (e.type) {
        case 'out.command':
          this.#outputs.push({ kind: 'transmit', bytes: utf8Bytes(`${formatPop3Command(e.command)}\r\n`) });
          break;
        case 'out.saslResponse':
          this.#outputs.push({ kind: 'transmit', bytes: utf8Bytes(`${e.text}\r\n`) });
          break;
        case 'out.startTls':
          if (this.#lines.takeBuffered().length > 0 || this.#responses.pending)
            this.#outputs.push({
              kind: 'violation',
              by: 'peer',
              rule: 'RFC 2595 §3.1',
              message: 'response text received after the +OK to STLS was discarded (plaintext injection)',
            });
          this.#responses.reset();
          this.#outputs.push({ kind: 'startTls' });
          break;
        case 'out.close':
          this.#outputs.push({ kind: 'close' });
          break;
        case 'out.violation':
          this.#outputs.push({ kind: 'violation', by: 'peer', rule: e.rule, message: e.message });
          break;
        case 'out.message':
          this.#outputs.push({ kind: 'event', event: { type: 'message', uid: e.uid, bytes: e.bytes } });
          break;
        case 'out.deleted':
          this.#outputs.push({ kind: 'event', event: { type: 'deleted', uid: e.uid } });
          break;
        case 'out.done':
          this.#outputs.push({ kind: 'event', event: { type: 'done', stats: e.stats } });
          break;
        case 'out.failed':
          this.#outputs.push({
            kind: 'event',
            event: { type: 'failed', reason: e.reason, permanent: e.permanent },
          });
          break;
      }
    });
    this.#actor.subscribe((snapshot) => {
      const state = dotted(snapshot.value);
      if (state !== this.#lastState) {
        this.#lastState = state;
        this.#outputs.push({
          kind: 'state',
          state,
          event: this.#busy ? this.#lastEvent : 'timer.replyTimeout',
        });
      }
      if (!this.#busy) this.#waker?.();
    });
    // The initial state is reported as caused by `start`, not by a timer.
    this.#busy = true;
    this.#actor.start();
    this.#busy = false;
  }

  /** The machine's state, e.g. `transaction.awaitingRetr`. */
  get state(): string {
    return this.#lastState;
  }

  receive(bytes: Uint8Array): void {
    if (this.#ended) return;
    this.#run(() => this.#lines.push(bytes));
  }

  receiveEnd(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#run(() => {
      // Whole responses that came before the FIN still count (the +OK to QUIT, say).
      this.#pump();
      this.#send({ type: 'net.closed' });
    });
  }

  handleTlsEstablished(info: TlsInfo): void {
    this.#run(() => this.#send({ type: 'tls.established', info }));
  }

  poll(): SessionOutput<Pop3ClientAppEvent> | undefined {
    return this.#outputs.shift();
  }

  setWaker(waker: () => void): void {
    this.#waker = waker;
  }

  stop(): void {
    this.#actor.stop();
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

  #send(event: Pop3ClientEvent): void {
    if (this.#actor.getSnapshot().status !== 'active') return;
    this.#lastEvent = event.type;
    this.#actor.send(event);
  }

  /** Turns buffered lines into responses for as long as the machine reads them. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (;;) {
        const snapshot = this.#actor.getSnapshot();
        if (snapshot.status !== 'active' || snapshot.hasTag('codec:paused')) break;
        const line = this.#lines.next();
        if (!line) break;
        if (line.kind === 'too-long') {
          this.#send({ type: 'reply.malformed', line: '', reason: `line longer than ${line.limit} octets` });
          continue;
        }
        const result = this.#responses.push(line.bytes, snapshot.hasTag('codec:multiline'));
        if (!result) continue;
        if (result.kind === 'malformed') {
          this.#send({ type: 'reply.malformed', line: result.line, reason: result.reason });
          continue;
        }
        const { response } = result;
        this.#send(
          response.status === '+'
            ? { type: 'reply.continue', text: response.text }
            : { type: response.status === '+OK' ? 'reply.ok' : 'reply.err', response },
        );
      }
    } finally {
      this.#pumping = false;
    }
  }
}

/** A state value as a dotted path (`transaction.awaitingRetr`). */
function dotted(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [key, inner] = Object.entries(value)[0] ?? ['', undefined];
    const rest = dotted(inner);
    return rest ? `${key}.${rest}` : key;
  }
  return '';
}
