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
} from '../../../simulators/auth/dkim/index.ts';
import { SeededRandom } from '../../../simulators/core/random.ts';
import { formatString } from '../../../simulators/dns/zone-file.ts';
import { main } from '../main.ts';
import { createAuthCommand, DMARC_SEED } from './auth.ts';
import { createDkimCommand } from './dkim.ts';

let dir: string;
let signed: Uint8Array;

const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** Runs openssl with a bounded time; rejects with its stderr. */
function openssl(...args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { timeout: 20_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`openssl ${args.join(' ')}: ${stderr || error.message}`)) : resolve(),
    );
  });
}

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

const message = (from: string): Uint8Array =>
  latin1(`From: ${from}\r\nTo: bob@example.net\r\nSubject: Hi\r\n\r\nHi\r\n`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailroom-auth-'));
  await openssl('genpkey', '-algorithm', 'ed25519', '-out', join(dir, 'ed.pem'));
  const pkcs8 = privateKeyPkcs8(await readFile(join(dir, 'ed.pem'), 'utf8'))!;
  const spki = await runDkim(derivePublicKey(pkcs8, 'ed25519'), {
    resolve: () => ({ rcode: 'SERVFAIL', answers: [] }),
    crypto: webCryptoDkim(globalThis.crypto.subtle),
  });
  const zone = (lines: string[]) =>
    ['$TTL 300', '@ SOA ns hostmaster 1 2h 1h 1w 5m', ...lines, ''].join('\n');
  await writeFile(
    join(dir, 'example.com.zone'),
    zone([
      '@ TXT "v=spf1 ip4:192.0.2.25 -all"',
      'mail A 192.0.2.25',
      'mail TXT "v=spf1 a -all"',
      `ed._domainkey TXT ${keyRecordFor(spki, 'ed25519').map(formatString).join(' ')}`,
      '_dmarc TXT "v=DMARC1; p=reject"',
    ]),
  );
  // Where RFC 9989 and RFC 7489 differ: np= (RFC 9989 only) and pct= (RFC 7489 only).
  await writeFile(
    join(dir, 'example.org.zone'),
    zone([
      '@ TXT "v=spf1 -all"',
      '_dmarc TXT "v=DMARC1; p=none; sp=quarantine; np=reject"',
      'pct TXT "v=spf1 -all"',
      '_dmarc.pct TXT "v=DMARC1; p=reject; pct=50"',
    ]),
  );
  // A second file of the same zone that only breaks the DMARC lookup.
  await writeFile(join(dir, 'slow-dmarc.zone'), '$ORIGIN example.com.\n;@timeout _dmarc.example.com. TXT\n');

  const chunks: Uint8Array[] = [];
  const code = await createDkimCommand({
    readStdin: () => Promise.resolve(MESSAGE),
    writeStdout: (b) => chunks.push(b),
  }).run(['sign', '--domain', 'example.com', '--selector', 'ed', '--key', 'ed.pem'], {
    stdout: () => {},
    stderr: () => {},
    cwd: dir,
  });
  expect(code).toBe(0);
  signed = Uint8Array.from(chunks.flatMap((c) => [...c]));
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `auth ARGS` with `stdin` as the message (undefined: stdin is a terminal). */
async function run(stdin: Uint8Array | undefined, ...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const command = createAuthCommand({
    readStdin: () => Promise.resolve(stdin),
    writeStdout: () => {
      throw new Error('auth writes text only');
    },
  });
  const code = await command.run(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: dir,
  });
  return { code, stdout, stderr };
}

const GOOD = ['--zone', 'example.com.zone', '--ip', '192.0.2.25', '--mail-from', 'alice@example.com'];
const HELO = ['--helo', 'mail.example.com'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON, checked by the assertions
async function authJson(stdin: Uint8Array, ...args: string[]): Promise<any> {
  const result = await run(stdin, ...args, '--json');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('auth', () => {
  it('passes SPF, DKIM and DMARC for a signed message from the right address', async () => {
    const out = await authJson(signed, ...GOOD, ...HELO, '--now', '1700000000');
    expect(out).toEqual({
      spf: {
        result: 'pass',
        identity: 'mailfrom',
        domain: 'example.com',
        sender: 'alice@example.com',
        explanation: null,
        lookups: 0,
        reason: expect.any(String),
      },
      dkim: [
        {
          domain: 'example.com',
          selector: 'ed',
          algorithm: 'ed25519-sha256',
          result: 'pass',
          reason: 'signature verified',
        },
      ],
      dmarc: {
        result: 'pass',
        policy: 'reject',
        disposition: 'none',
        domain: 'example.com',
        policyDomain: 'example.com',
        alignment: {
          spf: expect.objectContaining({ domain: 'example.com', authenticated: true, aligned: true }),
          dkim: [expect.objectContaining({ domain: 'example.com', authenticated: true, aligned: true })],
        },
        reason: expect.stringContaining('DMARC passes (RFC 9989)'),
      },
      authenticationResults:
        'Authentication-Results: mailroom; spf=pass smtp.mailfrom=example.com;\r\n' +
        '\tdkim=pass header.d=example.com header.s=ed header.a=ed25519-sha256;\r\n' +
        '\tdmarc=pass (p=reject dis=none) header.from=example.com',
    });
  });

  it('has exactly the documented keys', async () => {
    const out = await authJson(signed, ...GOOD, ...HELO);
    expect(Object.keys(out)).toEqual(['spf', 'dkim', 'dmarc', 'authenticationResults']);
    expect(Object.keys(out.spf)).toEqual([
      'result',
      'identity',
      'domain',
      'sender',
      'explanation',
      'lookups',
      'reason',
    ]);
    expect(Object.keys(out.dkim[0])).toEqual(['domain', 'selector', 'algorithm', 'result', 'reason']);
    expect(Object.keys(out.dmarc)).toEqual([
      'result',
      'policy',
      'disposition',
      'domain',
      'policyDomain',
      'alignment',
      'reason',
    ]);
    expect(Object.keys(out.dmarc.alignment)).toEqual(['spf', 'dkim']);
    expect(Object.keys(out.dmarc.alignment.spf)).toEqual([
      'domain',
      'authenticated',
      'aligned',
      'mode',
      'reason',
    ]);
  });

  it('fails a spoof: wrong address, no signature → spf fail, dmarc fail with p=reject', async () => {
    const out = await authJson(
      MESSAGE,
      ...GOOD.slice(0, 2),
      '--ip',
      '203.0.113.9',
      '--mail-from',
      'alice@example.com',
      ...HELO,
      '--authserv-id',
      'mx.example.net',
    );
    expect(out.spf).toMatchObject({ result: 'fail', explanation: expect.any(String) });
    expect(out.dkim).toEqual([]);
    expect(out.dmarc).toMatchObject({
      result: 'fail',
      policy: 'reject',
      disposition: 'reject',
      domain: 'example.com',
      alignment: { spf: { authenticated: false, aligned: false }, dkim: [] },
    });
    expect(out.authenticationResults).toBe(
      'Authentication-Results: mx.example.net; spf=fail smtp.mailfrom=example.com;\r\n' +
        '\tdkim=none; dmarc=fail (p=reject dis=reject) header.from=example.com',
    );
  });

  it('prints one line per verdict and the field without --json', async () => {
    const result = await run(MESSAGE, ...GOOD.slice(0, 2), '--ip', '203.0.113.9', '--mail-from', '', ...HELO);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^SPF \(smtp\.helo=mail\.example\.com\): fail — /);
    expect(lines[1]).toBe('DKIM: none — message not signed');
    expect(lines[2]).toMatch(
      /^DMARC \(header\.from=example\.com\): fail, policy p=reject, disposition reject — /,
    );
    expect(lines.slice(3).join('\n')).toBe(
      'Authentication-Results: mailroom; spf=fail smtp.helo=mail.example.com;\n' +
        '\tdkim=none; dmarc=fail (p=reject dis=reject) header.from=example.com\n',
    );
  });

  it('checks postmaster@HELO for the null reverse-path (RFC 7208 §2.4)', async () => {
    const out = await authJson(signed, ...GOOD.slice(0, 4), '--mail-from', '', ...HELO);
    expect(out.spf).toMatchObject({
      result: 'pass',
      identity: 'helo',
      domain: 'mail.example.com',
      sender: 'postmaster@mail.example.com',
    });
    expect(out.authenticationResults).toContain('spf=pass smtp.helo=mail.example.com;');
    expect(out.dmarc.result).toBe('pass');
  });

  it('gives dmarc temperror when the _dmarc lookup times out (;@timeout in a second zone file)', async () => {
    const out = await authJson(signed, ...GOOD, ...HELO, '--zone', 'slow-dmarc.zone');
    expect(out.spf.result).toBe('pass');
    expect(out.dkim).toMatchObject([{ result: 'pass' }]);
    expect(out.dmarc).toMatchObject({ result: 'temperror', policy: null, disposition: 'none' });
    expect(out.authenticationResults).toContain('dmarc=temperror header.from=example.com');
  });

  it('follows --dmarc: np= applies under RFC 9989 (the default), sp= under RFC 7489', async () => {
    const args = [
      '--zone',
      'example.org.zone',
      '--ip',
      '192.0.2.25',
      '--mail-from',
      'x@example.org',
      ...HELO,
    ];
    const ghost = message('x@ghost.example.org');
    expect((await authJson(ghost, ...args)).dmarc).toMatchObject({
      result: 'fail',
      policy: 'reject',
      disposition: 'reject',
      domain: 'ghost.example.org',
      policyDomain: 'example.org',
    });
    expect((await authJson(ghost, ...args, '--dmarc', 'rfc9989')).dmarc.policy).toBe('reject');
    expect((await authJson(ghost, ...args, '--dmarc', 'rfc7489')).dmarc).toMatchObject({
      result: 'fail',
      policy: 'quarantine',
      disposition: 'quarantine',
    });
  });

  it('samples pct= under RFC 7489 with the fixed seed, reproducibly; RFC 9989 ignores pct=', async () => {
    expect(new SeededRandom(DMARC_SEED).next()).toBeCloseTo(0.8094, 4);
    const args = [
      '--zone',
      'example.org.zone',
      '--ip',
      '192.0.2.25',
      '--mail-from',
      'x@pct.example.org',
      ...HELO,
    ];
    const from = message('x@pct.example.org');
    // The draw 0.8094 is not below pct=50%: the message is left out, reject is lowered to quarantine.
    for (let i = 0; i < 2; i++) {
      expect((await authJson(from, ...args, '--dmarc', 'rfc7489')).dmarc).toMatchObject({
        result: 'fail',
        policy: 'reject',
        disposition: 'quarantine',
      });
    }
    expect((await authJson(from, ...args)).dmarc).toMatchObject({ policy: 'reject', disposition: 'reject' });
  });

  it('reports a message without a From field as DMARC not applied', async () => {
    const out = await authJson(latin1('To: b@example.net\r\n\r\nx\r\n'), ...GOOD, ...HELO);
    expect(out.dmarc).toEqual({
      result: 'none',
      policy: null,
      disposition: 'none',
      domain: null,
      policyDomain: null,
      alignment: null,
      reason: expect.stringContaining('DMARC not applied: the message has no From field'),
    });
    expect(out.authenticationResults).toBe(
      'Authentication-Results: mailroom; spf=pass smtp.mailfrom=example.com;\r\n\tdkim=none',
    );
  });

  it('exits 1 when a zone file cannot be read', async () => {
    expect(await run(signed, ...GOOD, ...HELO, '--zone', 'nope.zone')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'auth: cannot read nope.zone: no such file\n',
    });
  });

  it.each([
    [[], 'auth: missing --zone FILE'],
    [['--zone', 'z', '--mail-from', 'a@b', ...HELO], 'auth: missing --ip IP'],
    [['--zone', 'z', '--ip', '192.0.2.1', ...HELO], 'auth: missing --mail-from ADDRESS'],
    [['--zone', 'z', '--ip', '192.0.2.1', '--mail-from', 'a@b'], 'auth: missing --helo NAME'],
    [[...GOOD.slice(0, 2), '--ip', '999.1.1.1', '--mail-from', 'a@b', ...HELO], "--ip '999.1.1.1' is not"],
    [[...GOOD, ...HELO, '--dmarc', 'rfc9999'], "--dmarc 'rfc9999' is not one of rfc9989, rfc7489"],
    [[...GOOD, ...HELO, '--now', 'soon'], "--now 'soon' is not"],
    [[...GOOD, ...HELO, '--authserv-id', 'mx;evil'], "--authserv-id 'mx;evil' is not a name"],
    [[...GOOD, ...HELO, '--origin', 'a..b'], "--origin 'a..b' is not a domain name"],
    [[...GOOD, ...HELO, 'message.eml'], "unexpected argument 'message.eml'"],
    [[...GOOD, ...HELO, '--bogus'], "Unknown option '--bogus'"],
  ])('exits 2 on usage errors and says what is wrong: %j', async (args, text) => {
    const result = await run(MESSAGE, ...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toContain(text);
    expect(result.stderr).toContain('Usage: mailroom auth');
  });

  it('exits 2 when nothing is piped in', async () => {
    const result = await run(undefined, ...GOOD, ...HELO);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('auth: give the message on stdin, e.g. < message.eml');
  });

  it('is listed by mailroom --help and has its own --help', async () => {
    let stdout = '';
    const io = { stdout: (t: string) => (stdout += t), stderr: () => {}, cwd: dir };
    expect(await main(['--help'], io)).toBe(0);
    expect(stdout).toMatch(/\n {2}auth {9}check a message/);
    stdout = '';
    expect(await main(['auth', '--help'], io)).toBe(0);
    expect(stdout).toMatch(/^Usage: mailroom auth --zone FILE/);
  });
});

describe('the mailroom binary', () => {
  const bin = fileURLToPath(new URL('../../../bin/mailroom.js', import.meta.url));

  it('reads the message from the real stdin', async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        [bin, 'auth', ...GOOD, ...HELO, '--json'],
        { cwd: dir, timeout: 30_000 },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
      child.stdin?.end(signed);
    });
    expect(JSON.parse(stdout)).toMatchObject({
      spf: { result: 'pass' },
      dkim: [{ result: 'pass' }],
      dmarc: { result: 'pass' },
    });
  }, 40_000);
});
