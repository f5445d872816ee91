/**
 * mbsync (isync) keeps a Maildir and the bridge's IMAP mailbox in step, both
 * ways, flags included (RFC 3501 STORE/APPEND/UID FETCH, Maildir flags).
 * isync is required: CI installs it; a missing mbsync fails with the command
 * that installs it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from './bridge.ts';

const MBSYNC = '/usr/bin/mbsync';
const USER = 'sync@example.org';
const PASSWORD = 'sync-secret';

let bridge: Bridge;
let dir: string;

function mbsync(): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      MBSYNC,
      ['-c', join(dir, 'mbsyncrc'), 'lab'],
      { timeout: 30_000, env: { ...process.env, HOME: dir } },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        if (typeof code !== 'number') return reject(error ?? new Error('mbsync did not run'));
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

function deliver(subject: string): void {
  const raw = `From: alice@example.com\r\nTo: ${USER}\r\nSubject: ${subject}\r\n\r\n${subject}\r\n`;
  bridge.world.account(USER)!.inbox.append(new Uint8Array(Buffer.from(raw, 'latin1')), {
    internalDate: bridge.world.wallClock(),
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailroom-mbsync-'));
  bridge = await startBridge({
    users: [{ address: USER, password: PASSWORD }],
    ports: { imap: 0 },
    log: () => {},
  });
  await mkdir(join(dir, 'mail'));
  await writeFile(
    join(dir, 'mbsyncrc'),
    [
      'IMAPAccount lab',
      'Host 127.0.0.1',
      `Port ${bridge.ports.imap}`,
      `User ${USER}`,
      `Pass ${PASSWORD}`,
      // The bridge has no certificate in this test; isync 1.4 calls this SSLType.
      'SSLType None',
      'AuthMechs LOGIN',
      '',
      'IMAPStore lab-remote',
      'Account lab',
      '',
      'MaildirStore lab-local',
      `Path ${join(dir, 'mail')}/`,
      `Inbox ${join(dir, 'mail', 'INBOX')}`,
      'SubFolders Verbatim',
      '',
      'Channel lab',
      'Far :lab-remote:',
      'Near :lab-local:',
      'Patterns INBOX',
      'Create Both',
      'Expunge Both',
      'SyncState *',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await bridge?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('mbsync', () => {
  it('pulls mail, pushes local flags and new messages, and pulls flags set on the server', async () => {
    expect(existsSync(MBSYNC), 'mbsync is not installed: apt-get install isync').toBe(true);
    deliver('first');
    deliver('second');
    const inboxDir = join(dir, 'mail', 'INBOX');
    const first = await mbsync();
    expect(first.code, first.output).toBe(0);
    const fetched = (await readdir(join(inboxDir, 'new'))).sort();
    expect(fetched).toHaveLength(2);

    // Locally: read the first message (Maildir flag S) and write a new one.
    await mkdir(join(inboxDir, 'cur'), { recursive: true });
    await rename(
      join(inboxDir, 'new', fetched[0]!),
      join(inboxDir, 'cur', `${fetched[0]!.replace(/:2,.*$/, '')}:2,S`),
    );
    await writeFile(
      join(inboxDir, 'new', 'local.1.mailroom'),
      `From: ${USER}\r\nTo: bob@example.net\r\nSubject: written offline\r\n\r\nlocal\r\n`,
    );
    // On the server: flag the second message.
    const inbox = bridge.world.account(USER)!.inbox;
    inbox.setFlags(inbox.messages[1]!.uid, ['\\Flagged']);

    const second = await mbsync();
    expect(second.code, second.output).toBe(0);
    expect(inbox.messages.map((m) => [...m.flags].filter((f) => f !== '\\Recent').sort())).toEqual([
      ['\\Seen'],
      ['\\Flagged'],
      [],
    ]);
    expect(Buffer.from(inbox.messages[2]!.raw).toString('latin1')).toContain('Subject: written offline');
    const local = await readdir(join(inboxDir, 'cur'));
    expect(local.some((name) => /:2,F$/.test(name))).toBe(true);
    // isync asks for COMPRESS=DEFLATE (RFC 4978) as soon as it is offered: both syncs ran through it.
    const compress = bridge.world.trace.events.filter(
      (e) =>
        e.type === 'bytes' &&
        e.direction === 'c2s' &&
        /^\S+ COMPRESS DEFLATE\r\n$/.test(Buffer.from(e.bytes).toString('latin1')),
    );
    expect(compress).toHaveLength(2);
    expect(bridge.world.trace.events.some((e) => e.type === 'bytes' && e.compressed !== undefined)).toBe(
      true,
    );
  });
});
