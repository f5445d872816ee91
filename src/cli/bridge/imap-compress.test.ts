/**
 * COMPRESS=DEFLATE (RFC 4978) through the bridge, with a client that is not
 * ours: Python's zlib on a plain socket (imaplib has no COMPRESS). The
 * bridge runs the engine's DEFLATE layer on the real TCP stream; zlib must
 * read it, and the bridge must read zlib.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../simulators/trace/events.ts';
import { startBridge, type Bridge } from './bridge.ts';

const USER = 'zip@example.org';
const PASSWORD = 'zip-secret';
const CLIENT = join(import.meta.dirname, 'fixtures', 'compress_client.py');
/** 60 KB of mail-like text, which DEFLATE shrinks a lot. */
const BODY = Array.from({ length: 1200 }, (_, i) => `Row ${i}: invoice 2026-${i % 12} paid in full.`).join(
  '\r\n',
);

function python(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('python3', [CLIENT, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
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
  const raw = `From: alice@example.com\r\nTo: ${USER}\r\nSubject: Invoices\r\n\r\n${BODY}\r\n`;
  bridge.world.account(USER)!.inbox.append(new Uint8Array(Buffer.from(raw, 'latin1')), {
    internalDate: bridge.world.wallClock(),
  });
});

afterAll(async () => {
  await bridge?.stop();
});

describe('COMPRESS=DEFLATE through the bridge (RFC 4978)', () => {
  it('serves a zlib client: LOGIN, COMPRESS DEFLATE, SELECT and a large FETCH, compressed both ways', async () => {
    const r = await python([String(bridge.ports.imap), USER, PASSWORD]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, string | number>;
    expect(out.login).toMatch(/^a1 OK \[CAPABILITY [^\]]*COMPRESS=DEFLATE/);
    expect(out.compress).toBe('a2 OK DEFLATE active');
    expect(out.select).toBe('a3 OK [READ-WRITE] Select completed.');
    const fetch = String(out.fetch);
    expect(fetch).toContain('Subject: Invoices');
    expect(fetch).toContain(BODY);
    expect(fetch.endsWith('a4 OK Fetch completed.\r\n')).toBe(true);
    expect(out.again).toBe('a5 NO [COMPRESSIONACTIVE] DEFLATE is already active.');
    expect(out.logout).toBe('a6 OK Logout completed.');
    // What arrived was DEFLATE: far fewer octets on the wire than the text they carried.
    expect(Number(out.plainIn)).toBeGreaterThan(BODY.length);
    expect(Number(out.wireIn)).toBeLessThan(Number(out.plainIn) / 4);
    expect(Number(out.wireOut)).toBeGreaterThan(0);

    // The trace shows both views of the same traffic.
    const events = bridge.world.trace.events.filter(
      (e): e is Extract<TraceEvent, { type: 'bytes' }> => e.type === 'bytes' && e.compressed !== undefined,
    );
    const s2c = events.filter((e) => e.direction === 's2c');
    const c2s = events.filter((e) => e.direction === 'c2s');
    expect(c2s.map((e) => Buffer.from(e.bytes).toString('latin1'))).toEqual([
      'a3 SELECT INBOX\r\n',
      'a4 FETCH 1 BODY[]\r\n',
      'a5 COMPRESS DEFLATE\r\n',
      'a6 LOGOUT\r\n',
    ]);
    expect(s2c.reduce((n, e) => n + e.wireLength, 0)).toBe(out.wireIn);
    expect(s2c.reduce((n, e) => n + e.bytes.length, 0)).toBe(out.plainIn);
  });
});
