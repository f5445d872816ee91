/**
 * The IMAP server session: the sans-I/O shell around `imapServerMachine`.
 * Bytes go in through `receive`; the machine's tag chooses how they are
 * framed (`codec:command`: tagged commands with their literals, read by the
 * codec's CommandReader; `codec:line`: one raw line, a SASL response or
 * IDLE's DONE; `codec:paused`: nothing); typed events go to the machine; its
 * emitted responses come back out of `poll()` as bytes.
 *
 * Literals (RFC 3501 §4.3, RFC 7888 LITERAL+): a synchronising `{n}` is
 * answered `+ OK` here, before the machine sees the command; a literal over
 * `maxLiteralSize` is refused before any of it is read — `NO [TOOBIG]` for
 * `{n}` (the client will not send it), `BAD [TOOBIG]` for `{n+}` (the reader
 * skips the octets that follow).
 *
 * Pipelined commands wait in the reader and are answered in order. Plain
 * text that arrives behind STARTTLS is thrown away unread (RFC 3501 §6.2.1,
 * as in CVE-2011-0411), with a violation.
 *
 * Store changes reach an idling session through the selected mailbox's
 * listener, which calls back here; the session feeds `mailbox.changed` to
 * the machine and wakes the driver, since no input of its own caused it.
 */
import { createActor, type Actor } from 'xstate';
import type { EngineSession, SessionClock, SessionOutput, TlsInfo } from '../core/session.ts';
import { concatBytes, latin1Bytes } from '../core/bytes.ts';
import {
  CommandReader,
  encodeResponse,
  parseCommandTokens,
  type CommandReaderOutput,
} from './codec/index.ts';
import {
  imapServerMachine,
  type ImapCommandEvent,
  type ImapServerEvent,
  type ImapServerInput,
} from './server.machine.ts';

export type { SessionClock } from '../core/session.ts';

/** What the server session tells its owner. */
export type ImapServerAppEvent =
  | { readonly type: 'loggedIn'; readonly user: string }
  | { readonly type: 'selected'; readonly mailbox: string; readonly readOnly: boolean };

/** One server-side IMAP connection. */
export class ImapServerSession implements EngineSession<ImapServerAppEvent> {
  readonly machineId = 'imapServer';
  readonly #actor: Actor<typeof imapServerMachine>;
  readonly #input: ImapServerInput;
  readonly #outputs: SessionOutput<ImapServerAppEvent>[] = [];
  #reader: CommandReader;
  #waker: (() => void) | undefined;
  #lastState = '';
  #lastEvent = 'start';
  #pumping = false;
  #busy = false;
  #ended = false;
  #closeSent = false;

  constructor(input: ImapServerInput, clock: SessionClock) {
    this.#input = { ...input, onMailboxChange: () => this.#mailboxChanged() };
    this.#reader = this.#newReader();
    this.#actor = createActor(imapServerMachine, { input: this.#input, clock });
    this.#actor.on('*', (e) => {
      switch (e.type) {
        case 'out.responses':
          this.#outputs.push({
            kind: 'transmit',
            bytes: concatBytes(e.responses.map((r) => encodeResponse(r))),
          });
          break;
        case 'out.response':
          this.#outputs.push({ kind: 'transmit', bytes: encodeResponse(e.response) });
          break;
        case 'out.startTls':
          if (this.#reader.buffered > 0 || this.#reader.inCommand) {
            this.#outputs.push({
              kind: 'violation',
              by: 'peer',
              rule: 'RFC 3501 §6.2.1',
              message: 'commands pipelined after STARTTLS were discarded (plaintext injection)',
            });
          }
          this.#reader = this.#newReader();
          this.#outputs.push({ kind: 'startTls' });
          break;
        case 'out.close':
          if (!this.#closeSent) this.#outputs.push({ kind: 'close' });
          this.#closeSent = true;
          break;
        case 'out.violation':
          this.#outputs.push({ kind: 'violation', by: 'peer', rule: e.rule, message: e.message });
          break;
        case 'out.loggedIn':
          this.#outputs.push({ kind: 'event', event: { type: 'loggedIn', user: e.user } });
          break;
        case 'out.selected':
          this.#outputs.push({
            kind: 'event',
            event: { type: 'selected', mailbox: e.mailbox, readOnly: e.readOnly },
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
          event: this.#busy ? this.#lastEvent : 'timer.idleTimeout',
        });
      }
      if (!this.#busy) this.#waker?.();
    });
    this.#busy = true;
    this.#actor.start();
    this.#busy = false;
  }

  /** The protocol state, e.g. `notAuthenticated.ready`, `selected.idling`, `logout`. */
  get state(): string {
    return this.#lastState;
  }

  receive(bytes: Uint8Array): void {
    if (this.#ended) return;
    this.#run(() => {
      this.#send({ type: 'net.activity' });
      this.#reader.receive(bytes);
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

  poll(): SessionOutput<ImapServerAppEvent> | undefined {
    return this.#outputs.shift();
  }

  setWaker(waker: () => void): void {
    this.#waker = waker;
  }

  /** Stops the machine and its timer, and stops listening to the store. */
  stop(): void {
    this.#actor.getSnapshot().context.selected?.close();
    this.#actor.stop();
  }

  #newReader(): CommandReader {
    return new CommandReader({
      maxLiteralSize: this.#input.config.maxLiteralSize,
      maxLineLength: this.#input.config.maxLineLength,
    });
  }

  /** A store change for the selected mailbox, caused by someone else or by this session's own command. */
  #mailboxChanged(): void {
    if (this.#busy) {
      // Our own command changed the store: the command's end reports it.
      return;
    }
    this.#run(() => this.#send({ type: 'mailbox.changed' }));
    if (this.#outputs.length > 0) this.#waker?.();
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

  #send(event: ImapServerEvent): void {
    if (this.#actor.getSnapshot().status !== 'active') return;
    this.#lastEvent = event.type;
    this.#actor.send(event);
  }

  /** Feeds framed input to the machine for as long as its state reads input. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (;;) {
        const snapshot = this.#actor.getSnapshot();
        if (snapshot.status !== 'active' || snapshot.hasTag('codec:paused')) break;
        const mode = snapshot.hasTag('codec:line') ? 'line' : 'command';
        const out = this.#reader.poll(mode);
        if (out === undefined) break;
        if (out.kind === 'continuation-needed') {
          // RFC 3501 §7.5: the client waits for this before sending the literal.
          this.#outputs.push({ kind: 'transmit', bytes: latin1Bytes('+ OK\r\n') });
          continue;
        }
        const event = readerEvent(out);
        if (event.type === 'command.bad' && out.kind === 'literal-too-big' && out.synchronizing) {
          // The client never sends a refused `{n}` literal: nothing to skip.
          this.#reader.rejectContinuation();
        }
        this.#send(event);
      }
    } finally {
      this.#pumping = false;
    }
  }
}

/** The machine's event for one output of the command reader. */
export function readerEvent(
  out: Exclude<CommandReaderOutput, { kind: 'continuation-needed' }>,
): ImapServerEvent {
  const tag = 'tag' in out ? out.tag : undefined;
  switch (out.kind) {
    case 'line':
      return { type: 'line.received', text: out.text };
    case 'command': {
      const parsed = parseCommandTokens(out.tokens);
      if (parsed.kind === 'bad')
        return {
          type: 'command.bad',
          tag: parsed.tag,
          status: 'BAD',
          text: parsed.message,
          rule: 'RFC 9051 §9',
        };
      const event = { type: `cmd.${parsed.command.name}`, command: parsed.command } as ImapCommandEvent;
      return parsed.mailboxNameError === undefined
        ? event
        : { ...event, mailboxNameError: parsed.mailboxNameError };
    }
    case 'bad':
      return { type: 'command.bad', tag, status: 'BAD', text: out.message, rule: 'RFC 9051 §9' };
    case 'literal-too-big':
      return {
        type: 'command.bad',
        tag,
        status: out.synchronizing ? 'NO' : 'BAD',
        code: { code: 'TOOBIG' },
        text: out.message,
        rule: 'RFC 7889 §3',
      };
    case 'line-too-long':
    case 'command-too-big':
      return {
        type: 'command.bad',
        tag,
        status: 'BAD',
        code: { code: 'TOOBIG' },
        text: out.message,
        rule: 'RFC 7162 §4',
      };
  }
}

/** The state value as the dotted protocol state: `selected.idling`, or `logout`. */
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
