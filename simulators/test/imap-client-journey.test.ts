/**
 * Bob's mail program reads his mail over IMAP in the default world: alice
 * sends, bob's MUA syncs on port 143 (STARTTLS) and 993 (implicit TLS), keeps
 * a local cache by UID, fetches only what is new, and in IDLE hears of new
 * mail without asking (RFC 3501, RFC 2177, RFC 8314).
 */
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import type { ImapSyncResult } from '../agents/mua.ts';
import { PRESETS } from '../world/presets/index.ts';
import { World } from '../world/world.ts';

function worldWithMail(count: number): World {
  const world = new World(PRESETS.default);
  for (let i = 0; i < count; i++)
    world.send('alice@example.com', { to: ['bob@example.net'], subject: `Note ${i}`, body: `Body ${i}\n` });
  world.runUntilIdle();
  return world;
}

function sync(world: World, options: Parameters<World['syncImap']>[1]): ImapSyncResult[] {
  const results: ImapSyncResult[] = [];
  world.syncImap('bob@example.net', options, (r) => results.push(r));
  world.runUntilIdle({ until: world.now + 60_000 });
  return results;
}

const subjects = (world: World) =>
  [...(world.muas.get('bob@example.net')!.imapCache.get('INBOX')?.values() ?? [])].map(
    (m) => /Subject: (.*)\r\n/.exec(bytesToLatin1(m.bytes))?.[1],
  );

/** What bob's laptop said in the clear, and whether the IMAP sessions ended. */
const clearText = (world: World) =>
  world.trace.events
    .flatMap((e) =>
      e.type === 'bytes' && e.from === 'bob-laptop' && !e.encrypted ? [bytesToLatin1(e.bytes)] : [],
    )
    .join('');

const synced = (world: World) =>
  world.trace.events.flatMap((e) => (e.type === 'agent' && e.action === 'imap synced' ? [e.detail] : []));

describe('bob syncs his mail over IMAP', () => {
  it.each([143, 993] as const)('fetches alice’s message on port %i and logs out', (port) => {
    const world = worldWithMail(1);
    expect(sync(world, { port })).toEqual([
      { ok: true, mailbox: 'INBOX', fetched: 1, cached: 1, uidValidity: expect.any(Number) },
    ]);
    expect(subjects(world)).toEqual(['Note 0']);
    // Credentials went only inside TLS: on 143 after STARTTLS (RFC 3501 §6.2.1).
    expect(clearText(world)).toBe(port === 143 ? 'A001 STARTTLS\r\n' : '');
    expect(synced(world)).toEqual([
      { from: 'bob@example.net', mailbox: 'INBOX', fetched: 1, cached: 1, port },
    ]);
    const sessions = world.trace.events.filter((e) => e.type === 'session.start' && e.protocol === 'imap');
    const ended = world.trace.events.filter((e) => e.type === 'session.end');
    expect(sessions).toHaveLength(2);
    expect(ended.length).toBeGreaterThanOrEqual(2);
    // BODY.PEEK[] leaves the message unread on the server.
    expect([...world.account('bob@example.net')!.inbox.messages[0]!.flags]).toEqual([]);
  });

  it('fetches only what is new on the next sync, keeping the cache by UID', () => {
    const world = worldWithMail(2);
    expect(sync(world, {})).toMatchObject([{ ok: true, fetched: 2, cached: 2 }]);
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'Note 2', body: 'x\n' });
    world.runUntilIdle();
    expect(sync(world, { port: 993 })).toMatchObject([{ ok: true, fetched: 1, cached: 3 }]);
    expect(sync(world, {})).toMatchObject([{ ok: true, fetched: 0, cached: 3 }]);
    expect(subjects(world)).toEqual(['Note 0', 'Note 1', 'Note 2']);
  });

  it('refetches everything when UIDVALIDITY changes (RFC 3501 §2.3.1.1)', () => {
    const world = worldWithMail(0);
    const bob = world.account('bob@example.net')!;
    const fill = () => {
      const work = bob.createMailbox('Work')!;
      for (const text of ['Subject: a\r\n\r\na\r\n', 'Subject: b\r\n\r\nb\r\n'])
        work.append(latin1Bytes(text), { internalDate: world.wallClock() });
      return work.uidValidity;
    };
    const before = fill();
    expect(sync(world, { mailbox: 'Work' })).toEqual([
      { ok: true, mailbox: 'Work', fetched: 2, cached: 2, uidValidity: before },
    ]);
    // The mailbox is recreated: the same UIDs now name other messages, so the cache is void.
    bob.deleteMailbox('Work');
    const after = fill();
    expect(after).not.toBe(before);
    expect(sync(world, { mailbox: 'Work' })).toEqual([
      { ok: true, mailbox: 'Work', fetched: 2, cached: 2, uidValidity: after },
    ]);
  });

  it('stays in IDLE and fetches a later message without bob asking (RFC 2177)', () => {
    const world = worldWithMail(1);
    expect(sync(world, { idle: true })).toMatchObject([{ ok: true, fetched: 1 }]);
    expect(subjects(world)).toEqual(['Note 0']);
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'Later', body: 'x\n' });
    world.runUntilIdle({ until: world.now + 60_000 });
    expect(subjects(world)).toEqual(['Note 0', 'Later']);
    expect(synced(world).map((d) => d.fetched)).toEqual([1, 1]);
    // Half an hour on, IDLE has been renewed and the server has not logged bob out.
    world.runFor(45 * 60_000);
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'Much later', body: 'y\n' });
    world.runUntilIdle({ until: world.now + 60_000 });
    expect(subjects(world)).toEqual(['Note 0', 'Later', 'Much later']);
    world.muas.get('bob@example.net')!.stopImap();
    world.runUntilIdle({ until: world.now + 60_000 });
    const imapStates = world.trace.events.flatMap((e) =>
      e.type === 'session.state' && /^(idling|loggingOut|closed)/.test(e.state) ? [e.state] : [],
    );
    expect(imapStates.at(-1)).toBe('closed');
    expect(imapStates).toContain('loggingOut');
  });

  it('reports a failure it cannot get past', () => {
    const world = worldWithMail(0);
    expect(sync(world, { mailbox: 'Nowhere' })).toEqual([
      { ok: false, reason: "SELECT refused (NO [NONEXISTENT] Mailbox doesn't exist: Nowhere)" },
    ]);
  });
});
