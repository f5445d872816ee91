/**
 * Real IMAP clients against the bridge: Python's imaplib and curl, as child
 * processes, on the store that SMTP delivers into (RFC 3501, RFC 6851,
 * RFC 4315). python3 and curl are required: CI installs them.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from './bridge.ts';

const USER = 'imap@example.org';
const PASSWORD = 'imap-secret';
const IMAPLIB = join(import.meta.dirname, 'fixtures', 'imaplib_client.py');

function run(
  command: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (error as { code?: unknown }).code : 0;
      if (typeof code !== 'number') return reject(error ?? new Error(`${command} did not run`));
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

let bridge: Bridge;

function deliver(subject: string): void {
  const raw = `From: alice@example.com\r\nTo: ${USER}\r\nSubject: ${subject}\r\n\r\n${subject} body\r\n`;
  bridge.world.account(USER)!.inbox.append(new Uint8Array(Buffer.from(raw, 'latin1')), {
    internalDate: bridge.world.wallClock(),
  });
}

beforeAll(async () => {
  bridge = await startBridge({
    users: [{ address: USER, password: PASSWORD }],
    ports: { imap: 0 },
    log: () => {},
  });
  deliver('imaplib one');
  deliver('imaplib two');
});

afterAll(async () => {
  await bridge?.stop();
});

describe('Python imaplib', () => {
  it('lists, selects, searches, fetches, stores, appends, moves and expunges', async () => {
    const r = await run('python3', [IMAPLIB, String(bridge.ports.imap), USER, PASSWORD]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.capabilities).toEqual(expect.arrayContaining(['IMAP4REV1', 'IDLE', 'LITERAL+']));
    expect(out.login).toBe('OK');
    expect(out.list).toEqual(
      expect.arrayContaining(['(\\HasNoChildren) "/" INBOX', '(\\HasNoChildren \\Archive) "/" Archive']),
    );
    expect(out.select).toEqual(['OK', '2']);
    expect(out.search).toBe('1');
    expect(out.fetchHeader).toBe('Subject: imaplib one\r\n\r\n');
    // BODY.PEEK leaves \Seen alone; BODY[] sets it (RFC 3501 §6.4.5).
    expect(out.flagsAfterPeek).toBe('1 (FLAGS (\\Recent))');
    expect(out.body).toContain('imaplib one body');
    expect(out.flagsAfterBody).toMatch(/\\Seen/);
    expect(out.flaggedUids).toBe('2');
    expect(out.append[0]).toBe('OK');
    expect(out.append[1]).toMatch(/^\[APPENDUID \d+ 1\]/);
    expect(out.move).toBe('OK');
    expect(out.statusArchive).toMatch(/MESSAGES 2/);
    // imaplib hands back every untagged EXPUNGE since the last call: MOVE's (message 2), then EXPUNGE's (1).
    expect(out.expunge).toEqual(['OK', ['2', '1']]);
    expect(out.reselect).toBe('0');
    expect(bridge.world.account(USER)!.mailbox('Archive')!.messages).toHaveLength(2);
  });
});

describe('curl', () => {
  it('lists mailboxes and fetches a message over imap://', async () => {
    deliver('for curl');
    const base = `imap://127.0.0.1:${bridge.ports.imap}`;
    const list = await run('curl', ['-s', '--user', `${USER}:${PASSWORD}`, `${base}/`]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('INBOX');
    const uid = bridge.world.account(USER)!.inbox.messages.at(-1)!.uid;
    const fetch = await run('curl', ['-s', '--user', `${USER}:${PASSWORD}`, `${base}/INBOX;UID=${uid}`]);
    expect(fetch.code, fetch.stderr).toBe(0);
    expect(fetch.stdout).toContain('Subject: for curl');
  });
});
