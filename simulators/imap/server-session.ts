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
import { latin1Bytes } from '../core/bytes.ts';
import { dottedState, MachineSession } from '../core/machine-session.ts';
import type { SessionClock } from '../core/session.ts';
import {
  CommandReader,
  encodeResponse,
  encodeResponses,
  parseCommandTokens,
  type CommandReaderOutput,
} from './codec/index.ts';
import {
  imapServerMachine,
  type ImapCommandEvent,
  type ImapServerEmitted,
  type ImapServerEvent,
  type ImapServerInput,
} from './server.machine.ts';

export type { SessionClock } from '../core/session.ts';

/** What the server session tells its owner. */
export type ImapServerAppEvent =
  | { readonly type: 'loggedIn'; readonly user: string }
  | { readonly type: 'selected'; readonly mailbox: string; readonly readOnly: boolean };

/** One server-side IMAP connection. */
export class ImapServerSession extends MachineSession<
  typeof imapServerMachine,
  ImapServerEvent,
  ImapServerEmitted,
  ImapServerAppEvent
> {
  readonly machineId = 'imapServer';
  readonly #limits: { readonly maxLiteralSize: number; readonly maxLineLength: number };
  #reader: CommandReader;

  constructor(input: ImapServerInput, clock: SessionClock) {
    // The store calls back when the selected mailbox changes; the hook is bound before the machine starts.
    const hook = { mailboxChanged: () => {} };
    super(
      imapServerMachine,
      { ...input, onMailboxChange: () => hook.mailboxChanged() },
      clock,
      protocolState,
    );
    hook.mailboxChanged = () => this.#mailboxChanged();
    this.#limits = { maxLiteralSize: input.config.maxLiteralSize, maxLineLength: input.config.maxLineLength };
    this.#reader = new CommandReader(this.#limits);
    this.start();
  }

  /** Stops the machine and its timer, and stops listening to the store. */
  override stop(): void {
    (this.actor.getSnapshot().context as { selected?: { close(): void } }).selected?.close();
    super.stop();
  }

  protected handleEmitted(e: ImapServerEmitted): void {
    switch (e.type) {
      case 'out.responses':
        this.transmit(encodeResponses(e.responses));
        break;
      case 'out.response':
        this.transmit(encodeResponse(e.response));
        break;
      case 'out.startTls':
        if (this.#reader.buffered > 0 || this.#reader.inCommand)
          this.violation(
            'RFC 3501 §6.2.1',
            'commands pipelined after STARTTLS were discarded (plaintext injection)',
          );
        this.#reader = new CommandReader(this.#limits);
        this.output({ kind: 'startTls' });
        break;
      case 'out.startCompression':
        // RFC 4978 §3: the client waits for the OK; anything it pipelined was not compressed.
        if (this.#reader.buffered > 0 || this.#reader.inCommand)
          this.violation('RFC 4978 §3', 'commands pipelined after COMPRESS were discarded');
        this.#reader = new CommandReader(this.#limits);
        this.output({ kind: 'startCompression' });
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
      case 'out.selected':
        this.appEvent({ type: 'selected', mailbox: e.mailbox, readOnly: e.readOnly });
        break;
    }
  }

  protected bufferBytes(bytes: Uint8Array): void {
    this.sendToMachine({ type: 'net.activity' });
    this.#reader.receive(bytes);
  }

  /** A store change for the selected mailbox, caused by someone else or by this session's own command. */
  #mailboxChanged(): void {
    // Our own command changed the store: the command's end reports it.
    if (this.busy) return;
    this.input(() => this.sendToMachine({ type: 'mailbox.changed' }));
    if (this.hasOutput) this.wake();
  }

  /** Feeds framed input to the machine for as long as its state reads input. */
  protected readInput(): void {
    while (this.active && !this.hasTag('codec:paused')) {
      const out = this.#reader.poll(this.hasTag('codec:line') ? 'line' : 'command');
      if (out === undefined) return;
      if (out.kind === 'continuation-needed') {
        // RFC 3501 §7.5: the client waits for this before sending the literal.
        this.transmit(latin1Bytes('+ OK\r\n'));
        continue;
      }
      const event = readerEvent(out);
      // The client never sends a refused `{n}` literal: nothing to skip.
      if (event.type === 'command.bad' && out.kind === 'literal-too-big' && out.synchronizing)
        this.#reader.rejectContinuation();
      this.sendToMachine(event);
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

/** The state value as the dotted protocol state (`selected.idling`, `logout`), without the idle timer's region. */
function protocolState(value: unknown): string {
  if (value && typeof value === 'object' && 'active' in value)
    return dottedState((value as { active: { protocol?: unknown } }).active.protocol);
  return dottedState(value);
}
