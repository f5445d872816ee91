/**
 * One terminal session: a raw TCP stream from a host to a server's port, as
 * telnet (or `openssl s_client -starttls smtp`) would give a learner. The
 * Simulation opens it and runs the world; this class owns the socket, keeps
 * what was said as lines, and explains every reply. It never decides
 * anything about SMTP, POP3 or IMAP: the server at the other end is the real
 * server session. SMTP replies are split and explained only by the engine's
 * `parseReplyLine`, `ReplyAssembler` and `explainReply`; POP3 responses by
 * the small pure reader of `pop3-explain.ts`, which pairs each status line
 * with the command it answers; IMAP's by `imap-explain.ts`, which pairs
 * completions with commands by tag and follows literals, IDLE and SASL.
 *
 * Like the Simulation, it publishes to Svelte in batches: socket callbacks
 * fill plain buffers, and {@link TerminalConnection.publish} (called by the
 * Simulation once per frame or action) copies them into `$state`.
 */
import {
  explainReply,
  parseReplyLine,
  ReplyAssembler,
  utf8Bytes,
  type Host,
  type ReplyExplanation,
  type Socket,
  type Trace,
} from '../../../simulators/index.ts';
import type { CommandProtocol } from '../terminal/completion.ts';
import {
  ImapConversation,
  type ImapExpecting,
  type ImapLineStatus,
  type ImapResponse,
} from '../terminal/imap-conversation.ts';
import { LineSplitter } from '../terminal/line-splitter.ts';
import { Pop3ResponseReader, type Pop3Explanation, type Pop3StatusWord } from '../terminal/pop3-explain.ts';

/** Who said a line: the learner (`sent`), the server (`received`), or the terminal itself. */
export type TerminalLineKind = 'sent' | 'received' | 'note' | 'error';

/** One line of the session, as the terminal prints it. */
export interface TerminalLine {
  /** Position in the session, from 0. */
  readonly id: number;
  readonly kind: TerminalLineKind;
  /** The text, without its line end; control characters made visible. */
  readonly text: string;
  /** For a server line that is a reply line: the first digit of its code (RFC 5321 §4.2.1), for colour. */
  readonly replyClass?: number;
  /** For a POP3 server's status line: its status word (RFC 1939 §3), for colour. */
  readonly pop3Status?: Pop3StatusWord;
  /** For an IMAP server's status line or `+`: its status (RFC 3501 §7.1), for colour. */
  readonly imapStatus?: ImapLineStatus;
}

/** A complete IMAP response worth explaining (greeting, `+`, completion, BYE); `imap-explain.ts` says what it means. */
export interface ExplainedImapReply extends ImapResponse {
  /** Position among the session's explained responses, from 0. */
  readonly id: number;
  /** Virtual time it arrived. */
  readonly at: number;
}

/** A complete server reply with the catalogue's explanation. */
export interface ExplainedReply {
  /** Position among the session's replies, from 0. */
  readonly id: number;
  /** Virtual time it arrived. */
  readonly at: number;
  readonly code: number;
  /** The code's first digit: 2 done, 3 go on, 4 try later, 5 refused (RFC 5321 §4.2.1). */
  readonly replyClass: number;
  /** The RFC 3463 enhanced status code, when the reply has one. */
  readonly enhanced?: string;
  /** The first line's text (without code and enhanced code). */
  readonly text: string;
  /** How many more lines the reply has (a multi-line reply, RFC 5321 §4.2.1). */
  readonly moreLines: number;
  readonly explanation: ReplyExplanation;
}

/** A complete POP3 response, explained in the context of the command it answers. */
export interface ExplainedPop3Reply {
  /** Position among the session's responses, from 0. */
  readonly id: number;
  /** Virtual time it was complete. */
  readonly at: number;
  readonly status: Pop3StatusWord;
  /** The RFC 2449 §8 response code, without brackets. */
  readonly code?: string;
  /** The status line's text (after status and code). */
  readonly text: string;
  /** The command line it answers; undefined for the greeting. */
  readonly command?: string;
  /** Lines of its multi-line body (without the final `.`). */
  readonly bodyLines: number;
  readonly explanation: Pop3Explanation;
}

/** Where the connection is in its life. `closing`: the learner closed it, the server's FIN may not be back yet. */
export type TerminalPhase = 'connecting' | 'open' | 'closing' | 'closed';

/** The TLS layer, once up. */
export interface TerminalTls {
  readonly version: string;
  readonly cipher: string;
  readonly serverName: string;
}

/** What the Simulation hands a new connection. */
export interface TerminalConnectionOptions {
  /** The host the terminal runs on. */
  readonly from: Host;
  readonly trace: Trace;
  /** Reads virtual time. */
  readonly now: () => number;
  readonly address: string;
  readonly port: number;
  /** The server's host id, for messages and the certificate name. */
  readonly serverHost: string;
  /** Implicit TLS (ports 465, 995): the handshake runs before the first byte (RFC 8314). */
  readonly implicitTls: boolean;
  /** Whose replies to expect and explain; SMTP when left out. */
  readonly protocol?: CommandProtocol;
  /**
   * How long the connection may stay silent after its last activity before
   * waiting for it stops: longer than a round trip and the server's thinking.
   */
  readonly quietMs: number;
  /** Runs the world while the learner waits (the Simulation's rule); called after every intent. */
  readonly wait: (connection: TerminalConnection) => void;
}

const FAILURES: Readonly<Record<'refused' | 'timeout' | 'no-route', string>> = {
  refused: 'connection refused (nothing listens on that port)',
  timeout: 'connection timed out (no answer to the SYN)',
  'no-route': 'no route to host',
};

/** A terminal's connection; see the module comment. */
export class TerminalConnection {
  /** `from → host:port`, for headings. */
  readonly label: string;
  /** `host:port`. */
  readonly target: string;
  /** Whose replies the connection explains. */
  readonly protocol: CommandProtocol;

  /** Every line so far; replaced (never mutated) on publish. */
  lines = $state.raw<readonly TerminalLine[]>([]);
  /** Every complete SMTP reply so far, oldest first; replaced on publish. */
  replies = $state.raw<readonly ExplainedReply[]>([]);
  /** Every complete POP3 response so far, oldest first; replaced on publish. */
  pop3Replies = $state.raw<readonly ExplainedPop3Reply[]>([]);
  /** Every explained IMAP response so far, oldest first; replaced on publish. */
  imapReplies = $state.raw<readonly ExplainedImapReply[]>([]);
  /** IMAP: what the server waits for from the learner, and the tag to offer next. */
  imap = $state.raw<{ readonly expecting: ImapExpecting; readonly nextTag: string }>({
    expecting: { kind: 'command' },
    nextTag: 'a1',
  });
  phase = $state<TerminalPhase>('connecting');
  /** The TLS layer once established. */
  secure = $state.raw<TerminalTls | undefined>();
  /** The learner asked for TLS and the handshake is under way. */
  tlsStarting = $state(false);

  readonly #options: TerminalConnectionOptions;
  readonly #socket: Socket;
  readonly #splitter = new LineSplitter();
  readonly #assembler = new ReplyAssembler();
  readonly #pop3 = new Pop3ResponseReader();
  readonly #imap = new ImapConversation();
  #imapReplies: ExplainedImapReply[] = [];
  readonly #unsubscribe: () => void;
  #lines: TerminalLine[] = [];
  #replies: ExplainedReply[] = [];
  #pop3Replies: ExplainedPop3Reply[] = [];
  #phase: TerminalPhase = 'connecting';
  #secure: TerminalTls | undefined;
  #tlsStarting = false;
  #dirty = true;
  #lastActivity: number;

  constructor(options: TerminalConnectionOptions) {
    this.#options = options;
    this.target = `${options.serverHost}:${options.port}`;
    this.protocol = options.protocol ?? 'smtp';
    this.label = `${options.from.id} → ${this.target}`;
    this.#lastActivity = options.now();
    this.#note(`Trying ${options.address} port ${options.port}…`);
    this.#socket = options.from.connect(
      {
        address: options.address,
        port: options.port,
        serverName: options.serverHost,
        ...(options.implicitTls ? { tls: true } : {}),
      },
      {
        opened: () => this.#opened(),
        data: (bytes) => this.#data(bytes),
        end: () => this.#peerClosed(),
        reset: (reason) => this.#finish(`Connection reset: ${reason}.`, 'error'),
        failed: (reason) =>
          this.#finish(`Unable to connect to ${this.target}: ${FAILURES[reason]}.`, 'error'),
        tlsEstablished: (info) => this.#tlsUp(info),
        closed: () => this.#finish(),
      },
    );
    // The trace says when this connection's bytes leave a host; arrivals come through the handlers.
    const id = this.#socket.id;
    this.#unsubscribe = options.trace.subscribe((event) => {
      if ('conn' in event && event.conn === id) this.#activity();
    });
  }

  /** Whether lines can be sent. */
  get connected(): boolean {
    return this.phase === 'open';
  }

  /** Whether the learner can start TLS now: connected, not secure yet, no handshake running. */
  get canStartTls(): boolean {
    return this.phase === 'open' && this.secure === undefined && !this.tlsStarting;
  }

  /** Whether the connection is finished for good (closed, reset or never made). */
  get finished(): boolean {
    return this.#phase === 'closed';
  }

  /**
   * Sends one line and CRLF (RFC 5321 §2.3.8, RFC 1939 §3), then lets the Simulation run
   * the world for the answer. Returns false when nothing could be sent.
   */
  send(line: string): boolean {
    if (this.#phase !== 'open' || !this.#socket.writable) {
      this.#line('error', 'Not connected: choose a server and press Connect.');
      this.#options.wait(this);
      return false;
    }
    this.#line('sent', line);
    if (this.protocol === 'pop3') this.#pop3.sent(line);
    if (this.protocol === 'imap') this.#imap.sent(line);
    this.#socket.write(utf8Bytes(`${line}\r\n`));
    this.#activity();
    this.#options.wait(this);
    return true;
  }

  /**
   * Starts the TLS handshake as the client, as `openssl s_client -starttls`
   * does once the server said `220 Ready to start TLS` (RFC 3207 §4) or
   * `+OK` to STLS (RFC 2595 §4). Sent before that, the ClientHello reaches
   * the server as garbage.
   */
  startTls(): void {
    if (!this.canStartTls) return;
    this.#tlsStarting = true;
    this.#note('Starting TLS: sending a ClientHello…');
    this.#socket.startTls();
    this.#activity();
    this.#options.wait(this);
  }

  /** Closes the connection: FIN when open (the server sees the client leave), RST while still connecting. */
  close(): void {
    if (this.#phase === 'open') {
      this.#phase = 'closing';
      this.#note('Closing the connection.');
      this.#socket.end();
    } else if (this.#phase === 'connecting') {
      this.#socket.reset('closed by the learner');
      this.#finish('Connection attempt abandoned.');
    } else return;
    this.#activity();
    this.#options.wait(this);
  }

  /** The world this connection lived in is gone (the simulation was reset). */
  dispose(): void {
    if (this.#phase !== 'closed') this.#finish('The world was reset: this connection is gone.');
    this.#unsubscribe();
  }

  /**
   * Whether the learner is still waiting on this connection, when the next
   * scheduled event is due at `nextAt`: while connecting, or while something
   * sent on it may still be answered (within `quietMs` of its last activity).
   */
  waiting(nextAt: number): boolean {
    if (this.#phase === 'closed') return false;
    return this.#phase === 'connecting' || nextAt <= this.#lastActivity + this.#options.quietMs;
  }

  /** Copies the buffers into the reactive fields, when something changed. */
  publish(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    this.lines = this.#lines.slice();
    this.replies = this.#replies.slice();
    this.pop3Replies = this.#pop3Replies.slice();
    this.imapReplies = this.#imapReplies.slice();
    if (this.protocol === 'imap')
      this.imap = { expecting: this.#imap.expecting, nextTag: this.#imap.nextTag };
    this.phase = this.#phase;
    this.secure = this.#secure;
    this.tlsStarting = this.#tlsStarting;
  }

  #opened(): void {
    this.#phase = 'open';
    this.#activity();
    this.#note(`Connected to ${this.target}.`);
  }

  #data(bytes: Uint8Array): void {
    this.#activity();
    for (const line of this.#splitter.push(bytes)) this.#received(line);
  }

  #received(text: string): void {
    if (this.protocol === 'pop3') return this.#receivedPop3(text);
    if (this.protocol === 'imap') return this.#receivedImap(text);
    const parsed = parseReplyLine(text);
    this.#line('received', text, parsed === undefined ? undefined : Math.floor(parsed.code / 100));
    const event = this.#assembler.push(text);
    if (event?.kind !== 'reply') return;
    const { reply } = event;
    this.#replies.push({
      id: this.#replies.length,
      at: this.#options.now(),
      code: reply.code,
      replyClass: Math.floor(reply.code / 100),
      ...(reply.enhanced === undefined ? {} : { enhanced: reply.enhanced }),
      text: reply.lines[0] ?? '',
      moreLines: reply.lines.length - 1,
      explanation: explainReply(reply.code, reply.enhanced),
    });
  }

  #receivedPop3(text: string): void {
    const result = this.#pop3.received(text);
    this.#line('received', text, undefined, result.kind === 'status' ? result.status : undefined);
    const response = result.response;
    if (response === undefined) return;
    const { status } = response;
    this.#pop3Replies.push({
      id: this.#pop3Replies.length,
      at: this.#options.now(),
      status: status.status,
      ...(status.code === undefined ? {} : { code: status.code }),
      text: status.text,
      ...(response.command === undefined ? {} : { command: response.command }),
      bodyLines: response.bodyLines,
      explanation: response.explanation,
    });
  }

  #receivedImap(text: string): void {
    const { status, response } = this.#imap.received(text);
    this.#line('received', text, undefined, undefined, status);
    if (response === undefined) return;
    this.#imapReplies.push({ ...response, id: this.#imapReplies.length, at: this.#options.now() });
  }

  #peerClosed(): void {
    this.#activity();
    const tail = this.#splitter.flush();
    if (tail !== undefined) this.#received(tail);
    this.#note('Connection closed by foreign host.');
    // Close our side too, as telnet does: the connection is gone once both FINs have crossed.
    if (this.#socket.writable) this.#socket.end();
    if (this.#phase !== 'closed') this.#phase = 'closing';
  }

  #tlsUp(info: TerminalTls): void {
    this.#activity();
    this.#secure = { version: info.version, cipher: info.cipher, serverName: info.serverName };
    this.#tlsStarting = false;
    this.#note(`TLS established: ${info.version}, ${info.cipher}, certificate for ${info.serverName}.`);
  }

  #finish(message?: string, kind: 'note' | 'error' = 'note'): void {
    if (message !== undefined) this.#line(kind, message);
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    this.#tlsStarting = false;
    this.#dirty = true;
    this.#unsubscribe();
  }

  #note(text: string): void {
    this.#line('note', text);
  }

  #line(
    kind: TerminalLineKind,
    text: string,
    replyClass?: number,
    pop3Status?: Pop3StatusWord,
    imapStatus?: ImapLineStatus,
  ): void {
    this.#lines.push({
      id: this.#lines.length,
      kind,
      text,
      ...(replyClass === undefined ? {} : { replyClass }),
      ...(pop3Status === undefined ? {} : { pop3Status }),
      ...(imapStatus === undefined ? {} : { imapStatus }),
    });
    this.#dirty = true;
  }

  #activity(): void {
    this.#lastActivity = this.#options.now();
    this.#dirty = true;
  }
}
