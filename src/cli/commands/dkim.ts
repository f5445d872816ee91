/**
 * `mailroom dkim sign|verify`: DKIM (RFC 6376, RFC 8463) with the engine's
 * signer and verifier, on a message read from stdin byte for byte.
 *
 * - `dkim sign` prints the message with a DKIM-Signature field prepended:
 *   the input octets follow the field unchanged (no line-end rewriting, so
 *   CRLF is expected, as on the wire).
 * - `dkim verify` checks every DKIM-Signature field, top to bottom, looking
 *   keys up in a simulated DNS made of zone files (with their `;@timeout` /
 *   `;@servfail` pragmas).
 *
 * stdin and the signed message are bytes, which the text-only
 * {@link CliIo} cannot carry, so the command takes a {@link DkimStreams}:
 * the process's by default, collectors in tests.
 *
 * Exit codes: 0 when the command ran (whatever the verdicts); 1 when a file
 * cannot be read, the key cannot be used or the message cannot be signed;
 * 2 for a usage error.
 */
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.ts';
import {
  DkimSignError,
  privateKeyPkcs8,
  runDkim,
  signDkim,
  verifyDkim,
  webCryptoDkim,
  type DkimAlgorithm,
  type DkimResult,
  type SignOptions,
} from '../../../simulators/auth/dkim/index.ts';
import { pkcs8KeyType } from '../../../simulators/auth/dkim/der.ts';
import type { Canonicalization } from '../../../simulators/auth/dkim/signature.ts';
import type { DnsAnswer } from '../../../simulators/dns/records.ts';
import { normaliseName } from '../../../simulators/dns/zone-file.ts';
import {
  fileErrorReason,
  loadZoneResolver,
  zoneErrorLines,
  ZoneFileError,
  type ZoneResolver,
} from '../zone-resolver.ts';

const USAGE = `Usage: mailroom dkim sign --domain D --selector S --key KEY.pem [options] < message.eml
       mailroom dkim verify --zone FILE [--zone FILE ...] [options] < message.eml

DKIM (RFC 6376; Ed25519, RFC 8463) on a message read from stdin byte for
byte: CRLF line ends are expected and nothing is rewritten.

dkim sign: prints the message with a DKIM-Signature field prepended; the
message octets follow it exactly as read.
  --domain D           d=, the signing domain
  --selector S         s=; the key record is at S._domainkey.D
  --key KEY.pem        the private key: PKCS#8 PEM as OpenSSL writes it
                       (openssl genpkey -algorithm ed25519 -out KEY.pem), or
                       PKCS#1 "RSA PRIVATE KEY" PEM
  --algorithm A        rsa-sha256 or ed25519-sha256 (default: the key's)
  --canonicalization C header/body, each simple or relaxed (default
                       relaxed/relaxed; "relaxed" alone is relaxed/simple)
  --headers LIST       h=, names separated by colons, e.g. from:to:subject:date
                       (default: the usual fields present, then from again)
  --timestamp EPOCH    t=, seconds since 1970 (default: no t=)
  --expiration EPOCH   x=, seconds since 1970 (default: no x=)

dkim verify: checks every DKIM-Signature field, top to bottom, with keys
from a simulated DNS made of zone files.
  --zone FILE          a zone file; repeat for several. Its origin is its
                       $ORIGIN, else its name (example.com.zone), else its SOA
  --origin NAME        the origin of zone files that have no $ORIGIN
  --now EPOCH          the time for x= checks, seconds since 1970 (default: now)
  --json               print { signatures: [{ domain, selector, algorithm,
                       result, reason }] }, one per DKIM-Signature field

  -h, --help           show this help

A zone line ";@timeout NAME [TYPE ...]" or ";@servfail NAME [TYPE ...]" (a
comment to BIND) makes the key lookup fail: the signature is a temperror.

Exit status: 0 the command ran (whatever the verdicts), 1 a file could not be
read, the key could not be used or the message could not be signed, 2 usage
error.

Examples:
  openssl genpkey -algorithm ed25519 -out dkim.pem
  mailroom dkim sign --domain example.com --selector mail --key dkim.pem \\
      < message.eml > signed.eml
  mailroom dkim verify --zone example.com.zone --json < signed.eml
`;

/** Where `dkim` reads the message from and writes the signed message to. */
export interface DkimStreams {
  /** The whole of stdin; undefined when stdin is a terminal (nothing was piped in). */
  readonly readStdin: () => Promise<Uint8Array | undefined>;
  /** Writes octets to stdout as they are. */
  readonly writeStdout: (bytes: Uint8Array) => void;
}

/** The process's stdin and stdout. */
export const PROCESS_STREAMS: DkimStreams = {
  async readStdin() {
    if (process.stdin.isTTY) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const all = Buffer.concat(chunks);
    return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
  },
  writeStdout(bytes) {
    process.stdout.write(bytes);
  },
};

/** One entry of `dkim verify --json`. */
export interface DkimSignatureJson {
  readonly domain: string | null;
  readonly selector: string | null;
  readonly algorithm: string | null;
  readonly result: DkimResult['result'];
  readonly reason: string;
}

/** The `--json` output: one entry per DKIM-Signature field, top to bottom (none for an unsigned message). */
export function dkimVerifyJson(results: readonly DkimResult[]): { signatures: DkimSignatureJson[] } {
  return {
    signatures: results
      .filter((r) => r.index !== undefined)
      .map((r) => ({
        domain: r.domain ?? null,
        selector: r.selector ?? null,
        algorithm: r.algorithm ?? null,
        result: r.result,
        reason: r.reason,
      })),
  };
}

const ALGORITHMS: readonly DkimAlgorithm[] = ['rsa-sha256', 'ed25519-sha256'];
const CANON = /^(simple|relaxed)(?:\/(simple|relaxed))?$/i;
// RFC 5322 §3.6.8 field-name: printable ASCII except colon.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

class UsageError extends Error {}

function epochOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(value))
    throw new UsageError(`--${name} '${value}' is not a number of seconds since 1970`);
  return Number(value);
}

function domainOption(name: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError(`missing --${name}`);
  const normal = normaliseName(value);
  if (normal === undefined || normal === '')
    throw new UsageError(`--${name} '${value}' is not a domain name`);
  return value.replace(/\.$/, '');
}

const OPTIONS = {
  domain: { type: 'string' },
  selector: { type: 'string' },
  key: { type: 'string' },
  algorithm: { type: 'string' },
  canonicalization: { type: 'string' },
  headers: { type: 'string' },
  timestamp: { type: 'string' },
  expiration: { type: 'string' },
  zone: { type: 'string', multiple: true },
  origin: { type: 'string' },
  now: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

const SIGN_ONLY = [
  'domain',
  'selector',
  'key',
  'algorithm',
  'canonicalization',
  'headers',
  'timestamp',
  'expiration',
];
const VERIFY_ONLY = ['zone', 'origin', 'now', 'json'];

async function readMessage(streams: DkimStreams): Promise<Uint8Array> {
  const message = await streams.readStdin();
  if (message === undefined) throw new UsageError('give the message on stdin, e.g. < message.eml');
  return message;
}

async function sign(values: Values, io: CliIo, streams: DkimStreams): Promise<number> {
  const domain = domainOption('domain', values.domain);
  if (values.selector === undefined || values.selector === '') throw new UsageError('missing --selector S');
  if (values.key === undefined || values.key === '') throw new UsageError('missing --key KEY.pem');
  let algorithm: DkimAlgorithm | undefined;
  if (values.algorithm !== undefined) {
    algorithm = ALGORITHMS.find((a) => a === values.algorithm?.toLowerCase());
    if (algorithm === undefined) {
      throw new UsageError(`--algorithm '${values.algorithm}' is not one of ${ALGORITHMS.join(', ')}`);
    }
  }
  let canonicalization: SignOptions['canonicalization'];
  if (values.canonicalization !== undefined) {
    const m = CANON.exec(values.canonicalization);
    if (m === null) {
      throw new UsageError(
        `--canonicalization '${values.canonicalization}' is not header/body with each simple or relaxed`,
      );
    }
    const header = m[1]!.toLowerCase() as Canonicalization;
    const body = (m[2]?.toLowerCase() ?? 'simple') as Canonicalization;
    canonicalization = `${header}/${body}`;
  }
  let headers: string[] | undefined;
  if (values.headers !== undefined) {
    headers = values.headers.split(':').map((h) => h.trim());
    const bad = headers.find((h) => !FIELD_NAME.test(h));
    if (bad !== undefined) {
      throw new UsageError(`--headers '${values.headers}' has ${bad === '' ? 'an empty name' : `'${bad}'`}`);
    }
  }
  const timestamp = epochOption('timestamp', values.timestamp);
  const expiration = epochOption('expiration', values.expiration);

  let keyText: string;
  try {
    keyText = await readFile(resolvePath(io.cwd, values.key), 'utf8');
  } catch (e) {
    io.stderr(`dkim sign: cannot read ${values.key}: ${fileErrorReason(e)}\n`);
    return 1;
  }
  const pkcs8 = privateKeyPkcs8(keyText);
  const keyType = pkcs8 === undefined ? undefined : pkcs8KeyType(pkcs8);
  if (pkcs8 === undefined || keyType === undefined) {
    io.stderr(
      `dkim sign: ${values.key} is not an RSA or Ed25519 private key in PEM (PKCS#8 "PRIVATE KEY" or "RSA PRIVATE KEY")\n`,
    );
    return 1;
  }
  const message = await readMessage(streams);
  const options: SignOptions = {
    domain,
    selector: values.selector,
    privateKeyPkcs8: pkcs8,
    algorithm: algorithm ?? (keyType === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256'),
    ...(canonicalization === undefined ? {} : { canonicalization }),
    ...(headers === undefined ? {} : { headers }),
    ...(timestamp === undefined ? {} : { timestamp }),
    ...(expiration === undefined ? {} : { expiration }),
  };
  let signed: Uint8Array;
  try {
    signed = await runDkim(signDkim(message, options), {
      resolve: (): DnsAnswer => ({ rcode: 'SERVFAIL', answers: [] }),
      crypto: webCryptoDkim(globalThis.crypto.subtle),
    });
  } catch (e) {
    if (!(e instanceof DkimSignError)) throw e;
    io.stderr(`dkim sign: ${e.message}\n`);
    return 1;
  }
  streams.writeStdout(signed);
  return 0;
}

function formatVerifyLine(r: DkimResult): string[] {
  if (r.index === undefined) return [`${r.result}: ${r.reason}`];
  const who = [
    r.domain === undefined ? undefined : `d=${r.domain}`,
    r.selector === undefined ? undefined : `s=${r.selector}`,
    r.algorithm === undefined ? undefined : `a=${r.algorithm}`,
  ].filter((x) => x !== undefined);
  return [
    `DKIM-Signature #${r.index + 1}${who.length > 0 ? ` (${who.join(' ')})` : ''}: ${r.result} — ${r.reason}`,
    ...r.warnings.map((w) => `  warning: ${w}`),
  ];
}

async function verify(values: Values, io: CliIo, streams: DkimStreams): Promise<number> {
  const zones = values.zone ?? [];
  if (zones.length === 0) throw new UsageError('missing --zone FILE (the DNS holding the keys)');
  if (values.origin !== undefined && normaliseName(values.origin) === undefined) {
    throw new UsageError(`--origin '${values.origin}' is not a domain name`);
  }
  const now = epochOption('now', values.now) ?? Math.floor(Date.now() / 1000);
  let dns: ZoneResolver;
  try {
    dns = await loadZoneResolver(zones, io.cwd, values.origin === undefined ? {} : { origin: values.origin });
  } catch (e) {
    if (!(e instanceof ZoneFileError)) throw e;
    io.stderr(`dkim verify: ${e.message}\n`);
    return 1;
  }
  const message = await readMessage(streams);
  for (const line of zoneErrorLines(dns)) io.stderr(`${line}\n`);
  const results = await runDkim(verifyDkim(message, { now }), {
    resolve: (q) => dns.resolver.resolve(q),
    crypto: webCryptoDkim(globalThis.crypto.subtle),
  });
  if (values.json) io.stdout(`${JSON.stringify(dkimVerifyJson(results), null, 2)}\n`);
  else for (const line of results.flatMap(formatVerifyLine)) io.stdout(`${line}\n`);
  return 0;
}

/** The `dkim` command over the given streams (tests pass collectors). */
export function createDkimCommand(streams: DkimStreams = PROCESS_STREAMS): CliCommand {
  async function run(args: readonly string[], io: CliIo): Promise<number> {
    const [sub, ...rest] = args;
    const prefix = sub === 'sign' || sub === 'verify' ? `dkim ${sub}` : 'dkim';
    const usageError = (message: string): number => {
      io.stderr(`${prefix}: ${message}\n\n${USAGE}`);
      return 2;
    };
    if (sub !== 'sign' && sub !== 'verify') {
      return usageError(
        sub === undefined ? 'say sign or verify' : `unknown subcommand '${sub}': say sign or verify`,
      );
    }
    let values: Values;
    try {
      const parsed = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS });
      if (parsed.positionals.length > 0) {
        return usageError(`unexpected argument '${parsed.positionals[0]}' (the message is read from stdin)`);
      }
      values = parsed.values;
    } catch (e) {
      return usageError((e as Error).message);
    }
    const foreign = (sub === 'sign' ? VERIFY_ONLY : SIGN_ONLY).find((o) => o in values);
    if (foreign !== undefined) {
      return usageError(`--${foreign} is an option of dkim ${sub === 'sign' ? 'verify' : 'sign'}`);
    }
    try {
      return sub === 'sign' ? await sign(values, io, streams) : await verify(values, io, streams);
    } catch (e) {
      if (e instanceof UsageError) return usageError(e.message);
      throw e;
    }
  }
  return {
    name: 'dkim',
    summary: 'sign a message from stdin, or verify its DKIM signatures against zone files',
    usage: USAGE,
    run,
  };
}

/** The `dkim` subcommand, on the process's stdin and stdout. */
export const dkimCommand: CliCommand = createDkimCommand();
