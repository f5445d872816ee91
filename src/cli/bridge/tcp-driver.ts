/**
 * The TCP driver: the twin of `simulators/net/driver.ts` over `node:net`
 * sockets. It joins one sans-I/O server session to one real connection,
 * feeds it what arrives, and after every input drains `poll()` to empty
 * (never nested: a draining flag and an "again" loop, as driver.ts does),
 * turning each output into a socket action or a trace event. The
 * connection shows in the world's trace exactly as a simulated one would:
 * `conn.connecting`/`conn.opened`, `bytes` both ways (marked `encrypted`
 * after real TLS), `tls.start`/`tls.established`, `session.*`, and
 * `conn.closed` or `conn.reset`.
 *
 * STARTTLS (RFC 3207): on a `startTls` output the plain socket stops being
 * read and is wrapped in a server-side `tls.TLSSocket`; when it is secure the
 * session hears `handleTlsEstablished` and reading goes on from the TLS
 * socket. With implicit TLS (port 465) the session is opened only once the
 * handshake is done, as the simulated network does.
 *
 * COMPRESS=DEFLATE (RFC 4978): on a `startCompression` output, what is
 * written from then on goes through the engine's DEFLATE layer
 * (simulators/net/deflate-layer.ts, sync-flushed after every write) and
 * what arrives is inflated before the session sees it; the trace records
 * the plain text with the compressed octets beside it, as the simulated
 * network does. Inside TLS when both are on.
 *
 * Nothing that goes wrong on one connection — a socket error, a failed
 * handshake, an exception from the session — escapes it: the connection is
 * reported, reset and forgotten, and the bridge keeps serving.
 */
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { ConnId, HostId, SessionId } from '../../../simulators/core/ids.ts';
import type { EngineSession, TlsInfo } from '../../../simulators/core/session.ts';
import { DeflateCompressor, DeflateDecompressor } from '../../../simulators/net/deflate-layer.ts';
import type { Endpoint } from '../../../simulators/trace/events.ts';
import type { Trace } from '../../../simulators/trace/trace.ts';
import { CommandRate } from './limits.ts';
import { LineMeter } from './line-meter.ts';

/** The TLS record overhead the simulated network counts too (AES-GCM, TLS 1.3). */
const TLS_RECORD_OVERHEAD = 22;
const TLS_MAX_RECORD = 16_384;

/** A session the driver can run, with the handler for its application events. */
export interface OpenedSession<AppEvent> {
  readonly session: EngineSession<AppEvent>;
  readonly onEvent: (event: AppEvent) => void;
}

/** What a bridged connection needs from the bridge. */
export interface TcpConnectionOptions<AppEvent> {
  /** Sequence number: the connection is `b<n>` in the trace, its session `bs<n>`. */
  readonly number: number;
  readonly socket: Socket;
  readonly trace: Trace;
  /** The client as the trace shows it (`bridge-client`, its real address and port). */
  readonly client: Endpoint;
  /** The bridged host's endpoint: its scenario address and the simulated port. */
  readonly server: Endpoint;
  /** `smtp`, for the trace. */
  readonly protocol: string;
  /** The connection starts with TLS (port 465). */
  readonly implicitTls: boolean;
  /** Needed for STARTTLS and implicit TLS. */
  readonly secureContext: SecureContext | undefined;
  /** Creates the session once the connection is ready for it. */
  readonly openSession: () => OpenedSession<AppEvent>;
  /** Advances the world's clock to wall time (called around every input). */
  readonly pump: () => void;
  /** Reports a problem on this connection (stderr unless --quiet). */
  readonly log: (line: string) => void;
  /** Called once when the connection is gone. */
  readonly onClosed: (connection: TcpConnection<AppEvent>) => void;
  /** What the bridge bounds on input (limits.ts); none when absent. */
  readonly input?: InputLimits;
}

/** The bridge's bounds on what one connection sends. */
export interface InputLimits {
  /** Octets without a line end (IMAP literals excepted) before the client is dropped. */
  readonly maxPendingLine: number;
  /** The longest a started line may take to end, in wall ms. */
  readonly pendingLineTimeoutMs: number;
  /** Command lines per second; more pause reading. */
  readonly commandsPerSecond: number;
  /** IMAP: skip literals up to this size when counting. */
  readonly imapLiterals?: number;
  /** The protocol's last words to a client it drops (limits.ts `refusal`). */
  readonly refusal: (why: string) => string;
}

/** One real connection driven through one engine session. */
export class TcpConnection<AppEvent> {
  readonly id: ConnId;
  readonly sessionId: SessionId;
  readonly #o: TcpConnectionOptions<AppEvent>;
  #stream: Socket;
  #session: EngineSession<AppEvent> | undefined;
  #onEvent: ((event: AppEvent) => void) | undefined;
  #encrypted = false;
  /** The DEFLATE layer, once the session asked for it (RFC 4978). */
  #compression: { readonly out: DeflateCompressor; readonly in: DeflateDecompressor } | undefined;
  #draining = false;
  #again = false;
  /** Our FIN is sent (or the socket destroyed): nothing more is written. */
  #ended = false;
  #closedBy: 'client' | 'server' | undefined;
  #reset = false;
  #gone = false;
  #sessionEnded = false;
  #readPaused = false;
  #ratePaused = false;
  readonly #meter: LineMeter | undefined;
  readonly #rate: CommandRate | undefined;
  /** Wall time the open line started, or undefined when none is open. */
  #lineStarted: number | undefined;
  #lineTimer: NodeJS.Timeout | undefined;
  /** The last protocol state the session reported (SMTP DATA lines are not commands). */
  #state = '';

  constructor(options: TcpConnectionOptions<AppEvent>) {
    this.#o = options;
    this.id = `b${options.number}` as ConnId;
    this.sessionId = `bs${options.number}` as SessionId;
    this.#stream = options.socket;
    const { trace, socket, input } = options;
    if (input) {
      this.#meter = new LineMeter(input.imapLiterals !== undefined, input.imapLiterals);
      this.#rate = new CommandRate(input.commandsPerSecond, Date.now());
    }
    trace.append({ type: 'conn.connecting', conn: this.id, client: options.client, server: options.server });
    trace.append({ type: 'conn.opened', conn: this.id });
    socket.setNoDelay(true);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
    if (options.implicitTls) {
      this.#startTls();
    } else {
      this.#listen(socket);
      this.#openSession();
    }
  }

  /** Ends the connection from our side (bridge shutdown): FIN now, destroyed if still open after `graceMs`. */
  shutdown(graceMs: number): void {
    this.#endSession();
    if (!this.#ended) {
      this.#ended = true;
      this.#closedBy ??= 'server';
      this.#stream.end();
    }
    setTimeout(() => this.#stream.destroy(), graceMs).unref();
  }

  #listen(stream: Socket): void {
    stream.on('data', this.#onData);
    stream.on('end', this.#onEnd);
  }

  /** Opens the session; with implicit TLS it hears the handshake's result before its first drain, as driver.ts does. */
  #openSession(tls?: TlsInfo): void {
    this.#guard(() => {
      const { session, onEvent } = this.#o.openSession();
      this.#session = session;
      this.#onEvent = onEvent;
      const { trace, server, protocol } = this.#o;
      trace.append({
        type: 'session.start',
        session: this.sessionId,
        conn: this.id,
        host: server.host as HostId,
        protocol,
        role: 'server',
        machine: session.machineId,
      });
      session.setWaker(() => this.#guard(() => this.#drain()));
      if (tls) session.handleTlsEstablished(tls);
      this.#drain();
      // The session has set its timers: let the clock's wake-up take them into account.
      this.#o.pump();
    });
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#guard(() => {
      const session = this.#live();
      if (!session) return;
      // A plain Uint8Array: Buffer#slice shares memory, Uint8Array#slice copies, and the codec relies on the latter.
      const wire = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.#o.pump();
      let bytes = wire;
      if (this.#compression) {
        const plain = this.#compression.in.decompress(wire);
        if (!plain.ok) {
          this.#o.log(`${this.id}: COMPRESS: ${plain.message}`);
          this.#resetBy('client', `COMPRESS: ${plain.message}`);
          return;
        }
        bytes = plain.bytes;
      }
      if (!this.#metered(bytes)) return;
      this.#o.trace.append({
        type: 'bytes',
        conn: this.id,
        direction: 'c2s',
        from: this.#o.client.host,
        bytes,
        encrypted: this.#encrypted,
        ...(this.#compression ? { compressed: wire } : {}),
        wireLength: this.#wireLength(wire.length),
      });
      session.receive(bytes);
      this.#drain();
      this.#o.pump();
    });
  };

  readonly #onEnd = (): void => {
    this.#closedBy ??= 'client';
    this.#guard(() => {
      this.#o.pump();
      const session = this.#live();
      if (session) {
        session.receiveEnd();
        this.#drain();
      }
      this.#o.pump();
    });
    // The client is done; whatever the session said is written, so close our side too.
    this.#end();
  };

  readonly #onError = (error: Error): void => {
    const code = (error as NodeJS.ErrnoException).code;
    // A client that vanishes mid-session is ordinary; anything else is worth a line.
    if (code !== 'ECONNRESET' && code !== 'EPIPE') this.#o.log(`${this.id}: ${error.message}`);
    this.#resetBy('client', code === 'ECONNRESET' ? 'connection reset by peer' : error.message);
  };

  readonly #onClose = (): void => {
    if (this.#gone) return;
    this.#gone = true;
    clearTimeout(this.#lineTimer);
    if (!this.#reset)
      this.#o.trace.append({ type: 'conn.closed', conn: this.id, by: this.#closedBy ?? 'client' });
    this.#endSession();
    this.#o.onClosed(this);
  };

  #resetBy(by: 'client' | 'server', reason: string): void {
    if (this.#gone) return;
    if (!this.#reset) {
      this.#reset = true;
      this.#o.trace.append({ type: 'conn.reset', conn: this.id, by, reason });
    }
    const session = this.#live();
    if (by === 'client' && session) {
      try {
        session.receiveEnd();
      } catch {
        // The connection is going anyway.
      }
    }
    this.#ended = true;
    this.#endSession();
    this.#stream.destroy();
    // After a STARTTLS wrap the plain socket is separate; make sure it goes too.
    this.#o.socket.destroy();
  }

  /** The session, while it may still be fed input (not stopped, connection not gone). */
  #live(): EngineSession<AppEvent> | undefined {
    return this.#sessionEnded || this.#gone ? undefined : this.#session;
  }

  #endSession(): void {
    if (this.#sessionEnded || !this.#session) return;
    this.#sessionEnded = true;
    try {
      this.#session.stop();
    } catch (e) {
      this.#o.log(`${this.id}: stopping the session failed: ${(e as Error).message}`);
    }
    this.#o.trace.append({ type: 'session.end', session: this.sessionId });
  }

  /** Runs `fn`; an exception from the session (a bug) closes this connection only. */
  #guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#o.log(`${this.id}: internal error, closing the connection: ${(e as Error)?.stack ?? String(e)}`);
      this.#draining = false;
      this.#resetBy('server', `internal error: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  #drain(): void {
    const session = this.#session;
    if (!session || this.#sessionEnded) return;
    if (this.#draining) {
      this.#again = true;
      return;
    }
    this.#draining = true;
    let corked: Socket | undefined = this.#stream;
    corked.cork();
    try {
      do {
        this.#again = false;
        for (let out = session.poll(); out !== undefined; out = session.poll()) {
          switch (out.kind) {
            case 'transmit':
              this.#write(out.bytes);
              break;
            case 'startTls':
              corked?.uncork();
              corked = undefined;
              this.#startTls();
              break;
            case 'startCompression':
              // Everything transmitted so far went out plain; the rest is DEFLATE both ways.
              this.#compression ??= { out: new DeflateCompressor(), in: new DeflateDecompressor() };
              break;
            case 'close':
              this.#closedBy ??= 'server';
              this.#end();
              break;
            case 'state':
              this.#state = out.state;
              this.#o.trace.append({
                type: 'session.state',
                session: this.sessionId,
                state: out.state,
                event: out.event,
              });
              break;
            case 'violation':
              this.#o.trace.append({
                type: 'session.violation',
                session: this.sessionId,
                by: out.by,
                rule: out.rule,
                message: out.message,
              });
              break;
            case 'event':
              this.#onEvent?.(out.event);
              break;
          }
        }
      } while (this.#again);
    } finally {
      this.#draining = false;
      corked?.uncork();
    }
  }

  #write(bytes: Uint8Array): void {
    if (this.#ended || bytes.length === 0) return;
    const wire = this.#compression ? this.#compression.out.compress(bytes) : bytes;
    this.#o.trace.append({
      type: 'bytes',
      conn: this.id,
      direction: 's2c',
      from: this.#o.server.host,
      bytes,
      encrypted: this.#encrypted,
      ...(this.#compression ? { compressed: wire } : {}),
      wireLength: this.#wireLength(wire.length),
    });
    const stream = this.#stream;
    // A client that sends without reading: stop reading it until it catches up.
    if (!stream.write(wire) && !this.#readPaused) {
      this.#readPaused = true;
      stream.pause();
      stream.once('drain', () => {
        this.#readPaused = false;
        if (!this.#ratePaused) stream.resume();
      });
    }
  }

  /**
   * Applies the input limits to a chunk before the session sees it: false
   * when the connection was dropped for it. Over the rate, reading pauses
   * (TCP flow control then holds the client back, and nothing piles up here).
   */
  #metered(bytes: Uint8Array): boolean {
    const input = this.#o.input;
    const meter = this.#meter;
    if (!input || !meter) return true;
    const lines = meter.feed(bytes);
    const now = Date.now();
    if (meter.pending > input.maxPendingLine) {
      this.#drop(input.refusal('Line too long'));
      return false;
    }
    if (meter.pending === 0) this.#lineStarted = undefined;
    else if (lines > 0 || this.#lineStarted === undefined) this.#lineStarted = now;
    if (this.#lineStarted !== undefined && !this.#lineTimer) this.#watchLine(input);
    // The lines of a message after DATA are its text, not commands.
    const commands = this.#state.includes('receivingData') ? 0 : lines;
    const pause = this.#rate!.take(commands, now);
    if (pause > 0 && !this.#ratePaused) {
      this.#ratePaused = true;
      const stream = this.#stream;
      stream.pause();
      setTimeout(() => {
        this.#ratePaused = false;
        if (!this.#readPaused && !this.#gone) stream.resume();
      }, pause).unref();
    }
    return true;
  }

  /** Drops a client whose line does not end in time (a slow sender holding a connection). */
  #watchLine(input: InputLimits): void {
    const check = () => {
      this.#lineTimer = undefined;
      if (this.#gone || this.#lineStarted === undefined) return;
      const left = this.#lineStarted + input.pendingLineTimeoutMs - Date.now();
      if (left <= 0) this.#drop(input.refusal('Line not finished in time'));
      else this.#lineTimer = setTimeout(check, left).unref();
    };
    this.#lineTimer = setTimeout(check, input.pendingLineTimeoutMs).unref();
  }

  /** Says the protocol's last words outside the session, and closes: destroyed if the client does not read them. */
  #drop(words: string): void {
    if (this.#ended) return;
    this.#o.log(`${this.id}: dropped: ${words.trim()}`);
    this.#write(new TextEncoder().encode(words));
    this.#closedBy ??= 'server';
    this.#endSession();
    this.#stream.pause();
    this.#end();
    setTimeout(() => this.#resetBy('server', words.trim()), 2000).unref();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stream.end();
  }

  #wireLength(length: number): number {
    return this.#encrypted ? length + Math.ceil(length / TLS_MAX_RECORD) * TLS_RECORD_OVERHEAD : length;
  }

  #startTls(): void {
    const { trace, secureContext } = this.#o;
    trace.append({ type: 'tls.start', conn: this.id, by: 'server' });
    if (!secureContext) {
      // The session was configured to offer TLS only when the bridge has a certificate.
      this.#o.log(`${this.id}: TLS requested but the bridge has no certificate`);
      this.#resetBy('server', 'TLS requested without a certificate');
      return;
    }
    const plain = this.#stream;
    plain.removeListener('data', this.#onData);
    plain.removeListener('end', this.#onEnd);
    const secure = new TLSSocket(plain, { isServer: true, secureContext });
    this.#stream = secure;
    secure.on('error', (error) => {
      this.#o.log(`${this.id}: TLS: ${error.message}`);
      this.#resetBy('client', `TLS: ${error.message}`);
    });
    secure.on('close', this.#onClose);
    // No session (and so no idle timer) runs before an implicit-TLS handshake: bound it here.
    const handshake = this.#o.input
      ? setTimeout(
          () => this.#resetBy('server', 'TLS handshake not finished in time'),
          this.#o.input.pendingLineTimeoutMs,
        ).unref()
      : undefined;
    secure.once('secure', () => {
      clearTimeout(handshake);
      this.#guard(() => {
        const info: TlsInfo = {
          version: secure.getProtocol() ?? 'unknown',
          cipher: secure.getCipher()?.standardName ?? 'unknown',
          serverName: this.#o.server.host,
        };
        this.#encrypted = true;
        this.#o.pump();
        trace.append({ type: 'tls.established', conn: this.id, ...info });
        const session = this.#live();
        if (session) {
          session.handleTlsEstablished(info);
          this.#drain();
        } else if (!this.#session) {
          this.#openSession(info);
        }
        this.#o.pump();
      });
    });
    this.#listen(secure);
  }
}
