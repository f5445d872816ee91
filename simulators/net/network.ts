/**
 * The simulated network: hosts with addresses, links with latency, and TCP-like
 * connections between them — ordered, reliable byte streams with connect,
 * orderly close (FIN), reset (RST) and refusal — plus a simulated TLS layer.
 *
 * Theory of operation. Every delivery is a scheduler event at
 * `now + latency (+ jitter)`; per direction, a delivery is never scheduled
 * before the previous one, so streams stay ordered whatever the jitter. Each
 * hop is traced when it is *sent* (what a capture at the sender would show).
 * A connection's three-way handshake takes one round trip: the server accepts
 * when the SYN arrives (t + L), the client is connected when the SYN-ACK
 * returns (t + 2L).
 *
 * TLS (RFC 8446, 1-RTT): the client's ClientHello flight, the server's
 * ServerHello…Finished flight, then the client's Finished. No real crypto runs:
 * the trace marks bytes as encrypted and gives their size on the wire with
 * record overhead, which is all an eavesdropper would learn. A ClientHello
 * that reaches a server which has not started TLS arrives as what it is:
 * binary garbage in the protocol stream.
 *
 * COMPRESS (RFC 4978): once a side asks, what it writes is deflated
 * (deflate-layer.ts) and what it receives inflated; the trace keeps the
 * plain text and adds the compressed octets, and `wireLength` counts those.
 * Compression sits inside TLS when both are on (RFC 4978: TLS first, then COMPRESS).
 *
 * SIMPLIFICATION: no bandwidth, windows or segment loss; a link that goes down
 * holds its traffic and releases it in order when it comes back (TCP's
 * retransmission, minus the timers); a host that goes down resets all its
 * connections at once, as when a machine reboots and answers old segments
 * with RST.
 */
import { latin1Bytes } from '../core/bytes.ts';
import { type ConnId, type HostId, type Port, port as asPort } from '../core/ids.ts';
import type { SeededRandom } from '../core/random.ts';
import type { TlsInfo } from '../core/session.ts';
import type { Direction, Endpoint } from '../trace/events.ts';
import type { Trace } from '../trace/trace.ts';
import type { Scheduler } from './scheduler.ts';
import { DeflateCompressor, DeflateDecompressor } from './deflate-layer.ts';
import { TLS_MAX_PLAINTEXT as TLS_MAX_RECORD, TLS_RECORD_OVERHEAD } from './tls-wire.ts';

/** How long a client waits for an unanswered SYN before giving up (Postfix smtp_connect_timeout = 30s). */
export const CONNECT_TIMEOUT_MS = 30_000;
const FIRST_EPHEMERAL_PORT = 49_152;

/** Callbacks a socket's owner sets to hear from the network. */
export interface SocketHandlers {
  /** Client: the connection is established (after the TLS handshake for implicit TLS). */
  opened?(): void;
  /** Bytes from the peer. */
  data?(bytes: Uint8Array): void;
  /** The peer closed its side (FIN). */
  end?(): void;
  /** The connection was reset; no more data will flow. */
  reset?(reason: string): void;
  /** Client: the connection could not be made. */
  failed?(reason: 'refused' | 'timeout' | 'no-route'): void;
  /** TLS is up on this side. */
  tlsEstablished?(info: TlsInfo): void;
  /** Both sides have closed (after FIN both ways): the connection is gone. */
  closed?(): void;
}

/** A link's settings. */
export interface LinkSettings {
  readonly latencyMs: number;
  readonly jitterMs: number;
}

/** Options of `Host.listen`. */
export interface ListenOptions {
  /** Shown in the trace and on the map, e.g. `smtp`, `submission`. */
  readonly service: string;
  /** `implicit`: TLS starts as soon as TCP is up (ports 465, 993, 995, RFC 8314). */
  readonly tls?: 'implicit';
  /** Name in the server's certificate. */
  readonly serverName?: string;
}

/** Options of `Host.connect`. */
export interface ConnectOptions {
  readonly address: string;
  readonly port: number;
  /** Start TLS right after connecting (implicit TLS). */
  readonly tls?: boolean;
  /** SNI the client sends. */
  readonly serverName?: string;
}

type SocketState = 'connecting' | 'open' | 'closed';
type TlsState = 'none' | 'awaitingHello' | 'handshaking' | 'established';

/** One end of a connection, owned by the code on that host. */
export class Socket {
  handlers: SocketHandlers = {};
  /** @internal */ state: SocketState = 'connecting';
  /** @internal */ tls: TlsState = 'none';
  /** @internal */ finSent = false;
  /** @internal */ finReceived = false;
  /** @internal */ pendingWrites: Uint8Array[] = [];
  /** @internal */ tlsInfo: TlsInfo | undefined;
  /** @internal COMPRESS=DEFLATE, both directions, once started. */
  compression: { readonly out: DeflateCompressor; readonly in: DeflateDecompressor } | undefined;

  /** @internal */
  constructor(
    readonly conn: Connection,
    readonly role: 'client' | 'server',
  ) {}

  /** The connection's id in the trace. */
  get id(): ConnId {
    return this.conn.id;
  }
  /** This side's address and port. */
  get local(): Endpoint {
    return this.role === 'client' ? this.conn.client : this.conn.server;
  }
  /** The peer's address and port. */
  get remote(): Endpoint {
    return this.role === 'client' ? this.conn.server : this.conn.client;
  }
  /** True while bytes can be written. */
  get writable(): boolean {
    return this.state !== 'closed' && !this.finSent;
  }
  /** The TLS layer once established. */
  get secure(): TlsInfo | undefined {
    return this.tlsInfo;
  }

  /** Sends bytes to the peer (queued while a TLS handshake is under way). */
  write(bytes: Uint8Array): void {
    this.conn.network.write(this, bytes);
  }
  /** Orderly close of this side (FIN), after the bytes already written. */
  end(): void {
    this.conn.network.end(this);
  }
  /** Abortive close (RST). */
  reset(reason = 'reset by application'): void {
    this.conn.network.reset(this, reason);
  }
  /** Begins TLS in this socket's role. */
  startTls(): void {
    this.conn.network.startTls(this);
  }
  /** Compresses what this side writes and decompresses what it reads from now on (RFC 4978). */
  startCompression(): void {
    this.compression ??= { out: new DeflateCompressor(), in: new DeflateDecompressor() };
  }
}

/** @internal A connection's shared record. */
export interface Connection {
  readonly id: ConnId;
  readonly network: Network;
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly clientSocket: Socket;
  serverSocket: Socket | undefined;
  listener: Listener | undefined;
  /** Virtual time of the last delivery scheduled in each direction (keeps streams ordered). */
  readonly lastDelivery: Record<Direction, number>;
  /** The key of the link between the two hosts (see `linkKey`), computed once. */
  readonly linkKey: string;
  dead: boolean;
  closedBy: 'client' | 'server' | undefined;
  serverName: string;
  /** The client asked for TLS from the start (ports 465, 993, 995). */
  readonly implicitTls: boolean;
}

interface Listener {
  readonly port: Port;
  readonly options: ListenOptions;
  readonly accept: (socket: Socket) => void;
}

/** A machine on the simulated network. */
export class Host {
  /** @internal */ readonly listeners = new Map<number, Listener>();
  /** @internal */ readonly connections = new Set<Connection>();
  /** @internal */ up = true;
  /** @internal */ nextPort = FIRST_EPHEMERAL_PORT;

  /** @internal */
  constructor(
    readonly network: Network,
    readonly id: HostId,
    readonly addresses: readonly string[],
  ) {}

  /** Whether the host is running. */
  get isUp(): boolean {
    return this.up;
  }

  /** Accepts connections on `port`; returns a function that stops listening. */
  listen(port: number, options: ListenOptions, accept: (socket: Socket) => void): () => void {
    const p = asPort(port);
    if (this.listeners.has(p)) throw new Error(`${this.id}: port ${p} is already in use`);
    this.listeners.set(p, { port: p, options, accept });
    this.network.trace.append({ type: 'port.listen', host: this.id, port: p, service: options.service });
    return () => this.listeners.delete(p);
  }

  /** Ports this host listens on, with their services. */
  get services(): readonly { port: Port; service: string; tls: boolean }[] {
    return [...this.listeners.values()].map((l) => ({
      port: l.port,
      service: l.options.service,
      tls: l.options.tls === 'implicit',
    }));
  }

  /** Opens a connection; the outcome arrives through the socket's handlers. */
  connect(options: ConnectOptions, handlers: SocketHandlers = {}): Socket {
    return this.network.connect(this, options, handlers);
  }

  /** The address this host uses to reach `remote` (same family). */
  sourceAddressFor(remote: string): string {
    const v6 = remote.includes(':');
    return this.addresses.find((a) => a.includes(':') === v6) ?? this.addresses[0] ?? '0.0.0.0';
  }
}

/** The network: hosts, links, connections. */
export class Network {
  readonly #hosts = new Map<HostId, Host>();
  readonly #byAddress = new Map<string, Host>();
  readonly #links = new Map<string, LinkSettings & { up: boolean; held: (() => void)[] }>();
  #nextConn = 1;

  /** `defaultLatencyMs` applies between hosts with no explicit link. */
  constructor(
    readonly scheduler: Scheduler,
    readonly trace: Trace,
    readonly random: SeededRandom,
    readonly defaultLink: LinkSettings = { latencyMs: 10, jitterMs: 0 },
  ) {}

  /** Adds a host; its addresses must be unique in the network. */
  addHost(id: HostId, addresses: readonly string[]): Host {
    if (this.#hosts.has(id)) throw new Error(`duplicate host ${id}`);
    const host = new Host(this, id, addresses);
    for (const a of addresses) {
      if (this.#byAddress.has(a)) throw new Error(`address ${a} is used twice`);
      this.#byAddress.set(a, host);
    }
    this.#hosts.set(id, host);
    this.trace.append({ type: 'host.up', host: id });
    return host;
  }

  /** The host called `id`. */
  host(id: HostId): Host {
    const h = this.#hosts.get(id);
    if (!h) throw new Error(`no host ${id}`);
    return h;
  }

  /** All hosts, in the order they were added. */
  get hosts(): readonly Host[] {
    return [...this.#hosts.values()];
  }

  /** The host that owns `address`, if any. */
  hostByAddress(address: string): Host | undefined {
    return this.#byAddress.get(address);
  }

  /** Sets the latency and jitter between two hosts. */
  link(a: HostId, b: HostId, settings: LinkSettings): void {
    this.#links.set(linkKey(a, b), { ...settings, up: true, held: [] });
  }

  /** The explicit links, for the map. */
  get links(): readonly { a: HostId; b: HostId; latencyMs: number; jitterMs: number; up: boolean }[] {
    return [...this.#links.entries()].map(([key, l]) => {
      const [a, b] = key.split('|') as [HostId, HostId];
      return { a, b, latencyMs: l.latencyMs, jitterMs: l.jitterMs, up: l.up };
    });
  }

  /** One-way delay between two hosts for one delivery, jitter included. */
  delay(a: HostId, b: HostId): number {
    if (a === b) return 0;
    return this.#linkDelay(this.#links.get(linkKey(a, b)));
  }

  #linkDelay(link: LinkSettings | undefined): number {
    const l = link ?? this.defaultLink;
    return l.latencyMs + (l.jitterMs > 0 ? this.random.next() * l.jitterMs : 0);
  }

  /** Whether traffic can pass between two hosts now. */
  reachable(a: HostId, b: HostId): boolean {
    const l = this.#links.get(linkKey(a, b));
    return (l?.up ?? true) && this.host(a).up && this.host(b).up;
  }

  /** Fault: takes a link down (traffic is held) or back up (held traffic flows, in order). */
  setLinkUp(a: HostId, b: HostId, up: boolean): void {
    const l = this.#links.get(linkKey(a, b));
    if (!l) throw new Error(`no link between ${a} and ${b}`);
    if (l.up === up) return;
    l.up = up;
    this.trace.append({ type: up ? 'link.up' : 'link.down', a, b });
    if (up) {
      const held = l.held.splice(0);
      for (const deliver of held) this.scheduler.schedule(l.latencyMs, deliver, 'held delivery');
    }
  }

  /** Fault: stops a host (all its connections are reset) or starts it again. */
  setHostUp(id: HostId, up: boolean): void {
    const host = this.host(id);
    if (host.up === up) return;
    if (!up) {
      for (const c of [...host.connections]) this.#kill(c, `${id} went down`);
    }
    host.up = up;
    this.trace.append({ type: up ? 'host.up' : 'host.down', host: id });
  }

  /** Fault: a middlebox resets a connection; both ends hear of it now. */
  resetConnection(id: ConnId, reason = 'reset by the network'): void {
    for (const host of this.#hosts.values())
      for (const c of host.connections) if (c.id === id) return this.#kill(c, reason);
  }

  /** @internal */
  connect(from: Host, options: ConnectOptions, handlers: SocketHandlers): Socket {
    const id = `c${this.#nextConn++}` as ConnId;
    const target = this.#byAddress.get(options.address);
    const local: Endpoint = {
      host: from.id,
      address: from.sourceAddressFor(options.address),
      port: asPort(from.nextPort++),
    };
    const remote: Endpoint = {
      host: target?.id ?? (options.address as HostId),
      address: options.address,
      port: asPort(options.port),
    };
    const conn: Connection = {
      id,
      network: this,
      client: local,
      server: remote,
      clientSocket: undefined as unknown as Socket,
      serverSocket: undefined,
      listener: undefined,
      lastDelivery: { c2s: 0, s2c: 0 },
      linkKey: linkKey(local.host, remote.host),
      dead: false,
      closedBy: undefined,
      serverName: options.serverName ?? target?.id ?? options.address,
      implicitTls: options.tls === true,
    };
    const socket = new Socket(conn, 'client');
    (conn as { clientSocket: Socket }).clientSocket = socket;
    socket.handlers = handlers;
    this.trace.append({ type: 'conn.connecting', conn: id, client: local, server: remote });
    const fail = (reason: 'refused' | 'timeout' | 'no-route') => {
      if (socket.state !== 'connecting') return;
      socket.state = 'closed';
      from.connections.delete(conn);
      this.trace.append({ type: 'conn.failed', conn: id, reason });
      socket.handlers.failed?.(reason);
    };
    from.connections.add(conn);
    if (!from.up) {
      this.scheduler.schedule(0, () => fail('no-route'), `${id} no route`);
      return socket;
    }
    if (!target) {
      // No host owns the address: the client's router answers "unreachable".
      this.scheduler.schedule(0, () => fail('no-route'), `${id} no route`);
      return socket;
    }
    const timeout = this.scheduler.schedule(
      CONNECT_TIMEOUT_MS,
      () => fail('timeout'),
      `${id} connect timeout`,
    );
    const latency = this.delay(from.id, target.id);
    this.scheduler.schedule(
      latency,
      () => {
        // The SYN arrives, or is lost if the host or the link is down.
        if (!this.reachable(from.id, target.id) || socket.state !== 'connecting') return;
        const listener = target.listeners.get(options.port);
        const back = this.delay(target.id, from.id);
        if (!listener) {
          this.scheduler.schedule(
            back,
            () => {
              this.scheduler.cancel(timeout);
              fail('refused');
            },
            `${id} RST`,
          );
          return;
        }
        conn.listener = listener;
        if (listener.options.serverName) conn.serverName = options.serverName ?? listener.options.serverName;
        const server = new Socket(conn, 'server');
        server.state = 'open';
        conn.serverSocket = server;
        target.connections.add(conn);
        conn.lastDelivery.s2c = this.scheduler.now + back;
        this.scheduler.schedule(
          back,
          () => {
            this.scheduler.cancel(timeout);
            if (socket.state !== 'connecting') return;
            socket.state = 'open';
            this.trace.append({ type: 'conn.opened', conn: id });
            if (options.tls) socket.startTls();
            else socket.handlers.opened?.();
          },
          `${id} SYN-ACK`,
        );
        if (listener.options.tls === 'implicit') server.startTls();
        else listener.accept(server);
      },
      `${id} SYN`,
    );
    return socket;
  }

  /** @internal */
  write(socket: Socket, bytes: Uint8Array): void {
    if (!socket.writable || socket.conn.dead || bytes.length === 0) return;
    if (socket.tls === 'handshaking' || socket.tls === 'awaitingHello') {
      socket.pendingWrites.push(bytes);
      return;
    }
    const conn = socket.conn;
    const direction: Direction = socket.role === 'client' ? 'c2s' : 's2c';
    const encrypted = socket.tls === 'established';
    // Compressed at write time, so the stream's order is the order of writes.
    const wire = socket.compression ? socket.compression.out.compress(bytes) : bytes;
    const records = Math.ceil(wire.length / TLS_MAX_RECORD);
    this.trace.append({
      type: 'bytes',
      conn: conn.id,
      direction,
      from: socket.local.host,
      bytes,
      encrypted,
      ...(socket.compression ? { compressed: wire } : {}),
      wireLength: wire.length + (encrypted ? records * TLS_RECORD_OVERHEAD : 0),
    });
    this.#deliver(socket, () => {
      const peer = peerOf(socket);
      if (peer?.tls === 'awaitingHello') {
        // A TLS server that reads plain text instead of a ClientHello aborts the handshake.
        this.reset(peer, 'TLS handshake failed: expected a ClientHello');
        return;
      }
      if (peer?.compression === undefined) {
        peer?.handlers.data?.(wire);
        return;
      }
      const plain = peer.compression.in.decompress(wire);
      // A real endpoint's zlib fails the same way and the connection is dropped.
      if (!plain.ok) this.reset(peer, `COMPRESS: ${plain.message}`);
      else if (plain.bytes.length > 0) peer.handlers.data?.(plain.bytes);
    });
  }

  /** @internal */
  end(socket: Socket): void {
    if (!socket.writable || socket.conn.dead) return;
    socket.finSent = true;
    const conn = socket.conn;
    conn.closedBy ??= socket.role;
    this.#deliver(socket, () => {
      const peer = peerOf(socket);
      if (!peer || peer.state === 'closed') return;
      peer.finReceived = true;
      // The connection is gone when the second FIN arrives; if the peer
      // answers this FIN with its own, that one closes it on arrival.
      const secondFin = peer.finSent;
      peer.handlers.end?.();
      if (secondFin) this.#closed(conn);
    });
  }

  /** @internal */
  reset(socket: Socket, reason: string): void {
    const conn = socket.conn;
    if (conn.dead || socket.state === 'closed') return;
    socket.state = 'closed';
    this.trace.append({ type: 'conn.reset', conn: conn.id, by: socket.role, reason });
    this.#forget(conn, socket.local.host);
    this.#deliver(socket, () => {
      const peer = peerOf(socket);
      if (!peer || peer.state === 'closed') return;
      peer.state = 'closed';
      conn.dead = true;
      this.#forget(conn, peer.local.host);
      peer.handlers.reset?.(reason);
    });
  }

  /** @internal */
  startTls(socket: Socket): void {
    if (socket.tls !== 'none' || socket.state === 'closed') return;
    this.trace.append({ type: 'tls.start', conn: socket.conn.id, by: socket.role });
    if (socket.role === 'server') {
      socket.tls = 'awaitingHello';
      return;
    }
    socket.tls = 'handshaking';
    this.#flight(socket, ['ClientHello'], 517, () => this.#serverGotHello(socket.conn));
  }

  #serverGotHello(conn: Connection): void {
    const server = conn.serverSocket;
    if (!server || server.state === 'closed') return;
    if (server.tls !== 'awaitingHello') {
      // The server is not speaking TLS: the hello arrives as bytes of the protocol.
      server.handlers.data?.(CLIENT_HELLO_GARBAGE);
      return;
    }
    server.tls = 'handshaking';
    const messages = ['ServerHello', 'EncryptedExtensions', 'Certificate', 'CertificateVerify', 'Finished'];
    this.#flight(server, messages, 2_890, () => {
      const client = conn.clientSocket;
      if (client.state === 'closed') return;
      const info = this.#tlsInfo(conn);
      this.trace.append({ type: 'tls.established', conn: conn.id, ...info });
      // The client's Finished goes out before any application data it sends.
      this.#flight(client, ['Finished'], 74, () => this.#established(server, info));
      this.#established(client, info);
      if (conn.implicitTls) client.handlers.opened?.();
    });
  }

  #established(socket: Socket, info: TlsInfo): void {
    if (socket.state === 'closed') return;
    socket.tls = 'established';
    socket.tlsInfo = info;
    if (socket.role === 'server' && socket.conn.listener?.options.tls === 'implicit' && !socket.conn.dead) {
      socket.conn.listener.accept(socket);
    }
    socket.handlers.tlsEstablished?.(info);
    for (const bytes of socket.pendingWrites.splice(0)) this.write(socket, bytes);
  }

  #tlsInfo(conn: Connection): TlsInfo {
    return { version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', serverName: conn.serverName };
  }

  #flight(from: Socket, messages: readonly string[], wireLength: number, arrive: () => void): void {
    const direction: Direction = from.role === 'client' ? 'c2s' : 's2c';
    this.trace.append({ type: 'tls.handshake', conn: from.conn.id, direction, messages, wireLength });
    this.#deliver(from, arrive);
  }

  /** Schedules an arrival at the peer, in order after earlier ones in the same direction. */
  #deliver(from: Socket, arrive: () => void): void {
    const conn = from.conn;
    const direction: Direction = from.role === 'client' ? 'c2s' : 's2c';
    const delay = conn.client.host === conn.server.host ? 0 : this.#linkDelay(this.#links.get(conn.linkKey));
    const at = Math.max(this.scheduler.now + delay, conn.lastDelivery[direction]);
    conn.lastDelivery[direction] = at;
    this.scheduler.scheduleAt(at, () => this.#arrive(conn, arrive));
  }

  /** A delivery reaches the peer, unless the link is down (held, in order) or the connection is gone. */
  #arrive(conn: Connection, arrive: () => void): void {
    if (conn.dead) return;
    const link = this.#links.get(conn.linkKey);
    if (link && !link.up) {
      link.held.push(() => this.#arrive(conn, arrive));
      return;
    }
    arrive();
  }

  #closed(conn: Connection): void {
    if (conn.dead) return;
    conn.dead = true;
    conn.clientSocket.state = 'closed';
    if (conn.serverSocket) conn.serverSocket.state = 'closed';
    this.#forget(conn, conn.client.host);
    this.#forget(conn, conn.server.host);
    this.trace.append({ type: 'conn.closed', conn: conn.id, by: conn.closedBy ?? 'client' });
    conn.clientSocket.handlers.closed?.();
    conn.serverSocket?.handlers.closed?.();
  }

  #kill(conn: Connection, reason: string): void {
    if (conn.dead) return;
    conn.dead = true;
    this.trace.append({ type: 'conn.reset', conn: conn.id, by: 'network', reason });
    this.#forget(conn, conn.client.host);
    this.#forget(conn, conn.server.host);
    for (const socket of [conn.clientSocket, conn.serverSocket]) {
      if (!socket || socket.state === 'closed') continue;
      const wasConnecting = socket.state === 'connecting';
      socket.state = 'closed';
      if (wasConnecting) socket.handlers.failed?.('timeout');
      else socket.handlers.reset?.(reason);
    }
  }

  #forget(conn: Connection, host: HostId): void {
    this.#hosts.get(host)?.connections.delete(conn);
  }
}

function peerOf(socket: Socket): Socket | undefined {
  return socket.role === 'client' ? socket.conn.serverSocket : socket.conn.clientSocket;
}

function linkKey(a: HostId, b: HostId): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** What a plain-text server reads when a TLS ClientHello arrives: a handshake record header and binary. */
const CLIENT_HELLO_GARBAGE = latin1Bytes('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03');
