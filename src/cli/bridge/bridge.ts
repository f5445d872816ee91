/**
 * The TCP bridge behind `mailroom serve`: a World run in real time, whose
 * chosen host's SMTP servers are exposed on loopback TCP ports so that real
 * clients (swaks, Python's smtplib, curl, Thunderbird) talk to the very
 * sessions a learner sees in the app. Messages they submit are queued on the
 * simulated host and delivered by the simulation: into the store when local,
 * over the simulated network when not.
 *
 * Shape: one {@link ClockPump} keeps the virtual clock on wall time; one
 * `node:net` server per port; one {@link TcpConnection} per accepted socket,
 * driving a session from `MailServer.openSmtpSession`. The bridge's
 * connections appear in `world.trace` like simulated ones (`b1`, `b2`, … from
 * `bridge-client`).
 *
 * Policy for real clients: with no certificate, AUTH PLAIN/LOGIN are
 * accepted in plain text and STARTTLS is not offered (loopback test clients
 * must be able to log in); with one, STARTTLS is offered as the scenario
 * says and `smtps` gives implicit TLS (RFC 8314).
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import { hostId, port as asPort } from '../../../simulators/core/ids.ts';
import type { SmtpPortRole } from '../../../simulators/agents/mail-server.ts';
import type { SmtpServerAppEvent } from '../../../simulators/smtp/server-session.ts';
import type { Pop3ServerAppEvent } from '../../../simulators/pop3/server-session.ts';
import type { ImapServerAppEvent } from '../../../simulators/imap/server-session.ts';
import { PRESETS } from '../../../simulators/world/presets/index.ts';
import { parseScenario, type Scenario } from '../../../simulators/world/scenario.ts';
import { webCryptoDkim } from '../../../simulators/auth/dkim/crypto.ts';
import { World } from '../../../simulators/world/world.ts';
import { ClockPump } from './clock-pump.ts';
import { MaildirWriter } from './maildir.ts';
import { addUsers, BridgeSetupError, chooseBridgedHost, type BridgeUser } from './scenario-setup.ts';
import { AddressCounts, DEFAULT_LIMITS, refusal, type BridgeLimits } from './limits.ts';
import { TcpConnection, type OpenedSession } from './tcp-driver.ts';
import { TraceFileWriter } from './trace-file.ts';
import { boundTrace } from './trace-window.ts';
import { StateDir } from './state-dir.ts';
import { secureContextOf, type TlsMaterial } from './tls.ts';

export { BridgeSetupError } from './scenario-setup.ts';

/** App events of the sessions the bridge serves. */
type BridgedAppEvent = SmtpServerAppEvent | Pop3ServerAppEvent | ImapServerAppEvent;

/** The ports the bridge can open. */
export type ListenerKind = 'smtp' | 'submission' | 'smtps' | 'pop3' | 'pop3s' | 'imap' | 'imaps';

/** Options of {@link startBridge}. Ports: a number opens the port (0 = any free one); undefined leaves it closed. */
export interface BridgeOptions {
  /** Scenario data (validated here); default: the `default` preset. */
  readonly scenario?: unknown;
  readonly seed?: string | number;
  /** The bridged host; see {@link chooseBridgedHost}. */
  readonly host?: string;
  readonly users?: readonly BridgeUser[];
  /** Address to listen on; default 127.0.0.1. The caller decides whether a non-loopback one is allowed. */
  readonly listen?: string;
  readonly ports: { readonly [K in ListenerKind]?: number };
  /** Certificate and key: enables STARTTLS and the smtps port. */
  readonly tls?: TlsMaterial;
  /** Simultaneous connections over all ports; default 100 (also settable in `limits`). */
  readonly maxConnections?: number;
  /** What the bridge bounds; see limits.ts. Unset ones take DEFAULT_LIMITS or the scenario's. */
  readonly limits?: Partial<BridgeLimits>;
  /** Keep only this many recent trace events in memory (serve mode); default: all. */
  readonly traceWindow?: number;
  /**
   * Accept AUTH PLAIN/LOGIN, POP3 USER/PASS and IMAP LOGIN before TLS.
   * Default: only when listening on loopback, where no password crosses a network.
   */
  readonly plaintextAuth?: boolean;
  /** Append the trace to this file as JSON Lines. */
  readonly traceFile?: string;
  /** Keep the mail stores and queues in this directory, write-ahead (state-dir.ts), and load them at start. */
  readonly stateDir?: string;
  /** Mirror local deliveries into this directory. */
  readonly maildir?: string;
  /** Diagnostics (socket errors, session failures). */
  readonly log?: (line: string) => void;
  /** Also log every connection opening and closing. */
  readonly logConnections?: boolean;
  /**
   * Virtual time 0 is the real time the bridge starts (so Date: and
   * Received: are real), unless the scenario data sets `startTime`. Default true.
   */
  readonly realStartTime?: boolean;
}

/** One open port. */
export interface BridgeListener {
  readonly kind: ListenerKind;
  /** e.g. `SMTP (MX, as mx.example.net:25)`. */
  readonly label: string;
  readonly address: string;
  readonly port: number;
  /** The port the bridged host's server has in the simulation. */
  readonly simulatedPort: number;
}

/** A running bridge. */
export interface Bridge {
  readonly world: World;
  /** The bridged host. */
  readonly host: string;
  readonly listeners: readonly BridgeListener[];
  /** The real port of each open listener. */
  readonly ports: { readonly [K in ListenerKind]?: number };
  /** Ports asked for that the host's roles do not provide, with why. */
  readonly skipped: readonly string[];
  /** Whether real TLS is available (STARTTLS, smtps). */
  readonly tls: boolean;
  /** Messages loaded from the state directory at start. */
  readonly restored: number;
  /** Whether passwords are taken before TLS (see BridgeOptions.plaintextAuth). */
  readonly plaintextAuth: boolean;
  /** Connections open now. */
  readonly connectionCount: number;
  /** Resolves when every maildir write started so far is done. */
  flushed(): Promise<void>;
  /** Closes the listeners, ends every connection, stops the sessions, flushes the files. */
  stop(): Promise<void>;
}

/** A problem starting the bridge at run time (a port in use): exit 1. */
export class BridgeStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BridgeStartError';
  }
}

const KINDS: Readonly<
  Record<
    ListenerKind,
    {
      protocol: 'smtp' | 'pop3' | 'imap';
      role: SmtpPortRole;
      simulatedPort: number;
      implicitTls: boolean;
      needs: string;
    }
  >
> = {
  smtp: { protocol: 'smtp', role: 'mx', simulatedPort: 25, implicitTls: false, needs: 'mta' },
  submission: { protocol: 'smtp', role: 'submission', simulatedPort: 587, implicitTls: false, needs: 'msa' },
  smtps: { protocol: 'smtp', role: 'submission', simulatedPort: 465, implicitTls: true, needs: 'msa' },
  pop3: { protocol: 'pop3', role: 'mx', simulatedPort: 110, implicitTls: false, needs: 'pop3' },
  pop3s: { protocol: 'pop3', role: 'mx', simulatedPort: 995, implicitTls: true, needs: 'pop3' },
  imap: { protocol: 'imap', role: 'mx', simulatedPort: 143, implicitTls: false, needs: 'imap' },
  imaps: { protocol: 'imap', role: 'mx', simulatedPort: 993, implicitTls: true, needs: 'imap' },
};

/** The label printed for a listener. */
function labelOf(kind: ListenerKind, host: string): string {
  switch (kind) {
    case 'smtp':
      return `SMTP (MX, as ${host}:25)`;
    case 'submission':
      return 'Submission (MSA, AUTH required)';
    case 'smtps':
      return 'Submissions (MSA, implicit TLS)';
    case 'pop3':
      return `POP3 (as ${host}:110)`;
    case 'pop3s':
      return `POP3S (as ${host}:995, implicit TLS)`;
    case 'imap':
      return `IMAP (as ${host}:143)`;
    case 'imaps':
      return `IMAPS (as ${host}:993, implicit TLS)`;
  }
}

/** Loopback addresses: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(address: string): boolean {
  const a = address.toLowerCase().replace(/^::ffff:/, '');
  return a === 'localhost' || a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/**
 * The scenario the bridge builds its World from: validated, with the bridged
 * host chosen and the users added. Throws ScenarioError or BridgeSetupError.
 */
export function prepareScenario(
  data: unknown,
  options: Pick<BridgeOptions, 'host' | 'users' | 'realStartTime'> & { readonly now?: number },
): { scenario: Scenario; host: string } {
  const parsed = parseScenario(data);
  const host = chooseBridgedHost(parsed, options.host);
  let scenario = addUsers(parsed, host, options.users ?? []);
  const givesStart =
    typeof data === 'object' && data !== null && (data as { startTime?: unknown }).startTime !== undefined;
  if ((options.realStartTime ?? true) && !givesStart) {
    const now = new Date(options.now ?? Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    scenario = { ...scenario, startTime: now };
  }
  return { scenario, host };
}

function listenError(e: NodeJS.ErrnoException, kind: ListenerKind, address: string, port: number): Error {
  const where = `${address}:${port} (${kind})`;
  const flag = `--${kind} PORT`;
  switch (e.code) {
    case 'EADDRINUSE':
      return new BridgeStartError(
        `cannot listen on ${where}: the port is already in use (another mailroom serve?); stop that program or choose another port with ${flag}`,
      );
    case 'EACCES':
      return new BridgeStartError(
        `cannot listen on ${where}: permission denied (ports below 1024 need privileges); choose a port above 1024 with ${flag}`,
      );
    case 'EADDRNOTAVAIL':
      return new BridgeStartError(`cannot listen on ${where}: this machine has no such address`);
    default:
      return new BridgeStartError(`cannot listen on ${where}: ${e.message}`);
  }
}

function listen(server: Server, kind: ListenerKind, address: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => reject(listenError(e, kind, address, port));
    server.once('error', onError);
    server.listen(port, address, () => {
      server.removeListener('error', onError);
      const bound = server.address();
      resolve(typeof bound === 'object' && bound ? bound.port : port);
    });
  });
}

/** Builds the world, opens the ports and starts serving. */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const log = options.log ?? (() => {});
  const { scenario, host } = prepareScenario(options.scenario ?? PRESETS.default, options);
  // DKIM signs and verifies with Node's WebCrypto; the engine never reaches for the global itself.
  const world = new World(scenario, {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    crypto: webCryptoDkim(globalThis.crypto.subtle),
  });
  // Latency here is wall time: like a real MTA's local resolver, keep answers for their TTL.
  world.dns.caching = true;
  const server = world.mailServers.get(host);
  if (!server) throw new BridgeSetupError(`host ${host} has no mail server in this world`);
  const hostEntry = scenario.hosts.find((h) => h.id === host)!;
  const serverAddress = hostEntry.addresses[0]!;
  const listenAddress = options.listen ?? '127.0.0.1';
  const limits: BridgeLimits = {
    ...DEFAULT_LIMITS,
    ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
    ...options.limits,
  };
  const { maxConnections, maxConnectionsPerAddress } = limits;
  const plaintextAuth = options.plaintextAuth ?? isLoopback(listenAddress);
  if (options.traceWindow !== undefined)
    boundTrace(world.trace, options.traceWindow, () => world.scheduler.now);
  const stateDir = options.stateDir ? new StateDir(options.stateDir, log) : undefined;
  const restored = stateDir?.restore(world) ?? 0;
  const unwatchState = stateDir?.watch(world);
  const secureContext: SecureContext | undefined = options.tls ? secureContextOf(options.tls) : undefined;

  const skipped: string[] = [];
  const wanted = (Object.keys(KINDS) as ListenerKind[]).filter((kind) => {
    if (options.ports[kind] === undefined) return false;
    const { needs } = KINDS[kind];
    if ((kind === 'smtps' || kind === 'pop3s' || kind === 'imaps') && !secureContext)
      throw new BridgeSetupError(
        `the ${kind} port needs TLS: add --tls-self-signed or --tls-cert FILE --tls-key FILE`,
      );
    if (!hostEntry.roles.includes(needs as (typeof hostEntry.roles)[number])) {
      skipped.push(`${kind}: ${host} has no ${needs} role`);
      return false;
    }
    return true;
  });
  if (wanted.length === 0)
    throw new BridgeSetupError(
      `nothing to serve: ${skipped.length > 0 ? skipped.join('; ') : 'no port was asked for'}`,
    );

  const traceWriter = options.traceFile
    ? await TraceFileWriter.open(options.traceFile, world.trace)
    : undefined;
  const maildir = options.maildir ? new MaildirWriter(options.maildir, log) : undefined;
  maildir?.watch(world);

  const pump = new ClockPump(world.scheduler, {
    effects: world.effects,
    onError: (e) => log(`simulation: ${(e as Error)?.stack ?? String(e)}`),
  });
  const connections = new Set<TcpConnection<BridgedAppEvent>>();
  const perAddress = new AddressCounts();
  let nextConnection = 1;
  let stopping = false;

  /**
   * The sessions' settings: the scenario's, with the limits given to the
   * bridge, and the TLS policy. Without a certificate STARTTLS is not
   * offered; plain-text passwords are accepted only when `plaintextAuth`.
   */
  const sessionConfigs = (role: SmtpPortRole) => {
    const idle = limits.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: limits.idleTimeoutMs };
    return {
      smtpConfig: {
        ...server.smtpConfig(role),
        ...idle,
        ...(limits.maxMessageSize === undefined ? {} : { maxMessageSize: limits.maxMessageSize }),
        ...(secureContext ? {} : { offerStartTls: false }),
        ...(plaintextAuth
          ? secureContext
            ? {}
            : { allowAuthWithoutTls: true }
          : { allowAuthWithoutTls: false }),
      },
      pop3Config: {
        ...server.pop3Config(),
        ...idle,
        ...(secureContext ? {} : { offerStls: false }),
        ...(plaintextAuth ? {} : { allowPlaintextAuth: false }),
      },
      imapConfig: {
        ...server.imapConfig(),
        ...idle,
        ...(limits.maxLiteralSize === undefined ? {} : { maxLiteralSize: limits.maxLiteralSize }),
        ...(secureContext ? {} : { offerStartTls: false }),
        ...(plaintextAuth ? {} : { allowPlaintextLogin: false }),
      },
    };
  };

  const accept = (kind: ListenerKind, socket: Socket) => {
    const { protocol, role, simulatedPort, implicitTls } = KINDS[kind];
    socket.on('error', () => {}); // Errors before the connection takes over are of no interest.
    if (stopping) {
      socket.destroy();
      return;
    }
    const remoteAddress = (socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const remotePort = socket.remotePort ?? 0;
    const refuse = (why: string) => {
      log(`refused a connection from ${remoteAddress}:${remotePort}: ${why}`);
      // Postfix's and Dovecot's answers at their limits; a TLS client could not read them.
      if (implicitTls) socket.destroy();
      else {
        socket.end(
          refusal(
            protocol,
            why === 'per-address'
              ? 'Too many connections from your address'
              : 'Too many connections, try again later',
          ),
        );
        // A client that never reads must not keep the socket.
        setTimeout(() => socket.destroy(), 2000).unref();
      }
    };
    if (connections.size >= maxConnections) return refuse(`${maxConnections} connections are open`);
    if (perAddress.get(remoteAddress) >= maxConnectionsPerAddress) return refuse('per-address');
    const n = nextConnection++;
    const { smtpConfig, pop3Config, imapConfig } = sessionConfigs(role);
    const connection = new TcpConnection<BridgedAppEvent>({
      number: n,
      socket,
      trace: world.trace,
      client: {
        host: hostId('bridge-client'),
        address: remoteAddress,
        port: asPort(Math.max(1, remotePort)),
      },
      server: { host: hostId(host), address: serverAddress, port: asPort(simulatedPort) },
      protocol,
      implicitTls,
      secureContext,
      openSession: (): OpenedSession<BridgedAppEvent> => {
        if (protocol === 'pop3') return { session: server.openPop3Session(pop3Config), onEvent: () => {} };
        if (protocol === 'imap')
          return { session: server.openImapSession(implicitTls, imapConfig), onEvent: () => {} };
        const opened = server.openSmtpSession(
          role,
          {
            address: remoteAddress,
            implicitTls,
            // What reverse DNS says of a loopback client on any real host.
            ...(isLoopback(remoteAddress) ? { hostname: 'localhost' } : {}),
          },
          smtpConfig,
        );
        return {
          session: opened.session,
          onEvent: (event) => {
            if (event.type === 'message' || event.type === 'authenticated') opened.onEvent(event);
          },
        };
      },
      pump: () => pump.pump(),
      log,
      input: {
        maxPendingLine: limits.maxLineLength,
        pendingLineTimeoutMs: limits.lineTimeoutMs,
        commandsPerSecond: limits.commandsPerSecond,
        ...(protocol === 'imap' ? { imapLiterals: imapConfig.maxLiteralSize } : {}),
        refusal: (why) => refusal(protocol, why),
      },
      onClosed: (c) => {
        connections.delete(c);
        perAddress.remove(remoteAddress);
        if (options.logConnections) log(`${c.id}: closed`);
      },
    });
    connections.add(connection);
    perAddress.add(remoteAddress);
    if (options.logConnections)
      log(`${connection.id}: ${kind} connection from ${remoteAddress}:${remotePort}`);
  };

  const servers: Server[] = [];
  const listeners: BridgeListener[] = [];
  const ports: { [K in ListenerKind]?: number } = {};
  try {
    for (const kind of wanted) {
      const tcp = createServer({ allowHalfOpen: true }, (socket) => accept(kind, socket));
      servers.push(tcp);
      const port = await listen(tcp, kind, listenAddress, options.ports[kind]!);
      tcp.on('error', (e) => log(`${kind} listener: ${e.message}`));
      ports[kind] = port;
      listeners.push({
        kind,
        label: labelOf(kind, host),
        address: listenAddress,
        port,
        simulatedPort: KINDS[kind].simulatedPort,
      });
    }
  } catch (e) {
    for (const tcp of servers) tcp.close();
    pump.stop();
    unwatchState?.();
    maildir?.close();
    await traceWriter?.close();
    throw e;
  }

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const closed = servers.map((tcp) => new Promise<void>((resolve) => tcp.close(() => resolve())));
    for (const connection of connections) connection.shutdown(500);
    const deadline = Date.now() + 1500;
    while (connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 1000))]);
    pump.pump();
    pump.stop();
    stateDir?.save();
    unwatchState?.();
    maildir?.close();
    await maildir?.flushed();
    await traceWriter?.close();
  };

  return {
    world,
    host,
    listeners,
    ports,
    skipped,
    tls: secureContext !== undefined,
    plaintextAuth,
    restored,
    get connectionCount() {
      return connections.size;
    },
    flushed: async () => {
      await maildir?.flushed();
    },
    stop,
  };
}
