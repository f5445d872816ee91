/**
 * A client and a server session joined by bytes only (h11's
 * `ConnectionPair`, quinn-proto's test `Pair`): what one side transmits is
 * queued for the other, and `step()` delivers one piece at a time, so a test
 * can watch a pipelined batch cross before the replies come back. Time is
 * the net/ `Scheduler`, shared by both sessions as their XState clock; it
 * moves only when a test calls `advance`.
 *
 * TLS is simulated: the handshake starts once both sides have asked for it
 * (the server when it sends 220 to STARTTLS, the client when it reads that
 * 220) and completes in one delivery, server first, then client — the order
 * in which a real handshake's Finished messages let each side proceed.
 *
 * The transcript is RFC 5321 Appendix D style: `C:` for what the client
 * wrote, `S:` for what the server wrote, one line per wire line, so a
 * multi-line reply is several `S:` lines. The message body is shown as sent
 * (dot-stuffed, up to and including the lone `.`), unless the pair is built
 * with `body: 'summary'`: then it is one `C: <message N octets>` line (N
 * counts the wire octets before the final `.` line) followed by `C: .`.
 * Connection events appear as `-- … --` lines.
 */
import { bytesToLatin1, utf8Text } from '../core/bytes.ts';
import type { EngineSession, SessionOutput, TlsInfo } from '../core/session.ts';
import { Scheduler } from '../net/scheduler.ts';
import { SmtpClientSession, type SmtpClientAppEvent, type SmtpClientConfig } from '../smtp/client-session.ts';
import {
  DEFAULT_SMTP_SERVER_CONFIG,
  type SmtpDirectory,
  type SmtpServerConfig,
} from '../smtp/server-config.ts';
import { SmtpServerSession, type SmtpServerAppEvent } from '../smtp/server-session.ts';
import type { ReceivedMessage, Reply } from '../smtp/server.machine.ts';

/** The TLS facts both sides are told when the simulated handshake completes. */
export const TEST_TLS: TlsInfo = {
  version: 'TLSv1.3',
  cipher: 'TLS_AES_128_GCM_SHA256',
  serverName: 'mx.example.net',
};

/** Which end of the connection. */
export type Side = 'client' | 'server';

/** A violation either session reported, with the side that reported it. */
export interface PairViolation {
  readonly side: Side;
  readonly rule: string;
  readonly message: string;
}

type Delivery =
  | { readonly kind: 'bytes'; readonly to: Side; readonly bytes: Uint8Array }
  | { readonly kind: 'end'; readonly to: Side }
  | { readonly kind: 'tls' };

/** How the transcript shows a message body. */
export type BodyStyle = 'lines' | 'summary';

/**
 * Records the conversation as Appendix D lines. It follows the SMTP framing
 * just enough to know where a body starts (the server's 354) and ends (the
 * client's lone `.`); everything else is split at line ends.
 */
export class SmtpTranscript {
  readonly lines: string[] = [];
  readonly #body: BodyStyle;
  #partial: Record<Side, string> = { client: '', server: '' };
  /** The server said 354: the client's next lines are the body. */
  #inData = false;
  #bodyOctets = 0;

  constructor(body: BodyStyle = 'lines') {
    this.#body = body;
  }

  /** Bytes one side transmitted. */
  record(side: Side, bytes: Uint8Array): void {
    // Latin-1 keeps every octet visible; UTF-8 text (SMTPUTF8) is decoded per line below.
    let text = this.#partial[side] + bytesToLatin1(bytes);
    for (let lf = text.indexOf('\n'); lf !== -1; lf = text.indexOf('\n')) {
      const raw = text.slice(0, lf + 1);
      text = text.slice(lf + 1);
      this.#line(side, raw);
    }
    this.#partial[side] = text;
  }

  /** A connection event, e.g. TLS or a close. */
  note(text: string): void {
    this.lines.push(`-- ${text} --`);
  }

  #line(side: Side, raw: string): void {
    const line = utf8Text(Uint8Array.from(raw.replace(/\r?\n$/, ''), (c) => c.charCodeAt(0)));
    if (side === 'server') {
      if (/^354(?: |$)/.test(line)) this.#inData = true;
      this.lines.push(`S: ${line}`);
      return;
    }
    if (this.#inData) {
      if (line === '.') {
        this.#inData = false;
        if (this.#body === 'summary') this.lines.push(`C: <message ${this.#bodyOctets} octets>`);
        this.#bodyOctets = 0;
        this.lines.push('C: .');
        return;
      }
      this.#bodyOctets += raw.length;
      if (this.#body === 'lines') this.lines.push(`C: ${line}`);
      return;
    }
    this.lines.push(`C: ${line}`);
  }
}

/** Options for {@link SessionPair}. */
export interface PairOptions {
  /** How the transcript shows bodies; default `'lines'`. */
  readonly body?: BodyStyle;
  /** TLS facts for the simulated handshake; default {@link TEST_TLS}. */
  readonly tls?: TlsInfo;
}

/**
 * Two SMTP sessions and the bytes between them. Each `step()` drains both
 * sessions' outputs (str0m's invariant: after every input, poll to empty),
 * then makes one delivery. `events` hold what each session told its owner.
 */
export class SessionPair<C extends EngineSession<CE>, S extends EngineSession<SE>, CE, SE> {
  readonly transcript: SmtpTranscript;
  readonly clientEvents: CE[] = [];
  readonly serverEvents: SE[] = [];
  readonly violations: PairViolation[] = [];
  /** Each transmit as it left its session (latin-1 text), so a test can see what went out in one write. */
  readonly wire: { readonly side: Side; readonly text: string }[] = [];
  /** Every `state` output, as `side: state`. */
  readonly states: string[] = [];
  readonly #queue: Delivery[] = [];
  readonly #tlsAsked: Record<Side, boolean> = { client: false, server: false };
  readonly #closed: Record<Side, boolean> = { client: false, server: false };
  readonly #tls: TlsInfo;
  /** Called for each server event before it is stored, e.g. to answer a message. */
  onServerEvent: ((event: SE) => void) | undefined;

  constructor(
    readonly client: C,
    readonly server: S,
    readonly clock: Scheduler,
    options: PairOptions = {},
  ) {
    this.transcript = new SmtpTranscript(options.body);
    this.#tls = options.tls ?? TEST_TLS;
    // The pair drains at every step; a timer's output is picked up by the next one.
    client.setWaker(() => {});
    server.setWaker(() => {});
  }

  /** The transcript lines so far. */
  get lines(): readonly string[] {
    return this.transcript.lines;
  }

  /** Whether a side has asked for its connection to be closed. */
  closed(side: Side): boolean {
    return this.#closed[side];
  }

  /** Drains both sides, then makes one delivery. Returns false when there was nothing to do. */
  step(): boolean {
    let progressed = this.#drain('client');
    progressed = this.#drain('server') || progressed;
    const delivery = this.#queue.shift();
    if (delivery) {
      this.#deliver(delivery);
      progressed = true;
    }
    return progressed;
  }

  /** Steps until both sides are quiet; throws after `maxSteps` (a livelock). Returns the steps taken. */
  drive(maxSteps = 10_000): number {
    const steps = this.driveBounded(maxSteps);
    if (steps === undefined) throw new Error(`pair still busy after ${maxSteps} steps`);
    return steps;
  }

  /** Steps until quiet or `maxSteps`; returns the steps taken, or undefined if still busy. */
  driveBounded(maxSteps: number): number | undefined {
    for (let n = 0; n < maxSteps; n++) if (!this.step()) return n;
    return undefined;
  }

  /** Lets virtual time pass (timers fire), then drives to quiet. */
  advance(ms: number): void {
    this.clock.advance(ms);
    this.drive();
  }

  /** The connection breaks: both sides see the end at once, whatever is still in flight is lost. */
  cut(): void {
    this.#queue.length = 0;
    this.transcript.note('connection lost');
    this.client.receiveEnd();
    this.server.receiveEnd();
    this.drive();
  }

  #drain(side: Side): boolean {
    const session: EngineSession<CE> | EngineSession<SE> = side === 'client' ? this.client : this.server;
    let any = false;
    for (let out = session.poll(); out !== undefined; out = session.poll()) {
      any = true;
      this.#output(side, out);
    }
    return any;
  }

  #output(side: Side, out: SessionOutput<CE> | SessionOutput<SE>): void {
    const peer: Side = side === 'client' ? 'server' : 'client';
    switch (out.kind) {
      case 'transmit':
        this.transcript.record(side, out.bytes);
        this.wire.push({ side, text: bytesToLatin1(out.bytes) });
        this.#queue.push({ kind: 'bytes', to: peer, bytes: out.bytes });
        break;
      case 'startTls':
        this.#tlsAsked[side] = true;
        if (this.#tlsAsked.client && this.#tlsAsked.server) {
          this.#tlsAsked.client = this.#tlsAsked.server = false;
          this.#queue.push({ kind: 'tls' });
        }
        break;
      case 'close':
        if (this.#closed[side]) break;
        this.#closed[side] = true;
        this.transcript.note(`${side} closes`);
        this.#queue.push({ kind: 'end', to: peer });
        break;
      case 'state':
        this.states.push(`${side}: ${out.state}`);
        break;
      case 'violation':
        this.violations.push({ side, rule: out.rule, message: out.message });
        break;
      case 'event':
        if (side === 'client') this.clientEvents.push(out.event as CE);
        else {
          this.serverEvents.push(out.event as SE);
          this.onServerEvent?.(out.event as SE);
        }
        break;
    }
  }

  #deliver(d: Delivery): void {
    if (d.kind === 'tls') {
      this.transcript.note(`TLS established (${this.#tls.version} ${this.#tls.cipher})`);
      this.server.handleTlsEstablished(this.#tls);
      this.client.handleTlsEstablished(this.#tls);
      return;
    }
    const session = d.to === 'client' ? this.client : this.server;
    if (d.kind === 'end') session.receiveEnd();
    else session.receive(d.bytes);
  }
}

/** An SMTP client/server pair. */
export type SmtpPair = SessionPair<
  SmtpClientSession,
  SmtpServerSession,
  SmtpClientAppEvent,
  SmtpServerAppEvent
>;

/** Users and domains for a fake {@link SmtpDirectory}. */
export interface FakeDirectoryData {
  /** Domains delivered locally (Postfix `mydestination`). */
  readonly domains: readonly string[];
  /** Mailbox address → password (also the CRAM-MD5 secret and the XOAUTH2 token). */
  readonly users: Readonly<Record<string, string>>;
}

/** A directory over fixed data; addresses compare case-insensitively. */
export function fakeDirectory(data: FakeDirectoryData): SmtpDirectory {
  const users = new Map(Object.entries(data.users).map(([a, p]) => [a.toLowerCase(), p]));
  const domains = new Set(data.domains.map((d) => d.toLowerCase()));
  return {
    isLocalDomain: (domain) => domains.has(domain.toLowerCase()),
    hasMailbox: (address) => users.has(address.toLowerCase()),
    checkPassword: (user, password) => users.get(user.toLowerCase()) === password,
    secretOf: (user) => users.get(user.toLowerCase()),
    checkToken: (user, token) => users.get(user.toLowerCase()) === token,
  };
}

/** Options for {@link smtpPair}. */
export interface SmtpPairOptions extends PairOptions {
  readonly client: SmtpClientConfig;
  /** Server settings over a stock Postfix-like default (mx.example.net, role `mx`). */
  readonly server?: Partial<SmtpServerConfig>;
  readonly directory?: FakeDirectoryData;
  /**
   * The server owner's verdict on each received message; default: accept
   * with `250 2.0.0 Ok: queued as <id>`. Return undefined to answer later
   * with `pair.server.resolveMessage`.
   */
  readonly verdict?: (message: ReceivedMessage) => Reply | undefined;
}

/** The default fake world: example.net is local, bob has a mailbox, alice can submit. */
export const DEFAULT_DIRECTORY: FakeDirectoryData = {
  domains: ['example.net'],
  users: { 'bob@example.net': 'secret', 'carol@example.net': 'secret', 'alice@example.com': 'alice-pw' },
};

/** Builds a client session and a server session on one shared virtual clock, and joins them. */
export function smtpPair(options: SmtpPairOptions): SmtpPair {
  const clock = new Scheduler();
  let queued = 0;
  const server = new SmtpServerSession(
    {
      config: {
        ...DEFAULT_SMTP_SERVER_CONFIG,
        hostname: 'mx.example.net',
        role: 'mx',
        ...options.server,
      },
      directory: fakeDirectory(options.directory ?? DEFAULT_DIRECTORY),
      peer: { address: '192.0.2.25', hostname: 'smtp.example.com', implicitTls: options.client.implicitTls },
      now: () => 1_796_000_000_000 + clock.now,
      queueId: () => `4Q${++queued}`,
      nonce: () => '1896.697170952',
    },
    clock,
  );
  const client = new SmtpClientSession(options.client, clock);
  const pair: SmtpPair = new SessionPair(client, server, clock, options);
  const verdict =
    options.verdict ??
    ((m: ReceivedMessage): Reply => ({ code: 250, enhanced: '2.0.0', text: `Ok: queued as ${m.queueId}` }));
  // Implicit TLS (port 465, RFC 8314 §3): the handshake comes before any SMTP byte.
  if (options.client.implicitTls) {
    pair.transcript.note(
      `TLS established (${(options.tls ?? TEST_TLS).version} ${(options.tls ?? TEST_TLS).cipher})`,
    );
    server.handleTlsEstablished(options.tls ?? TEST_TLS);
    client.handleTlsEstablished(options.tls ?? TEST_TLS);
  }
  pair.onServerEvent = (event) => {
    if (event.type !== 'message') return;
    const reply = verdict(event.message);
    if (reply) server.resolveMessage(reply);
  };
  return pair;
}
