/**
 * CONDSTORE (RFC 7162), ESEARCH (RFC 4731) and QUOTA (RFC 9208) as Python's
 * imaplib sees them through the bridge: its ENABLE, getquotaroot and plain
 * commands with modifiers, against a user whose quota allows three messages.
 * python3 is required: CI installs it.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from './bridge.ts';

const USER = 'quota@example.org';
const PASSWORD = 'quota-secret';
const SCRIPT = join(import.meta.dirname, 'fixtures', 'imaplib_extensions.py');

function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('python3', [...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (error as { code?: unknown }).code : 0;
      if (typeof code !== 'number') return reject(error ?? new Error('python3 did not run'));
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

let bridge: Bridge;

beforeAll(async () => {
  bridge = await startBridge({
    users: [{ address: USER, password: PASSWORD }],
    ports: { imap: 0 },
    log: () => {},
  });
  const account = bridge.world.account(USER)!;
  account.quota = { messages: 3 };
  for (const subject of ['one', 'two', 'three'])
    account.inbox.append(new Uint8Array(Buffer.from(`Subject: ${subject}\r\n\r\n${subject}\r\n`, 'latin1')), {
      internalDate: bridge.world.wallClock(),
    });
});

afterAll(async () => {
  await bridge?.stop();
});

describe('Python imaplib with CONDSTORE, ESEARCH and QUOTA', () => {
  it('enables CONDSTORE, loses a conditional STORE to another session, searches and reads the quota', async () => {
    const r = await run([SCRIPT, String(bridge.ports.imap), USER, PASSWORD]);
    expect(r.code, r.stderr).toBe(0);
    const { capabilities, ...out } = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(capabilities).toEqual(
      expect.arrayContaining(['CONDSTORE', 'ESEARCH', 'QUOTA', 'QUOTA=RES-STORAGE', 'QUOTA=RES-MESSAGE']),
    );
    expect(out).toEqual({
      enabled: ['CONDSTORE'],
      highestModSeq: ['4'],
      modseqs: ['1 (UID 1 MODSEQ (2))', '2 (UID 2 MODSEQ (3))', '3 (UID 3 MODSEQ (4))'],
      store: ['1 (UID 1 FLAGS (\\Seen \\Recent) MODSEQ (5))'],
      // Connection b's \Flagged reached us with the refusal; imaplib keeps the MODIFIED code apart.
      conditionalStore: ['OK', ['2 (UID 2 FLAGS (\\Flagged \\Recent) MODSEQ (6))'], ['2']],
      changedSince: [
        '1 (UID 1 FLAGS (\\Seen \\Recent) MODSEQ (5))',
        '2 (UID 2 FLAGS (\\Flagged \\Recent) MODSEQ (6))',
      ],
      esearch: ['OK', [expect.stringMatching(/^\(TAG "[A-Z]+\d+"\) UID MIN 1 MAX 3 ALL 1:3 COUNT 3$/)]],
      searchModSeq: ['1 2 3 (MODSEQ 6)'],
      getquotaroot: ['OK', [[`INBOX user/${USER}`], [`user/${USER} (MESSAGE 3 3)`]]],
      appendOverQuota: ['NO', ['[OVERQUOTA] Quota exceeded (mailbox for user is full)']],
    });
  });
});
