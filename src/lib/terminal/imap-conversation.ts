/**
 * Following an IMAP conversation typed by hand, for the terminal: which tag
 * comes next, what the server waits for (a command, the octets of a
 * literal, a SASL response, DONE), and which responses are worth
 * explaining, each with the command it answers (RFC 3501 §2.2, §7; RFC 9051).
 *
 * {@link ImapConversation} pairs tagged completions with the commands the
 * learner sent by their tag, so `a2 OK` is known as the end of `a2 SELECT
 * INBOX`, and counts the untagged lines in between. Literals follow RFC 3501
 * §4.3 and RFC 7888, both ways: a line ending in `{n}` waits for the
 * server's `+` (or, with `{n+}`, goes straight on), then the next n octets —
 * CRLFs included — are data, after which the same command line continues;
 * the lines of a literal the server sends (a FETCH body) are data, not
 * responses. The announcement is found by the engine's `trailingLiteral`.
 * What each response means is in `imap-explain.ts`, loaded when needed.
 *
 * SIMPLIFICATION: the reader follows the conversation, not the server's state
 * machine; it reads no more of a response than its tag, status word and
 * response code.
 */
import { trailingLiteral, utf8Bytes } from '../../../simulators/index.ts';

/** The status of a response line, for colour: a status word, `+`, or untagged data. */
export type ImapLineStatus = 'OK' | 'NO' | 'BAD' | 'PREAUTH' | 'BYE' | '+';

/** A response line's start (RFC 3501 §7): `+`, `*`, or a tag, then a status word when there is one. */
export interface ImapResponseStart {
  /** Undefined for `*` and `+`. */
  readonly tag?: string;
  readonly continuation: boolean;
  readonly status?: ImapLineStatus;
  /** The response code without brackets, e.g. `READ-WRITE`, `UIDVALIDITY 1796`. */
  readonly code?: string;
  /** The text after status and code. */
  readonly text: string;
}

/** Reads the start of a response line; undefined when it is none of `+`, `*` and tagged. */
export function readResponseStart(line: string): ImapResponseStart | undefined {
  if (line === '+' || line.startsWith('+ ')) return { continuation: true, status: '+', text: line.slice(2) };
  const m = /^(\*|[^\s*+(){%"\\\]]+) (?:(OK|NO|BAD|PREAUTH|BYE)(?: |$))?(.*)$/i.exec(line);
  if (m === null) return undefined;
  const tag = m[1] === '*' ? undefined : m[1];
  const status = m[2]?.toUpperCase() as ImapLineStatus | undefined;
  // RFC 3501 §7: a tagged response is always a status response.
  if (status === undefined) return tag === undefined ? { continuation: false, text: m[3]! } : undefined;
  const rest = m[3]!;
  const code = /^\[([^\]]*)\] ?(.*)$/.exec(rest);
  return {
    ...(tag === undefined ? {} : { tag }),
    continuation: false,
    status,
    ...(code === null ? { text: rest } : { code: code[1]!, text: code[2]! }),
  };
}

/** A response worth explaining: the greeting, a `+`, a tagged completion, or BYE. */
export interface ImapResponse {
  readonly status: ImapLineStatus;
  readonly tag?: string;
  /** The response code without brackets, e.g. `READ-WRITE`. */
  readonly code?: string;
  readonly text: string;
  /** The command line it answers (the first line of it), when the tag names one. */
  readonly command?: string;
  /** The command's name (`UID FETCH` as `FETCH`), when the tag names one. */
  readonly verb?: string;
  /** Untagged lines the server sent for the command before completing it. */
  readonly untagged: number;
  /** The server's first line. */
  readonly greeting: boolean;
}

/** What the server waits for from the learner. */
export type ImapExpecting =
  | { readonly kind: 'command' }
  /** A synchronising literal was announced: wait for `+` before sending its octets. */
  | { readonly kind: 'continuation'; readonly octets: number }
  /** Inside a literal: this many octets still belong to it. */
  | { readonly kind: 'literal'; readonly remaining: number }
  /** The literal is complete: the next line continues the same command. */
  | { readonly kind: 'rest-of-command' }
  /** The server's `+` asks for a SASL response (RFC 3501 §6.2.2). */
  | { readonly kind: 'sasl' }
  /** IDLE is running: the server pushes updates until DONE (RFC 2177). */
  | { readonly kind: 'idle' };

interface Pending {
  readonly tag: string;
  readonly verb: string;
  readonly line: string;
  untagged: number;
}

/** The tag, and the command name after it (with UID's: `UID FETCH`). */
function commandWords(line: string): { tag: string; verb: string } | undefined {
  const m = /^\s*(\S+)\s+(\S+)(?:\s+(\S+))?/.exec(line);
  if (m === null) return undefined;
  const verb = m[2]!.toUpperCase();
  return { tag: m[1]!, verb: verb === 'UID' && m[3] !== undefined ? m[3].toUpperCase() : verb };
}

/** Follows one connection's conversation; see the module comment. */
export class ImapConversation {
  #expecting: ImapExpecting = { kind: 'command' };
  /** Commands sent and not yet completed, by tag. */
  readonly #pending: Pending[] = [];
  /** The command whose lines are being sent (its literals, its rest). */
  #current: Pending | undefined;
  #highest = 0;
  #greeted = false;
  /** Octets of a literal the server is sending (a FETCH body): its lines are data, not responses. */
  #serverLiteral = 0;

  /** What the server waits for now. */
  get expecting(): ImapExpecting {
    return this.#expecting;
  }

  /** The tag to offer for the next command: `a1`, `a2`… after the highest number used. */
  get nextTag(): string {
    return `a${this.#highest + 1}`;
  }

  /** A line the learner sent (without its CRLF, which is sent too). */
  sent(line: string): void {
    const octets = utf8Bytes(line);
    const e = this.#expecting;
    switch (e.kind) {
      case 'sasl':
        this.#expecting = { kind: 'command' };
        return;
      case 'idle':
        if (line.trim().toUpperCase() === 'DONE') this.#expecting = { kind: 'command' };
        return;
      case 'literal': {
        const total = octets.length + 2;
        if (total <= e.remaining) {
          const remaining = e.remaining - total;
          this.#expecting = remaining === 0 ? { kind: 'rest-of-command' } : { kind: 'literal', remaining };
          return;
        }
        // The literal ends inside this line; what follows it continues the command.
        this.#afterCommandLine(octets);
        return;
      }
      case 'continuation':
        // Sent before the `+`: the server will read it as the literal anyway.
        this.#expecting = { kind: 'literal', remaining: e.octets };
        this.sent(line);
        return;
      case 'rest-of-command':
        this.#afterCommandLine(octets);
        return;
      case 'command': {
        const words = commandWords(line);
        if (words === undefined) return;
        const number = /^[a-z]*(\d+)$/i.exec(words.tag);
        if (number) this.#highest = Math.max(this.#highest, Number(number[1]));
        const pending = { tag: words.tag, verb: words.verb, line, untagged: 0 };
        this.#pending.push(pending);
        this.#current = pending;
        this.#afterCommandLine(octets);
        return;
      }
    }
  }

  /** A line the server sent; returns its status (for colour) and the response, if it is one to explain. */
  received(line: string): { status?: ImapLineStatus; response?: ImapResponse } {
    const octets = utf8Bytes(line);
    if (this.#serverLiteral > 0) {
      // TOLERANCE: a literal ending inside a line is not split; the line is taken as data.
      this.#serverLiteral = Math.max(0, this.#serverLiteral - octets.length - 2);
      return {};
    }
    const literal = trailingLiteral(octets);
    if (literal !== undefined && Number.isFinite(literal.size)) this.#serverLiteral = literal.size;
    const start = readResponseStart(line);
    if (start === undefined) return {};
    const greeting = !this.#greeted && start.tag === undefined && !start.continuation;
    if (greeting) this.#greeted = true;
    if (start.continuation) {
      const current = this.#current ?? this.#pending.at(-1);
      if (this.#expecting.kind === 'continuation')
        this.#expecting = { kind: 'literal', remaining: this.#expecting.octets };
      else if (current?.verb === 'IDLE') this.#expecting = { kind: 'idle' };
      else if (current?.verb === 'AUTHENTICATE') this.#expecting = { kind: 'sasl' };
      return { status: '+', response: this.#response(start, current?.verb, current?.line, 0, false) };
    }
    if (start.tag === undefined) {
      const open = this.#pending.at(-1);
      if (open) open.untagged++;
      if (greeting || start.status === 'BYE')
        return {
          ...(start.status ? { status: start.status } : {}),
          response: this.#response(start, greeting ? undefined : open?.verb, undefined, 0, greeting),
        };
      return start.status ? { status: start.status } : {};
    }
    const i = this.#pending.findIndex((p) => p.tag === start.tag);
    const pending = i === -1 ? undefined : this.#pending.splice(i, 1)[0];
    if (pending !== undefined && pending === this.#current) {
      // A refusal ends the command even while its literal was awaited.
      this.#current = undefined;
      if (this.#expecting.kind !== 'command' && this.#expecting.kind !== 'idle')
        this.#expecting = { kind: 'command' };
    }
    if (pending?.verb === 'IDLE' && this.#expecting.kind === 'idle') this.#expecting = { kind: 'command' };
    return {
      ...(start.status ? { status: start.status } : {}),
      response: this.#response(start, pending?.verb, pending?.line, pending?.untagged ?? 0, false),
    };
  }

  #response(
    start: ImapResponseStart,
    verb: string | undefined,
    command: string | undefined,
    untagged: number,
    greeting: boolean,
  ): ImapResponse {
    return {
      status: start.status ?? 'OK',
      ...(start.tag === undefined ? {} : { tag: start.tag }),
      ...(start.code === undefined ? {} : { code: start.code }),
      text: start.text,
      ...(command === undefined ? {} : { command }),
      ...(verb === undefined ? {} : { verb }),
      untagged,
      greeting,
    };
  }

  /** After a command line (or its continuation) went out: a new literal, or the command is complete. */
  #afterCommandLine(octets: Uint8Array): void {
    const literal = trailingLiteral(octets);
    if (literal === undefined || !Number.isFinite(literal.size)) {
      this.#expecting = { kind: 'command' };
      this.#current = undefined;
    } else if (literal.nonSync) {
      this.#expecting =
        literal.size === 0 ? { kind: 'rest-of-command' } : { kind: 'literal', remaining: literal.size };
    } else this.#expecting = { kind: 'continuation', octets: literal.size };
  }
}

/** One sentence for the line under the command field: what to type next. */
export function describeExpecting(expecting: ImapExpecting, nextTag: string): string {
  switch (expecting.kind) {
    case 'command':
      return `Next command: start it with a tag, ${nextTag} (Tab adds it).`;
    case 'continuation':
      return `Literal of ${expecting.octets} octets announced: wait for the server's + before sending it.`;
    case 'literal':
      return `Literal: ${expecting.remaining} more octets (Enter adds CRLF, 2 octets).`;
    case 'rest-of-command':
      return 'Literal complete: type the rest of the command line (or just Enter to end it).';
    case 'sasl':
      return 'The server asks for a SASL response: type it in base64 on its own line, or * to cancel.';
    case 'idle':
      return 'IDLE: the server pushes news as it happens; type DONE to end it.';
  }
}
