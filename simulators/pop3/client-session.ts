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
import { utf8Bytes } from '../core/bytes.ts';
import { MachineSession } from '../core/machine-session.ts';
import type { SessionClock } from '../core/session.ts';
import { formatPop3Command, LineReader, ResponseAssembler } from './codec.ts';
import {
  pop3ClientMachine,
  type Pop3ClientConfig,
  type Pop3ClientEmitted,
  type Pop3ClientEvent,
  type Pop3ClientInput,
  type Pop3ClientStats,
} from './client.machine.ts';

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
export class Pop3ClientSession extends MachineSession<
  typeof pop3ClientMachine,
  Pop3ClientEvent,
  Pop3ClientEmitted,
  Pop3ClientAppEvent
> {
  readonly machineId = 'pop3Client';
  readonly #lines = new LineReader({ maxLineLength: MAX_CLIENT_LINE });
  readonly #responses = new ResponseAssembler();

  /** Starts the machine; it waits for the server's greeting. */
  constructor(input: Pop3ClientInput, clock: SessionClock) {
    super(pop3ClientMachine, input, clock);
    this.start();
  }

  protected handleEmitted(e: Pop3ClientEmitted): void {
    switch (e.type) {
      case 'out.command':
        this.transmit(utf8Bytes(`${formatPop3Command(e.command)}\r\n`));
        break;
      case 'out.saslResponse':
        this.transmit(utf8Bytes(`${e.text}\r\n`));
        break;
      case 'out.startTls':
        if (this.#lines.takeBuffered().length > 0 || this.#responses.pending)
          this.violation(
            'RFC 2595 §3.1',
            'response text received after the +OK to STLS was discarded (plaintext injection)',
          );
        this.#responses.reset();
        this.output({ kind: 'startTls' });
        break;
      case 'out.close':
        this.closeOnce();
        break;
      case 'out.violation':
        this.violation(e.rule, e.message);
        break;
      case 'out.message':
        this.appEvent({ type: 'message', uid: e.uid, bytes: e.bytes });
        break;
      case 'out.deleted':
        this.appEvent({ type: 'deleted', uid: e.uid });
        break;
      case 'out.done':
        this.appEvent({ type: 'done', stats: e.stats });
        break;
      case 'out.failed':
        this.appEvent({ type: 'failed', reason: e.reason, permanent: e.permanent });
        break;
    }
  }

  protected bufferBytes(bytes: Uint8Array): void {
    this.#lines.push(bytes);
  }

  /** Turns buffered lines into responses for as long as the machine reads them. */
  protected readInput(): void {
    while (this.active && !this.hasTag('codec:paused')) {
      const line = this.#lines.next();
      if (!line) return;
      if (line.kind === 'too-long') {
        this.sendToMachine({
          type: 'reply.malformed',
          line: '',
          reason: `line longer than ${line.limit} octets`,
        });
        continue;
      }
      const result = this.#responses.push(line.bytes, this.hasTag('codec:multiline'));
      if (!result) continue;
      if (result.kind === 'malformed') {
        this.sendToMachine({ type: 'reply.malformed', line: result.line, reason: result.reason });
        continue;
      }
      const { response } = result;
      this.sendToMachine(
        response.status === '+'
          ? { type: 'reply.continue', text: response.text }
          : { type: response.status === '+OK' ? 'reply.ok' : 'reply.err', response },
      );
    }
  }
}
