/**
 * Real clients against the bridge: swaks and Python's smtplib as child
 * processes, and a raw socket that misbehaves. The bridge runs in this
 * process on free ports; what the clients sent is compared with what the
 * simulated store (and the --maildir copy) holds.
 *
 * swaks and python3 are required: CI installs them; a missing one fails the
 * test with the command that installs it.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultScenario } from '../../../simulators/world/presets/default.ts';
import type { ScenarioInput } from '../../../simulators/world/scenario.ts';
import type { StoredMessage } from '../../../simulators/store/mail-store.ts';
import { startBridge, type Bridge } from './bridge.ts';
import { SmtpLineClient } from './smtp-line-client.ts';
import { selfSignedCertificate } from './tls.ts';

const SWAKS = '/usr/bin/swaks';
const PYTHON_CLIENT = join(import.meta.dirname, 'fixtures', 'smtplib_client.py');
const USER = 'test@example.org';
const PASSWORD = 'pw';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command with a bounded time; never throws for a non-zero exit. */
function run(command: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { timeout: 20_000, maxBuffer: 8 << 20 }, (error, stdout, stderr) => {
      const code = error ? (error as { code?: unknown }).code : 0;
      if (typeof code !== 'number') return reject(error ?? new Error(`${command} did not run`));
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

function requireSwaks(): void {
  expect(existsSync(SWAKS), 'swaks is not installed: apt-get install swaks').toBe(true);
}

function swaks(port: number, ...args: string[]): Promise<Run> {
  requireSwaks();
  return run(SWAKS, ['--server', `127.0.0.1:${port}`, '--from', USER, '--timeout', '15', ...args]);
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

/** Bob's stored messages that contain `marker`. */
function storedWith(bridge: Bridge, address: string, marker: string): StoredMessage[] {
  const account = bridge.world.account(address);
  return (account?.inbox.messages ?? []).filter((m) => latin1(m.raw).includes(marker));
}

/** The message without the trace fields the servers put on top (Return-Path, Delivered-To, Received). */
function withoutTraceFields(raw: Uint8Array): Buffer {
  let text = latin1(raw);
  for (;;) {
    const m = /^(?:Return-Path|Delivered-To|Received):[^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*/i.exec(text);
    if (!m) break;
    text = text.slice(m[0].length);
  }
  return Buffer.from(text, 'latin1');
}

async function eventually<T>(what: string, get: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The default world, with the MX's message size limit lowered so a 200 KB message is too big. */
const scenario: ScenarioInput = {
  ...defaultScenario,
  hosts: defaultScenario.hosts.map((h) =>
    h.id === 'mx.example.net' ? { ...h, smtp: { maxMessageSize: 100_000 } } : h,
  ),
};

let bridge: Bridge;
let maildir: string;
let traceFile: string;
const logs: string[] = [];

beforeAll(async () => {
  maildir = await mkdtemp(join(tmpdir(), 'mailroom-maildir-'));
  traceFile = join(maildir, 'trace.jsonl');
  bridge = await startBridge({
    scenario,
    users: [{ address: USER, password: PASSWORD }],
    ports: { smtp: 0, submission: 0 },
    maildir,
    traceFile,
    log: (line) => logs.push(line),
  });
});

afterAll(async () => {
  await bridge?.stop();
  if (maildir) await rm(maildir, { recursive: true, force: true });
});

describe('swaks', () => {
  it.each(['PLAIN', 'LOGIN'])('submits with AUTH %s and PIPELINING; the store has it', async (mechanism) => {
    const id = randomUUID();
    const r = await swaks(
      bridge.ports.submission!,
      ...['--to', 'bob@example.net', '--auth', mechanism, '--auth-user', USER, '--auth-password', PASSWORD],
      ...['--pipeline', '--header', `X-Test-Id: ${id}`],
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('235 2.7.0');
    const [stored] = storedWith(bridge, 'bob@example.net', id);
    expect(stored, 'stored in bob@example.net INBOX').toBeDefined();
    const text = latin1(stored!.raw);
    expect(text).toMatch(/^Return-Path: <test@example.org>\r\nDelivered-To: bob@example.net\r\nReceived: /);
    expect(text).toMatch(/with ESMTPA id /);
    expect(text).toContain('X-Mailer: swaks');
    expect(text).toContain(`X-Test-Id: ${id}`);
    expect(text).toContain('This is a test mailing');

    // The --maildir copy is the stored message, byte for byte.
    await bridge.flushed();
    const folder = join(maildir, 'bob@example.net', 'new');
    const file = `${stored!.internalDate}.${stored!.uid}.eml`;
    expect(await readdir(folder)).toContain(file);
    expect(new Uint8Array(await readFile(join(folder, file)))).toEqual(stored!.raw);
  });

  it('delivers through the MX port without AUTH', async () => {
    const id = randomUUID();
    const r = await swaks(bridge.ports.smtp!, '--to', 'bob@example.net', '--header', `X-Test-Id: ${id}`);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const [stored] = storedWith(bridge, 'bob@example.net', id);
    expect(stored).toBeDefined();
    expect(latin1(stored!.raw)).toMatch(/by mx\.example\.net \(Mailroom\) with ESMTP id /);
    expect(latin1(stored!.raw)).toContain('This is a test mailing');
  });

  it('is refused relaying through the MX port', async () => {
    const r = await swaks(bridge.ports.smtp!, '--to', 'someone@elsewhere.invalid');
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain('554 5.7.1');
  });

  it('is refused submission without AUTH', async () => {
    const r = await swaks(bridge.ports.submission!, '--to', 'bob@example.net');
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/530 5\.7\.0/);
  });

  it('relays to alice@example.com over the simulated network, in real time', async () => {
    const id = randomUUID();
    const r = await swaks(
      bridge.ports.submission!,
      ...['--to', 'alice@example.com', '--auth', 'PLAIN', '--auth-user', USER, '--auth-password', PASSWORD],
      ...['--header', `X-Test-Id: ${id}`],
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const stored = await eventually(
      'delivery to alice',
      () => storedWith(bridge, 'alice@example.com', id)[0],
    );
    // Two hops: the bridged MSA, then smtp.example.com's MX.
    expect(latin1(stored.raw).match(/^Received: /gm)).toHaveLength(2);
    expect(latin1(stored.raw)).toMatch(/by smtp\.example\.com \(Mailroom\)/);
  });
});

describe('Python smtplib', () => {
  it('sends dot lines and an 8-bit body intact; an over-size message gets 552', async () => {
    const token = randomUUID();
    const r = await run('python3', [
      PYTHON_CLIENT,
      '127.0.0.1',
      String(bridge.ports.submission),
      USER,
      PASSWORD,
      'bob@example.net',
      token,
    ]);
    expect(r.code, `python3 failed (is it installed? apt-get install python3)\n${r.stderr}`).toBe(0);
    const result = JSON.parse(r.stdout) as {
      extensions: string[];
      dots: string;
      utf8: string;
      utf8Options: string[];
      big: { error: string | null; code?: number; text?: string };
    };
    expect(result.extensions).toEqual(expect.arrayContaining(['8bitmime', 'smtputf8', 'pipelining', 'size']));
    expect(result.utf8Options).toEqual(['BODY=8BITMIME', 'SMTPUTF8']);

    for (const [subject, sent] of [
      ['dots', result.dots],
      ['utf8', result.utf8],
    ] as const) {
      const [stored] = storedWith(bridge, 'bob@example.net', `${subject} ${token}`);
      expect(stored, `${subject} message stored`).toBeDefined();
      expect(withoutTraceFields(stored!.raw).toString('latin1')).toBe(
        Buffer.from(sent, 'base64').toString('latin1'),
      );
    }
    const utf8Text = Buffer.from(storedWith(bridge, 'bob@example.net', `utf8 ${token}`)[0]!.raw).toString(
      'utf8',
    );
    expect(utf8Text).toContain('Grüße aus Köln — ünïcødé ✓');

    expect(['SMTPSenderRefused', 'SMTPDataError']).toContain(result.big.error);
    expect(result.big.code).toBe(552);
    expect(storedWith(bridge, 'bob@example.net', `big ${token}`)).toHaveLength(0);
  });
});

describe('a badly behaved client', () => {
  it('gets 500s for garbage, an endless line and a NUL, and the bridge serves the next client', async () => {
    const bad = await SmtpLineClient.connect(bridge.ports.smtp!);
    try {
      expect((await bad.reply()).code).toBe(220);
      // Random octets, none of them a line end or NUL, then CRLF.
      const garbage = Buffer.from(randomBytes(200).map((b) => 0x80 | b));
      bad.send(Buffer.concat([garbage, Buffer.from('\r\n')]));
      expect((await bad.reply()).code).toBe(500);
      // 100 KB without a line end: refused as soon as it cannot be a command any more.
      bad.send('A'.repeat(100_000));
      const tooLong = await bad.reply();
      expect(tooLong.code).toBe(500);
      expect(tooLong.lines.join(' ')).toMatch(/too long/i);
      bad.send('\r\n');
      bad.send('NO\0OP\r\n');
      expect((await bad.reply()).code).toBe(500);
      // Still a working session.
      expect((await bad.command('NOOP')).code).toBe(250);
    } finally {
      bad.destroy();
    }

    const good = await SmtpLineClient.connect(bridge.ports.smtp!);
    try {
      expect((await good.reply()).code).toBe(220);
      expect((await good.command('EHLO good.example.org')).code).toBe(250);
      expect((await good.command('MAIL FROM:<good@example.org>')).code).toBe(250);
      expect((await good.command('RCPT TO:<bob@example.net>')).code).toBe(250);
      expect((await good.command('DATA')).code).toBe(354);
      const id = randomUUID();
      good.send(`Subject: after the bad one\r\nX-Test-Id: ${id}\r\n\r\nfine\r\n.\r\n`);
      expect((await good.reply()).code).toBe(250);
      expect((await good.command('QUIT')).code).toBe(221);
      expect(storedWith(bridge, 'bob@example.net', id)).toHaveLength(1);
    } finally {
      good.destroy();
    }
  });
});

describe('the trace', () => {
  it('shows bridged connections as the simulated ones are shown, and --trace writes it', async () => {
    const events = bridge.world.trace.events;
    const connecting = events.find((e) => e.type === 'conn.connecting' && e.conn === 'b1');
    expect(connecting).toMatchObject({
      client: { host: 'bridge-client', address: '127.0.0.1' },
      server: { host: 'mx.example.net', address: '198.51.100.25' },
    });
    expect(
      events.some((e) => e.type === 'session.start' && e.conn === 'b1' && e.machine === 'smtpServer'),
    ).toBe(true);
    const greeting = events.find((e) => e.type === 'bytes' && e.conn === 'b1' && e.direction === 's2c');
    expect(greeting && greeting.type === 'bytes' && latin1(greeting.bytes)).toMatch(/^220 mx\.example\.net /);

    // The file follows the trace, written in batches: wait for the greeting's line.
    const deadline = Date.now() + 10_000;
    let line: { text?: string; bytes?: { base64: string } } | undefined;
    while (!line && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      line = (await readFile(traceFile, 'utf8'))
        .split('\n')
        .filter((l) => l.includes('"conn":"b1"') && l.includes('"type":"bytes"'))
        .map((l) => JSON.parse(l) as { text?: string; bytes?: { base64: string } })[0];
    }
    expect(line?.text).toMatch(/^220 mx\.example\.net /);
    expect(Buffer.from(line!.bytes!.base64, 'base64').toString('latin1')).toBe(line!.text);
  });
});

describe('with a certificate', () => {
  let secure: Bridge;

  beforeAll(async () => {
    const tls = await selfSignedCertificate('mx.example.net');
    secure = await startBridge({
      users: [{ address: USER, password: PASSWORD }],
      ports: { submission: 0, smtps: 0 },
      tls,
      log: (line) => logs.push(line),
    });
  });

  afterAll(async () => {
    await secure?.stop();
  });

  const auth = ['--auth', 'PLAIN', '--auth-user', USER, '--auth-password', PASSWORD];

  it('offers STARTTLS, and AUTH only after it', async () => {
    const plain = await swaks(secure.ports.submission!, '--to', 'bob@example.net', ...auth);
    expect(plain.code).not.toBe(0);
    expect(plain.stdout).toContain('STARTTLS');

    const id = randomUUID();
    const r = await swaks(
      secure.ports.submission!,
      '--to',
      'bob@example.net',
      '--tls',
      ...auth,
      '--header',
      `X-Test-Id: ${id}`,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const [stored] = storedWith(secure, 'bob@example.net', id);
    expect(latin1(stored!.raw)).toMatch(/with ESMTPSA id /);

    const events = secure.world.trace.events;
    const established = events.find((e) => e.type === 'tls.established');
    expect(established).toMatchObject({
      serverName: 'mx.example.net',
      version: expect.stringMatching(/^TLSv1\.[23]$/),
    });
    const conn = established!.type === 'tls.established' ? established!.conn : undefined;
    expect(
      events.some(
        (e) => e.type === 'bytes' && e.conn === conn && e.encrypted && e.wireLength > e.bytes.length,
      ),
    ).toBe(true);
  });

  it('speaks TLS from the first byte on the smtps port', async () => {
    const id = randomUUID();
    const r = await swaks(
      secure.ports.smtps!,
      '--to',
      'bob@example.net',
      '--tls-on-connect',
      ...auth,
      '--header',
      `X-Test-Id: ${id}`,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain('STARTTLS');
    expect(latin1(storedWith(secure, 'bob@example.net', id)[0]!.raw)).toMatch(/with ESMTPSA id /);
  });
});
