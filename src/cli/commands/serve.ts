/**
 * `mailroom serve`: runs a scenario's world in real time and bridges one
 * host's SMTP servers to TCP ports on loopback, so real clients (swaks,
 * Python's smtplib, curl, Thunderbird) can use them. See src/cli/bridge.
 *
 * Exit codes: 0 after a clean stop (Ctrl+C, SIGTERM), 1 when it cannot start
 * (a port in use, no openssl), 2 for a usage error or an invalid scenario.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.ts';
import { ScenarioError } from '../../../simulators/world/scenario.ts';
import type { TraceEvent } from '../../../simulators/trace/events.ts';
import {
  BridgeSetupError,
  BridgeStartError,
  isLoopback,
  startBridge,
  type Bridge,
  type BridgeOptions,
} from '../bridge/bridge.ts';
import type { BridgeLimits } from '../bridge/limits.ts';
import { parseUserArg, type BridgeUser } from '../bridge/scenario-setup.ts';
import { loadTlsFiles, selfSignedCertificate, TlsSetupError, type TlsMaterial } from '../bridge/tls.ts';

const USAGE = `Usage: mailroom serve [options]

Runs a scenario's world in real time and bridges one host's SMTP servers to
TCP ports, so real clients (swaks, Python smtplib, curl, Thunderbird) can use
them. Mail they send is queued and delivered by the simulation.

Options:
  --listen ADDR          address to listen on (default 127.0.0.1)
  --allow-remote         allow a non-loopback --listen address
  --smtp PORT            the MX, as port 25, no AUTH (default 2525)
  --submission PORT      the MSA, as port 587, AUTH required (default 2587)
  --smtps PORT           the MSA with implicit TLS, as port 465 (needs TLS)
  --pop3 PORT            POP3, as port 110, on the same mailboxes (default 2110)
  --pop3s PORT           POP3 with implicit TLS, as port 995 (needs TLS)
  --imap PORT            IMAP, as port 143, on the same mailboxes (default 2143)
  --imaps PORT           IMAP with implicit TLS, as port 993 (needs TLS)
  --host NAME            the simulated host to bridge (default mx.example.net
                         if present, else the first host with the mta role)
  --user ADDRESS:PASSWORD  add a mailbox on the bridged host (repeatable); its
                         domain becomes local there
  --scenario FILE        a scenario JSON file (default: the built-in one)
  --seed SEED            override the scenario's seed
  --trace FILE           append every trace event to FILE, one JSON per line
  --state DIR            keep the mail stores and queues in DIR (each accepted
                         message on disk before its 250) and load them at start
  --maildir DIR          also write each delivered message to
                         DIR/<address>/new/<internalDate>.<uid>.eml
  --tls-cert FILE        PEM certificate (chain) for STARTTLS and --smtps
  --tls-key FILE         PEM private key for --tls-cert
  --tls-self-signed      make a self-signed certificate with openssl
  --require-tls-for-auth refuse AUTH PLAIN/LOGIN, POP3 USER/PASS and IMAP LOGIN
                         before TLS (always so on a non-loopback --listen)

Limits (each connection's session bounds its own lines and literals too):
  --max-connections N    simultaneous connections (default 100); more get
                         SMTP 421 4.7.0, IMAP * BYE, POP3 -ERR [SYS/TEMP]
  --max-per-address N    simultaneous connections from one address (default 20)
  --max-line OCTETS      octets without a line end before a client is dropped
                         (default 1048576; IMAP literals excepted)
  --line-timeout SECONDS longest a started line may take to end (default 300)
  --commands-per-second N  per connection; faster clients are read more
                         slowly (default 200; message text after DATA is free)
  --max-message OCTETS   SMTP SIZE limit (default: the scenario's, 10240000)
  --max-literal OCTETS   largest IMAP literal (default: the scenario's, 50 MiB)
  --idle-timeout SECONDS close silent sessions after this (default: SMTP 300,
                         POP3 600, IMAP 1800)
  --trace-window N       trace events kept in memory (default 10000, and no
                         more than 16 MiB of octets; --trace
                         FILE still gets every one)
  --quiet                print only the listeners and fatal errors
  -h, --help             show this help

On loopback without TLS, AUTH PLAIN and LOGIN are accepted in plain text and
STARTTLS is not offered. Other addresses need --allow-remote, and there
passwords are refused before TLS: add a certificate to log in at all.

Example:
  mailroom serve --user test@example.org:pw
  swaks --server 127.0.0.1:2587 --auth PLAIN --auth-user test@example.org \\
        --auth-password pw --from test@example.org --to bob@example.net

Exit status: 0 stopped by Ctrl+C or SIGTERM, 1 could not start, 2 usage error
or invalid scenario.
`;

/** Everything `serve` was asked to do, from its arguments. */
export interface ServeOptions {
  readonly listen: string;
  readonly allowRemote: boolean;
  readonly ports: {
    smtp: number;
    submission: number;
    smtps?: number;
    pop3: number;
    pop3s?: number;
    imap: number;
    imaps?: number;
  };
  readonly host?: string;
  readonly users: readonly BridgeUser[];
  readonly scenarioFile?: string;
  readonly seed?: string | number;
  readonly traceFile?: string;
  readonly maildir?: string;
  readonly stateDir?: string;
  readonly tls?:
    | { readonly kind: 'files'; readonly cert: string; readonly key: string }
    | { readonly kind: 'self-signed' };
  readonly maxConnections: number;
  readonly limits: Partial<BridgeLimits>;
  readonly traceWindow: number;
  readonly requireTlsForAuth: boolean;
  readonly quiet: boolean;
}

/** Whole-number flags: name, the BridgeLimits field, range, and the unit multiplier. */
const LIMIT_FLAGS = [
  ['max-per-address', 'maxConnectionsPerAddress', 1, 100_000, 1],
  ['max-line', 'maxLineLength', 1024, 1_000_000_000, 1],
  ['line-timeout', 'lineTimeoutMs', 1, 86_400, 1000],
  ['commands-per-second', 'commandsPerSecond', 1, 1_000_000, 1],
  ['max-message', 'maxMessageSize', 1024, 1_000_000_000, 1],
  ['max-literal', 'maxLiteralSize', 1024, 4_000_000_000, 1],
  ['idle-timeout', 'idleTimeoutMs', 1, 86_400, 1000],
] as const;

function wholeArg(flag: string, text: string, min: number, max: number): number | string {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    return `--${flag} '${text}': give a whole number from ${min} to ${max}`;
  return Number(text);
}

function portArg(flag: string, text: string | undefined, fallback: number): number | string {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    return `--${flag} '${text}': give a TCP port number from 0 to 65535 (0 picks a free one)`;
  return Number(text);
}

/** Parses `serve`'s arguments; returns an error message for a usage error. */
export function parseServeArgs(args: readonly string[]): ServeOptions | string {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      allowPositionals: false,
      options: {
        listen: { type: 'string' },
        'allow-remote': { type: 'boolean', default: false },
        smtp: { type: 'string' },
        submission: { type: 'string' },
        smtps: { type: 'string' },
        pop3: { type: 'string' },
        pop3s: { type: 'string' },
        imap: { type: 'string' },
        imaps: { type: 'string' },
        host: { type: 'string' },
        user: { type: 'string', multiple: true },
        scenario: { type: 'string' },
        seed: { type: 'string' },
        trace: { type: 'string' },
        maildir: { type: 'string' },
        state: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-self-signed': { type: 'boolean', default: false },
        'max-connections': { type: 'string' },
        'max-per-address': { type: 'string' },
        'max-line': { type: 'string' },
        'line-timeout': { type: 'string' },
        'commands-per-second': { type: 'string' },
        'max-message': { type: 'string' },
        'max-literal': { type: 'string' },
        'idle-timeout': { type: 'string' },
        'trace-window': { type: 'string' },
        'require-tls-for-auth': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    return (e as Error).message;
  }
  const listen = values.listen ?? '127.0.0.1';
  const allowRemote = values['allow-remote'] ?? false;
  if (!isLoopback(listen) && !allowRemote)
    return (
      `refusing to listen on ${listen}: the bridge's servers are a lab, not a mail server — they accept ` +
      `the scenario's well-known passwords, take AUTH in plain text when there is no certificate, and ` +
      `deliver into a world anyone connecting could fill. Keep it on 127.0.0.1, or add --allow-remote ` +
      `if you really mean other machines to reach it`
    );
  const smtp = portArg('smtp', values.smtp, 2525);
  const submission = portArg('submission', values.submission, 2587);
  const smtps = values.smtps === undefined ? undefined : portArg('smtps', values.smtps, 2465);
  const pop3 = portArg('pop3', values.pop3, 2110);
  const pop3s = values.pop3s === undefined ? undefined : portArg('pop3s', values.pop3s, 2995);
  const imap = portArg('imap', values.imap, 2143);
  const imaps = values.imaps === undefined ? undefined : portArg('imaps', values.imaps, 2993);
  for (const p of [smtp, submission, smtps, pop3, pop3s, imap, imaps]) if (typeof p === 'string') return p;

  const users: BridgeUser[] = [];
  for (const text of values.user ?? []) {
    const user = parseUserArg(text);
    if (typeof user === 'string') return user;
    users.push(user);
  }

  const cert = values['tls-cert'];
  const key = values['tls-key'];
  const selfSigned = values['tls-self-signed'] ?? false;
  if ((cert === undefined) !== (key === undefined)) return 'give both --tls-cert FILE and --tls-key FILE';
  if (cert !== undefined && selfSigned)
    return 'give either --tls-cert/--tls-key or --tls-self-signed, not both';
  const tls =
    cert !== undefined && key !== undefined
      ? ({ kind: 'files', cert, key } as const)
      : selfSigned
        ? ({ kind: 'self-signed' } as const)
        : undefined;
  if (smtps !== undefined && !tls)
    return '--smtps needs TLS: add --tls-self-signed, or --tls-cert FILE --tls-key FILE';
  if (pop3s !== undefined && !tls)
    return '--pop3s needs TLS: add --tls-self-signed, or --tls-cert FILE --tls-key FILE';
  if (imaps !== undefined && !tls)
    return '--imaps needs TLS: add --tls-self-signed, or --tls-cert FILE --tls-key FILE';

  let maxConnections = 100;
  if (values['max-connections'] !== undefined) {
    const text = values['max-connections'];
    if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 100_000)
      return `--max-connections '${text}': give a number from 1 to 100000`;
    maxConnections = Number(text);
  }

  const limits: { -readonly [K in keyof BridgeLimits]?: BridgeLimits[K] } = {};
  for (const [flag, field, min, max, unit] of LIMIT_FLAGS) {
    const text = values[flag];
    if (text === undefined) continue;
    const n = wholeArg(flag, text, min, max);
    if (typeof n === 'string') return n;
    limits[field] = n * unit;
  }
  let traceWindow = 10_000;
  if (values['trace-window'] !== undefined) {
    const n = wholeArg('trace-window', values['trace-window'], 1, 10_000_000);
    if (typeof n === 'string') return n;
    traceWindow = n;
  }

  const seedText = values.seed;
  const seed =
    seedText === undefined ? undefined : /^-?\d{1,15}$/.test(seedText) ? Number(seedText) : seedText;

  return {
    listen,
    allowRemote,
    ports: {
      smtp: smtp as number,
      submission: submission as number,
      ...(smtps === undefined ? {} : { smtps: smtps as number }),
      pop3: pop3 as number,
      ...(pop3s === undefined ? {} : { pop3s: pop3s as number }),
      imap: imap as number,
      ...(imaps === undefined ? {} : { imaps: imaps as number }),
    },
    users,
    maxConnections,
    limits,
    traceWindow,
    requireTlsForAuth: values['require-tls-for-auth'] ?? false,
    quiet: values.quiet ?? false,
    ...(tls ? { tls } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values.scenario !== undefined ? { scenarioFile: values.scenario } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(values.trace !== undefined ? { traceFile: values.trace } : {}),
    ...(values.maildir !== undefined ? { maildir: values.maildir } : {}),
    ...(values.state !== undefined ? { stateDir: values.state } : {}),
  };
}

/** One line of the start-up banner: label padded, then address:port. */
export function listenerLine(label: string, address: string, port: number): string {
  const where = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
  return `${label.padEnd(34)} ${where}`;
}

/** A trace event worth a line on stderr for someone watching the bridge, or undefined. */
export function describeAgentEvent(event: TraceEvent): string | undefined {
  if (event.type !== 'agent') return undefined;
  const d = event.detail;
  const to = Array.isArray(d['to']) ? (d['to'] as readonly string[]).join(', ') : String(d['to'] ?? '');
  switch (event.action) {
    case 'accepted':
      return `${event.host}: ${event.agent} accepted ${String(d['id'])} from <${String(d['from'])}> for ${to}`;
    case 'delivered':
      return `${event.host}: ${String(d['id'])} delivered to ${to} (${String(d['how'])})`;
    case 'deferred':
    case 'failed':
      return `${event.host}: ${String(d['id'])} ${event.action} for ${to}: ${String(d['status'])} ${String(d['reason'])}`;
    default:
      return undefined;
  }
}

async function readScenario(file: string, io: CliIo): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new BridgeSetupError(
      `cannot read the scenario ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new BridgeSetupError(`the scenario ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** What `runServe` waits on before stopping; the binary waits for SIGINT/SIGTERM. */
export type StopSignal = (started: Bridge) => Promise<string>;

/** Resolves with the signal's name on the first SIGINT or SIGTERM; a second one exits at once. */
const waitForSignal: StopSignal = () =>
  new Promise((resolveSignal) => {
    const onSignal = (name: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      const force = () => process.exit(130);
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      resolveSignal(name);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });

/** `serve` with the wait for a stop signal injectable (tests stop it themselves). */
export async function runServe(
  args: readonly string[],
  io: CliIo,
  until: StopSignal = waitForSignal,
): Promise<number> {
  const options = parseServeArgs(args);
  if (typeof options === 'string') {
    io.stderr(`serve: ${options}\n\n${USAGE}`);
    return 2;
  }
  const log = (line: string) => io.stderr(`serve: ${line}\n`);
  const quietLog = options.quiet ? () => {} : log;
  let bridge: Bridge;
  try {
    const scenario =
      options.scenarioFile !== undefined ? await readScenario(options.scenarioFile, io) : undefined;
    let tls: TlsMaterial | undefined;
    if (options.tls?.kind === 'files')
      tls = await loadTlsFiles(resolve(io.cwd, options.tls.cert), resolve(io.cwd, options.tls.key));
    const bridgeOptions: BridgeOptions = {
      listen: options.listen,
      ports: options.ports,
      users: options.users,
      maxConnections: options.maxConnections,
      limits: options.limits,
      traceWindow: options.traceWindow,
      plaintextAuth: isLoopback(options.listen) && !options.requireTlsForAuth,
      log: quietLog,
      logConnections: !options.quiet,
      ...(scenario !== undefined ? { scenario } : {}),
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.traceFile !== undefined ? { traceFile: resolve(io.cwd, options.traceFile) } : {}),
      ...(options.maildir !== undefined ? { maildir: resolve(io.cwd, options.maildir) } : {}),
      ...(options.stateDir !== undefined ? { stateDir: resolve(io.cwd, options.stateDir) } : {}),
    };
    if (options.tls?.kind === 'self-signed') {
      // The certificate names the bridged host, which is only known once the scenario is read.
      const { prepareScenario } = await import('../bridge/bridge.ts');
      const { PRESETS } = await import('../../../simulators/world/presets/index.ts');
      const { host } = prepareScenario(scenario ?? PRESETS.default, bridgeOptions);
      tls = await selfSignedCertificate(host);
    }
    bridge = await startBridge({ ...bridgeOptions, ...(tls ? { tls } : {}) });
  } catch (e) {
    if (e instanceof ScenarioError) {
      io.stderr(`serve: ${options.scenarioFile ?? 'the scenario'}: ${e.message}\n`);
      return 2;
    }
    if (e instanceof BridgeSetupError) {
      io.stderr(`serve: ${e.message}\n`);
      return 2;
    }
    if (e instanceof BridgeStartError || e instanceof TlsSetupError) {
      io.stderr(`serve: ${e.message}\n`);
      return 1;
    }
    throw e;
  }

  const unsubscribe = options.quiet
    ? () => {}
    : bridge.world.trace.subscribe((event) => {
        const line = describeAgentEvent(event);
        if (line) log(line);
      });
  if (!bridge.plaintextAuth)
    log(
      isLoopback(options.listen)
        ? 'passwords are refused before TLS (--require-tls-for-auth): AUTH PLAIN/LOGIN, POP3 USER/PASS and IMAP LOGIN wait for STARTTLS or an implicit-TLS port'
        : `listening on ${options.listen}, not loopback: AUTH PLAIN/LOGIN, POP3 USER/PASS and IMAP LOGIN are refused before TLS, so that no password crosses the network in clear${bridge.tls ? '' : ' (and without a certificate there is no TLS: add --tls-self-signed or --tls-cert/--tls-key to log in)'}`,
    );
  for (const l of bridge.listeners) io.stdout(`${listenerLine(l.label, l.address, l.port)}\n`);
  if (!options.quiet) {
    for (const why of bridge.skipped) io.stdout(`(not bridged: ${why})\n`);
    const server = bridge.world.mailServers.get(bridge.host);
    const mailboxes = server?.store.accounts.map((a) => a.address).join(', ') ?? '';
    if (options.stateDir !== undefined)
      io.stdout(`State: ${options.stateDir} (${bridge.restored} messages loaded)\n`);
    io.stdout(`Mailboxes on ${bridge.host}: ${mailboxes || 'none (add one with --user ADDRESS:PASSWORD)'}\n`);
    io.stdout(
      bridge.tls
        ? 'TLS: STARTTLS offered; AUTH after STARTTLS (or on the implicit-TLS port).\n'
        : bridge.plaintextAuth
          ? 'TLS: none (no certificate); AUTH PLAIN/LOGIN accepted in plain text.\n'
          : 'TLS: none (no certificate); plain-text passwords refused.\n',
    );
  }
  io.stdout('Ready. Press Ctrl+C to stop.\n');

  const signal = await until(bridge);
  if (!options.quiet) log(`${signal}: stopping`);
  unsubscribe();
  await bridge.stop();
  return 0;
}

/** The `serve` subcommand. */
export const serveCommand: CliCommand = {
  name: 'serve',
  summary: "bridge a simulated host's SMTP, POP3 and IMAP servers to real TCP ports",
  usage: USAGE,
  run: (args, io) => runServe(args, io),
};
