/**
 * Bob reads his mail over POP3 in the default world, in the two habits a
 * lesson compares: download-and-delete and download-and-keep (RFC 1939).
 */
import { describe, expect, it } from 'vitest';
import { bytesToLatin1 } from '../core/bytes.ts';
import type { CheckResult } from '../agents/mua.ts';
import { PRESETS } from '../world/presets/index.ts';
import { World } from '../world/world.ts';

function worldWithMail(count: number): World {
  const world = new World(PRESETS.default);
  for (let i = 0; i < count; i++)
    world.send('alice@example.com', { to: ['bob@example.net'], subject: `Note ${i}`, body: `Body ${i}\n` });
  world.runUntilIdle();
  return world;
}

function check(world: World, options: Parameters<World['checkMail']>[1]): CheckResult[] {
  const results: CheckResult[] = [];
  world.checkMail('bob@example.net', options, (r) => results.push(r));
  world.runUntilIdle();
  return results;
}

describe('bob checks his mail over POP3', () => {
  it('downloads and deletes: the maildrop is empty afterwards, the local copy has everything', () => {
    const world = worldWithMail(2);
    expect(check(world, { mode: 'download-and-delete' })).toEqual([
      { ok: true, retrieved: 2, deleted: 2, onServer: 0 },
    ]);
    expect(world.account('bob@example.net')!.inbox.messages).toEqual([]);
    const mua = world.muas.get('bob@example.net')!;
    expect([...mua.local.values()].map((m) => /Subject: (.*)\r\n/.exec(bytesToLatin1(m.bytes))?.[1])).toEqual(
      ['Note 0', 'Note 1'],
    );
    // The session spoke STLS before logging in (RFC 2595), and committed deletions only at QUIT.
    const pop3Bytes = world.trace.events.flatMap((e) =>
      e.type === 'bytes' && e.from === 'bob-laptop' && !e.encrypted ? [bytesToLatin1(e.bytes)] : [],
    );
    expect(pop3Bytes.join('')).toContain('STLS\r\n');
    expect(pop3Bytes.join('')).not.toContain('PASS');
  });

  it('downloads and keeps: a second check fetches only what is new, the server keeps all', () => {
    const world = worldWithMail(2);
    expect(check(world, { mode: 'download-and-keep' })).toEqual([
      { ok: true, retrieved: 2, deleted: 0, onServer: 2 },
    ]);
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'Note 2', body: 'x\n' });
    world.runUntilIdle();
    expect(check(world, { mode: 'download-and-keep' })).toEqual([
      { ok: true, retrieved: 1, deleted: 0, onServer: 3 },
    ]);
    expect(world.account('bob@example.net')!.inbox.messages).toHaveLength(3);
    expect(world.muas.get('bob@example.net')!.local.size).toBe(3);
  });

  it('keeps mail on the server for N days, then deletes it there', () => {
    const world = worldWithMail(1);
    check(world, { mode: 'download-and-keep', deleteAfterMs: 86_400_000 });
    world.runFor(2 * 86_400_000);
    expect(check(world, { mode: 'download-and-keep', deleteAfterMs: 86_400_000 })).toEqual([
      { ok: true, retrieved: 0, deleted: 1, onServer: 0 },
    ]);
    expect(world.muas.get('bob@example.net')!.local.size).toBe(1);
  });

  it('works over implicit TLS on port 995 (RFC 8314)', () => {
    const world = worldWithMail(1);
    expect(check(world, { mode: 'download-and-delete', port: 995 })).toEqual([
      { ok: true, retrieved: 1, deleted: 1, onServer: 0 },
    ]);
  });
});
