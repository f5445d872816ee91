/**
 * The IMAP client session: the sans-I/O shell around `imapClientMachine`.
 * Its owner (the MUA) queues operations with public methods — `list()`,
 * `select()`, `fetchNew()`, `fetchSummaries()`, `fetchMessage()`,
 * `setFlags()`, `move()`, `expunge()`,
 * `search()`, `idle()` / `stopIdle()`, `logout()` — each returning the
 * numbered {@link ImapOperation} that a later `done` or `failed` app event
 * names. Greeting, STARTTLS and login need no call: they happen first.
 *
 * Server octets are framed by the codec's ResponseReader (literals
 * included) and each response becomes one typed `reply.*` event; untagged
 * data is read here (FETCH items, LIST entries, SEARCH numbers), so the
 * machine sees meaning, not values. Two things stay here because they are
 * framing, not protocol (as the server session answers `{n}` itself):
 *
 * - A command with synchronising literals goes out in the segments of
 *   `formatCommandSegments`; the server's `+` before each literal is
 *   answered with the next segment and not shown to the machine
 *   (RFC 3501 §7.5). With LITERAL+ there is one segment (RFC 7888).
 * - Only the tag of the command in flight completes it: a tagged response
 *   with any other tag is a violation and is dropped (RFC 3501 §2.2.2).
 *
 * Response text behind the OK to STARTTLS is thrown away unread, as it could
 * have been injected in the clear (RFC 3501 §6.2.1, CVE-2011-0411's mirror).
 */
import { utf8Bytes, utf8Text } from '../core/bytes.ts';
import { MachineSession } from '../core/machine-session.ts';
import type { SessionClock } from '../core/session.ts';
import {
  decodeMutf7,
  formatCommandSegments,
  parseCommand,
  parseDateTime,
  ResponseReader,
  type ImapResponse,
  type ImapValue,
  type ResponseReaderOutput,
} from './codec/index.ts';
import type {
  Envelope,
  EnvelopeAddress,
  FetchedItems,
  ImapClientAppEvent,
  ImapClientConfig,
  ImapOperation,
  ImapOperationRequest,
  MailboxEntry,
} from './client-operations.ts';
import {
  imapClientMachine,
  type ImapClientEmitted,
  type ImapClientEvent,
  type ImapClientInput,
} from './client.machine.ts';

export type {
  Envelope,
  EnvelopeAddress,
  FetchedItems,
  ImapClientAppEvent,
  ImapClientConfig,
  ImapClientInput,
  ImapOperation,
  ImapOperationRequest,
  MailboxEntry,
};

/** Defaults for a mail program: a minute for any answer, IDLE renewed every 29 minutes (RFC 2177 §3). */
export const DEFAULT_IMAP_CLIENT_TIMING = { replyTimeoutMs: 60_000, idleRefreshMs: 29 * 60_000 } as const;

/** One client-side IMAP connection. */
export class ImapClientSession extends MachineSession<
  typeof imapClientMachine,
  ImapClientEvent,
  ImapClientEmitted,
  ImapClientAppEvent
> {
  readonly machineId = 'imapClient';
  #reader = new ResponseReader();
  /** The tag of the command whose completion is awaited. */
  #inFlightTag: string | undefined;
  /** The rest of a command with synchronising literals, each sent after a `+`. */
  #segments: Uint8Array[] = [];
  #nextOp = 1;

  /** Starts the machine; it waits for the server's greeting. */
  constructor(input: ImapClientInput, clock: SessionClock) {
    super(imapClientMachine, input, clock);
    this.start();
  }

  /** LIST "" * (RFC 3501 §6.3.8): answered with `mailboxes`. */
  list(): ImapOperation {
    return this.#request({ kind: 'list' });
  }

  /** SELECT (RFC 3501 §6.3.1): answered with `selected`. */
  select(mailbox: string): ImapOperation {
    return this.#request({ kind: 'select', mailbox });
  }

  /** UID FETCH sinceUid+1:* with the whole message: one `message` per new message. */
  fetchNew(sinceUid: number): ImapOperation {
    if (!Number.isInteger(sinceUid) || sinceUid < 0 || sinceUid >= 4_294_967_295)
      return this.#refuse({ kind: 'fetchNew', sinceUid }, `${sinceUid} is not a UID to fetch after`);
    return this.#request({ kind: 'fetchNew', sinceUid });
  }

  /** UID FETCH sinceUid+1:* with ENVELOPE, flags and size: one `summary` per message, no bodies. */
  fetchSummaries(sinceUid: number): ImapOperation {
    if (!Number.isInteger(sinceUid) || sinceUid < 0 || sinceUid >= 4_294_967_295)
      return this.#refuse({ kind: 'fetchSummaries', sinceUid }, `${sinceUid} is not a UID to fetch after`);
    return this.#request({ kind: 'fetchSummaries', sinceUid });
  }

  /** UID FETCH uid with BODY[] (not PEEK, so the server sets \Seen): answered with `message`. */
  fetchMessage(uid: number): ImapOperation {
    const op = { kind: 'fetchMessage', uid } as const;
    return validUids([uid]) ? this.#request(op) : this.#refuse(op, `${uid} is not a UID`);
  }

  /** UID STORE +FLAGS / -FLAGS (RFC 3501 §6.4.6): the new flags come back as `flags`. */
  setFlags(uids: readonly number[], mode: '+FLAGS' | '-FLAGS', flags: readonly string[]): ImapOperation {
    const op = { kind: 'setFlags', uids, mode, flags } as const;
    return validUids(uids) ? this.#request(op) : this.#refuse(op, 'no valid UIDs given');
  }

  /** UID MOVE (RFC 6851), or COPY + STORE \Deleted + EXPUNGE where MOVE is not offered. */
  move(uids: readonly number[], mailbox: string): ImapOperation {
    const op = { kind: 'move', uids, mailbox } as const;
    return validUids(uids) ? this.#request(op) : this.#refuse(op, 'no valid UIDs given');
  }

  /** EXPUNGE (RFC 3501 §6.4.3): one `expunge` per removed message. */
  expunge(): ImapOperation {
    return this.#request({ kind: 'expunge' });
  }

  /** UID SEARCH with criteria as typed (`FROM alice UNSEEN`): answered with `searched`. */
  search(criteria: string): ImapOperation {
    const parse = (text: string) => parseCommand(`S UID SEARCH ${text}`, { utf8Accept: true });
    let parsed = parse(criteria);
    // TOLERANCE: a user types `SUBJECT café`; 8-bit words must be quoted (the command then sends a literal).
    if (parsed.kind === 'bad')
      parsed = parse(criteria.replace(/(^|\s)([^\s"()]*\P{ASCII}[^\s"()]*)/gu, '$1"$2"'));
    if (parsed.kind === 'command' && parsed.command.name === 'SEARCH')
      return this.#request({ kind: 'search', criteria, keys: parsed.command.criteria });
    const reason = parsed.kind === 'bad' ? parsed.message : 'not search criteria';
    return this.#refuse({ kind: 'search', criteria, keys: [] }, `cannot read the criteria: ${reason}`);
  }

  /** IDLE (RFC 2177) until {@link stopIdle} or another operation; `done` when it has ended. */
  idle(): ImapOperation {
    return this.#request({ kind: 'idle' });
  }

  /** Ends IDLE with DONE (or drops an IDLE not started yet). */
  stopIdle(): void {
    this.input(() => this.sendToMachine({ type: 'app.stopIdle' }));
    this.wake();
  }

  /** LOGOUT after the operations already queued; the connection closes after. */
  logout(): ImapOperation {
    return this.#request({ kind: 'logout' });
  }

  #request(request: ImapOperationRequest): ImapOperation {
    const op: ImapOperation = { id: this.#nextOp++, ...request };
    if (!this.active) return this.#refuse(op, 'the session is closed', false);
    this.input(() => this.sendToMachine({ type: 'app.request', op }));
    this.wake();
    return op;
  }

  /** Answers an operation that never reaches the server. */
  #refuse(request: ImapOperationRequest, reason: string, permanent = true): ImapOperation {
    const op: ImapOperation =
      'id' in request ? (request as ImapOperation) : { id: this.#nextOp++, ...request };
    this.appEvent({ type: 'failed', op, reason, permanent });
    this.wake();
    return op;
  }

  protected handleEmitted(e: ImapClientEmitted): void {
    switch (e.type) {
      case 'out.command': {
        const [first, ...rest] = formatCommandSegments(e.command, { literalPlus: e.literalPlus });
        this.#inFlightTag = e.command.tag;
        this.#segments = rest;
        if (first) this.transmit(first);
        break;
      }
      case 'out.line':
        this.transmit(utf8Bytes(`${e.text}\r\n`));
        break;
      case 'out.startTls': {
        let injected = false;
        for (let out = this.#reader.poll(); out; out = this.#reader.poll()) injected = true;
        if (injected)
          this.violation(
            'RFC 3501 §6.2.1',
            'responses received after the OK to STARTTLS were discarded (plaintext injection)',
          );
        this.#reader = new ResponseReader();
        this.output({ kind: 'startTls' });
        break;
      }
      case 'out.startCompression':
        this.output({ kind: 'startCompression' });
        break;
      case 'out.close':
        this.closeOnce();
        break;
      case 'out.violation':
        this.violation(e.rule, e.message);
        break;
      case 'out.event':
        this.appEvent(e.event);
        break;
    }
  }

  protected bufferBytes(bytes: Uint8Array): void {
    this.#reader.receive(bytes);
  }

  /** Turns framed responses into events for as long as the machine reads them. */
  protected readInput(): void {
    while (this.active && !this.hasTag('codec:paused')) {
      const out = this.#reader.poll();
      if (!out) return;
      const event = this.#eventFor(out);
      if (event) this.sendToMachine(event);
    }
  }

  #eventFor(out: ResponseReaderOutput): ImapClientEvent | undefined {
    if (out.kind === 'too-big') return { type: 'reply.malformed', line: '', reason: out.message };
    if (out.kind === 'bad')
      return { type: 'reply.malformed', line: utf8Text(out.raw).slice(0, 200), reason: out.message };
    const r = out.response;
    switch (r.kind) {
      case 'continuation': {
        const next = this.#segments.shift();
        if (next === undefined) return { type: 'reply.continue', text: r.text };
        this.transmit(next);
        return undefined;
      }
      case 'tagged':
        if (r.tag !== this.#inFlightTag) {
          this.violation('RFC 3501 §2.2.2', `tagged response ${r.tag} completes no command in flight`);
          return undefined;
        }
        this.#inFlightTag = undefined;
        this.#segments = [];
        return { type: r.status === 'OK' ? 'reply.ok' : 'reply.refused', response: r };
      case 'status':
        return r.code === undefined
          ? { type: 'reply.status', status: r.status, text: r.text }
          : { type: 'reply.status', status: r.status, code: r.code, text: r.text };
      case 'data': {
        const event = untaggedData(r);
        return typeof event === 'string'
          ? { type: 'reply.malformed', line: utf8Text(out.raw).slice(0, 200), reason: event }
          : event;
      }
    }
  }
}

function validUids(uids: readonly number[]): boolean {
  return uids.length > 0 && uids.every((u) => Number.isInteger(u) && u >= 1 && u <= 4_294_967_295);
}

/** Text of an `astring` / `nstring` value (`* LIST` names may come as atoms, numbers, quoted or literals). */
function textOf(v: ImapValue | undefined): string | undefined {
  switch (v?.type) {
    case 'atom':
    case 'string':
    case 'astring':
      return v.value;
    case 'number':
      return String(v.value);
    case 'literal':
      return utf8Text(v.value);
    default:
      return undefined;
  }
}

/** An untagged data response as the machine's event, or why it cannot be read. */
function untaggedData(r: Extract<ImapResponse, { kind: 'data' }>): ImapClientEvent | string {
  const { name, number, values } = r;
  switch (name) {
    case 'CAPABILITY': {
      const caps = values.map(textOf);
      return caps.includes(undefined)
        ? 'CAPABILITY lists something that is not an atom'
        : { type: 'reply.capability', capabilities: caps as string[] };
    }
    case 'EXISTS':
    case 'EXPUNGE':
      if (number === undefined) return `${name} without a number`;
      if (name === 'EXISTS') return { type: 'reply.exists', count: number };
      return number === 0 ? 'EXPUNGE of message 0' : { type: 'reply.expunge', seq: number };
    case 'SEARCH': {
      const numbers = values.map((v) => (v.type === 'number' ? v.value : NaN));
      return numbers.some(Number.isNaN)
        ? 'SEARCH lists something that is not a number'
        : { type: 'reply.search', numbers };
    }
    case 'LIST': {
      const entry = listEntry(values);
      return typeof entry === 'string' ? entry : { type: 'reply.list', mailbox: entry };
    }
    case 'FETCH': {
      if (number === undefined || number === 0) return 'FETCH without a message number';
      const items = fetchItems(values);
      return typeof items === 'string' ? items : { type: 'reply.fetch', seq: number, items };
    }
    default:
      return { type: 'reply.data', name };
  }
}

/** `; RFC 3501 §7.2.2 mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox` */
function listEntry(values: readonly ImapValue[]): MailboxEntry | string {
  const [flags, delimiter, mailbox] = values;
  if (flags?.type !== 'list') return 'LIST without its attribute list';
  const attributes = flags.items.map(textOf);
  if (attributes.includes(undefined)) return 'LIST attributes must be atoms';
  const raw = textOf(mailbox);
  if (raw === undefined || (delimiter?.type !== 'string' && delimiter?.type !== 'nil'))
    return 'LIST without a delimiter and a mailbox name';
  // TOLERANCE: a name that is not valid modified UTF-7 is shown as sent.
  const decoded = decodeMutf7(raw);
  return {
    name: decoded.ok ? decoded.value : raw,
    delimiter: delimiter.type === 'string' ? delimiter.value : undefined,
    attributes: attributes as string[],
  };
}

/** `; RFC 3501 §7.4.2 msg-att`: the items the client uses; others are skipped. */
function fetchItems(values: readonly ImapValue[]): FetchedItems | string {
  const list = values[0];
  if (list?.type !== 'list' || values.length !== 1) return 'FETCH data must be one parenthesised list';
  const items: { -readonly [K in keyof FetchedItems]: FetchedItems[K] } = {};
  for (let i = 0; i + 1 < list.items.length; i += 2) {
    const key = list.items[i];
    const value = list.items[i + 1]!;
    if (key?.type !== 'atom') return 'FETCH item names must be atoms';
    switch (key.value.toUpperCase()) {
      case 'UID':
        if (value.type !== 'number' || value.value === 0) return 'FETCH UID must be a number';
        items.uid = value.value;
        break;
      case 'RFC822.SIZE':
        if (value.type !== 'number') return 'FETCH RFC822.SIZE must be a number';
        items.size = value.value;
        break;
      case 'FLAGS': {
        const flags = value.type === 'list' ? value.items.map(textOf) : [undefined];
        if (flags.includes(undefined)) return 'FETCH FLAGS must be a list of flags';
        items.flags = flags as string[];
        break;
      }
      case 'INTERNALDATE': {
        const date = value.type === 'string' ? parseDateTime(value.value) : undefined;
        if (!date?.ok) return 'FETCH INTERNALDATE must be a date-time';
        items.internalDate = date.value.epochMs;
        break;
      }
      case 'ENVELOPE': {
        const envelope = envelopeOf(value);
        if (envelope === undefined) return 'FETCH ENVELOPE must be a list of ten fields';
        items.envelope = envelope;
        break;
      }
      case 'BODY[]':
        if (value.type === 'literal') items.body = value.value;
        else if (value.type === 'string') items.body = utf8Bytes(value.value);
        break;
    }
  }
  return items;
}

/**
 * `; RFC 3501 §9 envelope = "(" env-date SP env-subject SP env-from SP
 * env-sender SP env-reply-to SP env-to SP env-cc SP env-bcc SP
 * env-in-reply-to SP env-message-id ")"`; undefined when it is not that shape.
 */
function envelopeOf(value: ImapValue): Envelope | undefined {
  if (value.type !== 'list' || value.items.length !== 10) return undefined;
  const [date, subject, from, sender, replyTo, to, cc, bcc, inReplyTo, messageId] = value.items;
  const lists = [from, sender, replyTo, to, cc, bcc].map(addressesOf);
  if (lists.includes(undefined)) return undefined;
  const [f, s, r, t, c, b] = lists as EnvelopeAddress[][];
  const text = (v: ImapValue | undefined, key: string) => {
    const t = textOf(v);
    return t === undefined ? {} : { [key]: t };
  };
  return {
    ...text(date, 'date'),
    ...text(subject, 'subject'),
    from: f!,
    sender: s!,
    replyTo: r!,
    to: t!,
    cc: c!,
    bcc: b!,
    ...text(inReplyTo, 'inReplyTo'),
    ...text(messageId, 'messageId'),
  };
}

/** `; RFC 3501 §9 address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"`, a list or NIL. */
function addressesOf(value: ImapValue | undefined): EnvelopeAddress[] | undefined {
  if (value?.type === 'nil') return [];
  if (value?.type !== 'list') return undefined;
  const out: EnvelopeAddress[] = [];
  for (const a of value.items) {
    if (a.type !== 'list' || a.items.length !== 4) return undefined;
    const [name, , mailbox, host] = a.items.map(textOf);
    out.push({
      ...(name === undefined ? {} : { name }),
      ...(mailbox === undefined ? {} : { mailbox }),
      ...(host === undefined ? {} : { host }),
    });
  }
  return out;
}
