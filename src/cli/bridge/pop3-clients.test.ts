/**
 * Real POP3 clients against the bridge: Python's poplib and fetchmail, as
 * child processes, on the same store the SMTP ports deliver into
 * (RFC 1939). fetchmail and python3 are required: CI installs them; a
 * missing one fails with the command that installs it.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from './bridge.ts';

const USER = 'pop@example.org';
const PASSWORD = 'pop-secret';
const POPLIB = join(import.meta.dirname, 'fixtures', 'poplib_client.py');
const FETCHMAIL = '/usr/bin/fetchmail';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { timeout: 20_000, env }, (error, stdout, stderr) => {
      const code = error ? (error as { code?: unknown }).code : 0;
      if (typeof code !== 'number') return reject(error ?? new Error(`${command} did not run`));
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

let bridge: Bridge;
let dir: string;

/** Puts a message straight into the user's INBOX, as a delivery would. */
function deliver(subject: string, body: string): Uint8Array {
  const raw = Buffer.from(
    `From: alice@example.com\r\nTo: ${USER}\r\nSubject: ${subject}\r\n\r\n${body}`,
    'latin1',
  );
  const account = bridge.world.account(USER)!;
  return account.inbox.append(new Uint8Array(raw), { internalDate: bridge.world.wallClock() }).raw;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailroom-pop3-'));
  bridge = await startBridge({
    users: [{ address: USER, password: PASSWORD }],
    ports: { pop3: 0, smtp: 0 },
    log: () => {},
  });
});

afterAll(async () => {
  await bridge?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Python poplib', () => {
  it('walks STAT, LIST, UIDL, TOP, RETR, DELE/RSET, DELE/QUIT and sees the deletion in a new session', async () => {
    const first = deliver('one', '.starts with a dot\r\nplain line\r\n');
    deliver('two', 'second\r\n');
    const octets = bridge.world.account(USER)!.inbox.messages.reduce((n, m) => n + m.raw.length, 0);
    const r = await run('python3', [POPLIB, String(bridge.ports.pop3), USER, PASSWORD, 'walk']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.welcome).toMatch(/^\+OK .*<[^>]+@mx\.example\.net>$/);
    expect(out.stat).toEqual([2, octets]);
    expect(out.list).toHaveLength(2);
    expect(out.uidl).toHaveLength(2);
    expect(out.top).toContain('Subject: one');
    // RETR gives the stored octets back, dot-stuffing undone by poplib.
    expect(Buffer.from(out.retr1, 'base64')).toEqual(Buffer.from(first));
    expect(out.statAfterDele[0]).toBe(1);
    expect(out.statAfterRset[0]).toBe(2);
    expect(out.quit).toMatch(/^\+OK/);
    expect(out.statNextSession[0]).toBe(1);
    const deletedUid = (out.uidl[0] as string).split(' ')[1];
    expect((out.uidlNextSession as string[]).map((l) => l.split(' ')[1])).not.toContain(deletedUid);
  });

  it('logs in with APOP (RFC 1939 §7)', async () => {
    const r = await run('python3', [POPLIB, String(bridge.ports.pop3), USER, PASSWORD, 'apop']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).stat[0]).toBeGreaterThanOrEqual(0);
  });
});

describe('fetchmail', () => {
  it('keeps mail on the server and fetches nothing new on a second run (UIDL)', async () => {
    expect(existsSync(FETCHMAIL), 'fetchmail is not installed: apt-get install fetchmail').toBe(true);
    deliver('for fetchmail', 'kept\r\n');
    const before = bridge.world.account(USER)!.inbox.messages.length;
    const out = join(dir, 'fetched.mbox');
    const rc = join(dir, 'fetchmailrc');
    await writeFile(
      rc,
      `set no syslog\npoll 127.0.0.1 port ${bridge.ports.pop3} proto pop3 uidl\n` +
        // fetchmail 6.4 insists on STLS unless told that plain text is wanted; the bridge has no certificate here.
        `  user "${USER}" password "${PASSWORD}" keep sslproto '' mda "cat >> ${out}"\n`,
    );
    await chmod(rc, 0o600);
    const args = ['-f', rc, '--idfile', join(dir, 'ids'), '--nosyslog', '-N', '-v'];
    const env = { ...process.env, HOME: dir };
    const firstRun = await run(FETCHMAIL, args, env);
    expect(firstRun.code, firstRun.stdout + firstRun.stderr).toBe(0);
    expect(firstRun.stderr + firstRun.stdout).toMatch(new RegExp(`${before} messages? for`));
    expect(await readFile(out, 'latin1')).toContain('Subject: for fetchmail');
    // fetchmail exits 1 when there was no new mail.
    const secondRun = await run(FETCHMAIL, args, env);
    expect(secondRun.code, secondRun.stdout + secondRun.stderr).toBe(1);
    expect(bridge.world.account(USER)!.inbox.messages.length).toBe(before);
  });
});
