import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  derivePublicKey,
  keyRecordFor,
  privateKeyPkcs8,
  runDkim,
  webCryptoDkim,
  type DkimKeyType,
} from '../../../simulators/auth/dkim/index.ts';
import { formatString } from '../../../simulators/dns/zone-file.ts';
import { createDkimCommand } from './dkim.ts';

let dir: string;

/** Runs openssl with a bounded time; rejects with its stderr. */
function openssl(...args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { timeout: 20_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`openssl ${args.join(' ')}: ${stderr || error.message}`)) : resolve(),
    );
  });
}

/** The key record line for a PEM private key, as a zone file would hold it. */
async function keyRecordLine(pemFile: string, selector: string, keyType: DkimKeyType): Promise<string> {
  const pkcs8 = privateKeyPkcs8(await readFile(pemFile, 'utf8'))!;
  const spki = await runDkim(derivePublicKey(pkcs8, keyType), {
    resolve: () => ({ rcode: 'SERVFAIL', answers: [] }),
    crypto: webCryptoDkim(globalThis.crypto.subtle),
  });
  return `${selector}._domainkey TXT ${keyRecordFor(spki, keyType).map(formatString).join(' ')}`;
}

const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const text = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

const MESSAGE = latin1(
  [
    'From: Alice <alice@example.com>',
    'To: bob@example.net',
    'Subject: Hello',
    'Date: Mon, 1 Jan 2024 00:00:00 +0000',
    '',
    'Hi Bob,',
    '',
  ].join('\r\n'),
);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailroom-dkim-'));
  await openssl('genpkey', '-algorithm', 'ed25519', '-out', join(dir, 'ed.pem'));
  await openssl(
    'genpkey',
    '-algorithm',
    'rsa',
    '-pkeyopt',
    'rsa_keygen_bits:2048',
    '-out',
    join(dir, 'rsa.pem'),
  );
  await writeFile(join(dir, 'cert.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  await writeFile(
    join(dir, 'example.com.zone'),
    [
      '$TTL 300',
      '@ SOA ns hostmaster 1 2h 1h 1w 5m',
      await keyRecordLine(join(dir, 'ed.pem'), 'ed', 'ed25519'),
      await keyRecordLine(join(dir, 'rsa.pem'), 'rsa', 'rsa'),
      await keyRecordLine(join(dir, 'ed.pem'), 'slow', 'ed25519'),
      'alias._domainkey CNAME ed._domainkey.example.com.',
      ';@timeout slow._domainkey.example.com. TXT',
      ';@servfail ed._domainkey.example.com. MX',
      '',
    ].join('\n'),
  );
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  bytes: Uint8Array;
}

/** Runs `dkim ARGS` with `stdin` as the message (undefined: stdin is a terminal). */
async function run(stdin: Uint8Array | undefined, ...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const chunks: Uint8Array[] = [];
  const command = createDkimCommand({
    readStdin: () => Promise.resolve(stdin),
    writeStdout: (b) => chunks.push(b),
  });
  const code = await command.run(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: dir,
  });
  const bytes = Uint8Array.from(chunks.flatMap((c) => [...c]));
  return { code, stdout, stderr, bytes };
}

async function sign(message: Uint8Array, ...args: string[]): Promise<Uint8Array> {
  const result = await run(message, 'sign', '--domain', 'example.com', ...args);
  expect({ code: result.code, stderr: result.stderr, stdout: result.stdout }).toEqual({
    code: 0,
    stderr: '',
    stdout: '',
  });
  return result.bytes;
}

async function verifyJson(message: Uint8Array, ...args: string[]): Promise<unknown> {
  const result = await run(message, 'verify', '--zone', 'example.com.zone', '--json', ...args);
  expect(result.code).toBe(0);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
}

describe('dkim sign and verify', () => {
  it('round-trips: two signatures (RSA, then Ed25519 on top) verify, top to bottom', async () => {
    const once = await sign(
      MESSAGE,
      '--selector',
      'rsa',
      '--key',
      'rsa.pem',
      '--canonicalization',
      'simple/simple',
    );
    const twice = await sign(
      once,
      '--selector',
      'ed',
      '--key',
      'ed.pem',
      '--headers',
      'from:to:subject:date',
    );
    const signed = text(twice);
    expect(signed).toMatch(
      /^DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed\/relaxed; d=example.com; s=ed;\r\n/,
    );
    expect(signed).toContain(' h=from:to:subject:date;');
    expect(signed).toContain('\r\nDKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=example.com; s=rsa;');
    expect(await verifyJson(twice)).toEqual({
      signatures: [
        {
          domain: 'example.com',
          selector: 'ed',
          algorithm: 'ed25519-sha256',
          result: 'pass',
          reason: 'signature verified',
        },
        {
          domain: 'example.com',
          selector: 'rsa',
          algorithm: 'rsa-sha256',
          result: 'pass',
          reason: 'signature verified',
        },
      ],
    });
    const readable = await run(twice, 'verify', '--zone', 'example.com.zone');
    expect(readable).toMatchObject({
      code: 0,
      stdout:
        'DKIM-Signature #1 (d=example.com s=ed a=ed25519-sha256): pass — signature verified\n' +
        'DKIM-Signature #2 (d=example.com s=rsa a=rsa-sha256): pass — signature verified\n',
    });
  });

  it('signs the message octets as given: a bare LF and an 8-bit octet are not rewritten', async () => {
    const message = Uint8Array.from([
      ...latin1('From: a@example.com\nSubject: caf'),
      0xe9,
      ...latin1('\r\n\r\nbody\n'),
    ]);
    const signed = await sign(message, '--selector', 'ed', '--key', 'ed.pem');
    const fieldEnd = text(signed).indexOf('\r\nFrom: ') + 2;
    expect(fieldEnd).toBeGreaterThan(2);
    expect(signed.subarray(fieldEnd)).toEqual(message);
    expect(await verifyJson(signed)).toMatchObject({ signatures: [{ result: 'pass' }] });
    // …and a change to the body after signing is caught.
    const changed = Uint8Array.from([...signed.subarray(0, -1), 0x21]);
    expect(await verifyJson(changed)).toMatchObject({ signatures: [{ result: 'fail' }] });
  });

  it('gives permerror when the key record is missing, and exits 0', async () => {
    const signed = await sign(MESSAGE, '--selector', 'nokey', '--key', 'ed.pem');
    expect(await verifyJson(signed)).toEqual({
      signatures: [
        {
          domain: 'example.com',
          selector: 'nokey',
          algorithm: 'ed25519-sha256',
          result: 'permerror',
          reason: 'no key for signature: no TXT record at nokey._domainkey.example.com (RFC 6376 §6.1.2)',
        },
      ],
    });
  });

  it('gives temperror when a ;@timeout pragma breaks the key lookup; a fault for another type does not', async () => {
    const slow = await sign(MESSAGE, '--selector', 'slow', '--key', 'ed.pem');
    expect(await verifyJson(slow)).toMatchObject({
      signatures: [
        {
          result: 'temperror',
          reason: 'key unavailable: DNS TIMEOUT for slow._domainkey.example.com (RFC 6376 §6.1.2)',
        },
      ],
    });
    const viaAlias = await sign(MESSAGE, '--selector', 'alias', '--key', 'ed.pem');
    expect(await verifyJson(viaAlias)).toMatchObject({ signatures: [{ selector: 'alias', result: 'pass' }] });
  });

  it('checks x= against --now', async () => {
    const signed = await sign(
      MESSAGE,
      '--selector',
      'ed',
      '--key',
      'ed.pem',
      '--timestamp',
      '1700000000',
      '--expiration',
      '1700086400',
    );
    expect(text(signed)).toContain('t=1700000000; x=1700086400;');
    expect(await verifyJson(signed, '--now', '1700000100')).toMatchObject({
      signatures: [{ result: 'pass' }],
    });
    expect(await verifyJson(signed, '--now', '1800000000')).toMatchObject({
      signatures: [{ result: 'permerror', reason: expect.stringContaining('signature expired') }],
    });
    // Without --now, the real clock is used: long past x=.
    expect(await verifyJson(signed)).toMatchObject({ signatures: [{ result: 'permerror' }] });
  });

  it('prints no entries for an unsigned message, and a line saying so without --json', async () => {
    expect(await verifyJson(MESSAGE)).toEqual({ signatures: [] });
    expect((await run(MESSAGE, 'verify', '--zone', 'example.com.zone')).stdout).toBe(
      'none: message not signed\n',
    );
  });

  it('reports a malformed signature with what could be read of it', async () => {
    const broken = latin1('DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x\r\n');
    expect(await verifyJson(Uint8Array.from([...broken, ...MESSAGE]))).toMatchObject({
      signatures: [{ domain: 'example.com', selector: 'x', algorithm: 'rsa-sha256', result: 'permerror' }],
    });
  });

  it.each([
    [['--selector', 'ed', '--key', 'missing.pem'], 'dkim sign: cannot read missing.pem: no such file\n'],
    [['--selector', 'ed', '--key', 'cert.pem'], 'dkim sign: cert.pem is not an RSA or Ed25519 private key'],
    [
      ['--selector', 'ed', '--key', 'ed.pem', '--algorithm', 'rsa-sha256'],
      'dkim sign: a=rsa-sha256 needs an rsa key, but the private key is ed25519\n',
    ],
    [
      ['--selector', 'ed', '--key', 'ed.pem', '--headers', 'to:subject'],
      'dkim sign: h= must include From (RFC 6376 §5.4)\n',
    ],
  ])('exits 1 when it cannot sign: %j', async (args, message) => {
    const result = await run(MESSAGE, 'sign', '--domain', 'example.com', ...args);
    expect(result.code).toBe(1);
    expect(result.bytes).toEqual(new Uint8Array());
    expect(result.stderr).toContain(message);
  });

  it('exits 1 when the message has no From field, and when a zone file cannot be read', async () => {
    const noFrom = await run(
      latin1('To: b@example.net\r\n\r\nx\r\n'),
      'sign',
      '--domain',
      'example.com',
      '--selector',
      'ed',
      '--key',
      'ed.pem',
    );
    expect(noFrom).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('the message has no From field'),
    });
    const noZone = await run(MESSAGE, 'verify', '--zone', 'nope.zone');
    expect(noZone).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'dkim verify: cannot read nope.zone: no such file\n',
    });
  });

  it.each([
    [[], 'dkim: say sign or verify'],
    [['check'], "dkim: unknown subcommand 'check'"],
    [['sign', '--selector', 's', '--key', 'ed.pem'], 'dkim sign: missing --domain'],
    [['sign', '--domain', 'example.com', '--key', 'ed.pem'], 'dkim sign: missing --selector S'],
    [['sign', '--domain', 'example.com', '--selector', 's'], 'dkim sign: missing --key KEY.pem'],
    [
      ['sign', '--domain', 'a..b', '--selector', 's', '--key', 'k'],
      "dkim sign: --domain 'a..b' is not a domain name",
    ],
    [
      ['sign', '--domain', 'e.com', '--selector', 's', '--key', 'k', '--algorithm', 'rsa-sha1'],
      "--algorithm 'rsa-sha1' is not one of",
    ],
    [
      ['sign', '--domain', 'e.com', '--selector', 's', '--key', 'k', '--canonicalization', 'loose'],
      "--canonicalization 'loose'",
    ],
    [
      ['sign', '--domain', 'e.com', '--selector', 's', '--key', 'k', '--headers', 'from::to'],
      'has an empty name',
    ],
    [
      ['sign', '--domain', 'e.com', '--selector', 's', '--key', 'k', '--timestamp', 'now'],
      "--timestamp 'now' is not",
    ],
    [
      ['sign', '--domain', 'e.com', '--selector', 's', '--key', 'k', '--zone', 'z'],
      '--zone is an option of dkim verify',
    ],
    [
      ['sign', '--domain', 'e.com', '--selector', 's', '--key', 'k', 'message.eml'],
      "unexpected argument 'message.eml'",
    ],
    [['verify'], 'dkim verify: missing --zone FILE'],
    [['verify', '--zone', 'z', '--key', 'k'], '--key is an option of dkim sign'],
    [['verify', '--zone', 'z', '--now', 'x'], "--now 'x' is not"],
    [['verify', '--zone', 'z', '--bogus'], "Unknown option '--bogus'"],
  ])('exits 2 on usage errors and says what is wrong: %j', async (args, message) => {
    const result = await run(MESSAGE, ...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toContain(message);
    expect(result.stderr).toContain('Usage: mailroom dkim sign');
  });

  it('exits 2 when nothing is piped in', async () => {
    const result = await run(
      undefined,
      'sign',
      '--domain',
      'example.com',
      '--selector',
      'ed',
      '--key',
      'ed.pem',
    );
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('dkim sign: give the message on stdin, e.g. < message.eml');
  });
});

describe('the mailroom binary', () => {
  const bin = fileURLToPath(new URL('../../../bin/mailroom.js', import.meta.url));

  it('signs stdin to stdout byte for byte through the real streams', async () => {
    const message = Uint8Array.from([
      ...latin1('From: a@example.com\nSubject: \xff\xfe\r\n\r\nbare\nlf\r\n'),
    ]);
    const stdout = await new Promise<Buffer>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        [bin, 'dkim', 'sign', '--domain', 'example.com', '--selector', 'ed', '--key', 'ed.pem'],
        { cwd: dir, encoding: 'buffer', timeout: 30_000 },
        (error, out, err) =>
          error ? reject(new Error(`${error.message}\n${err.toString()}`)) : resolve(out),
      );
      child.stdin?.end(message);
    });
    const signed = new Uint8Array(stdout);
    const fieldEnd = text(signed).indexOf('\r\nFrom: ') + 2;
    expect(text(signed)).toMatch(/^DKIM-Signature: v=1; a=ed25519-sha256; /);
    expect(signed.subarray(fieldEnd)).toEqual(message);
    expect(await verifyJson(signed)).toMatchObject({ signatures: [{ result: 'pass' }] });
  }, 40_000);
});
