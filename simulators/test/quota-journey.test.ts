/**
 * A mailbox quota from the scenario (RFC 9208) seen end to end: the MX
 * refuses a recipient whose mailbox is full with `452 4.2.2` at RCPT, the
 * sending MTA keeps the message and retries (RFC 5321 §4.5.4.1), and once
 * space is freed the retry delivers.
 */
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import { deliverLocal } from '../agents/mda.ts';
import { MailStore } from '../store/mail-store.ts';
import { PRESETS } from '../world/presets/index.ts';
import type { ScenarioInput } from '../world/scenario.ts';
import { World } from '../world/world.ts';

const base = PRESETS.default!;
const withBobQuota = (quota: { storageKiB?: number; messages?: number }): ScenarioInput => ({
  ...base,
  users: base.users!.map((u) => (u.address === 'bob@example.net' ? { ...u, quota } : u)),
});

const mtaActions = (world: World) =>
  world.trace.events.flatMap((e) =>
    e.type === 'agent' && e.host === 'smtp.example.com' && e.agent === 'mta'
      ? [`${e.action}${e.detail['status'] ? ` ${String(e.detail['status'])}` : ''}`]
      : [],
  );

describe('a full mailbox (RFC 9208 quota, RFC 3463 X.2.2)', () => {
  it('is refused at RCPT with 452 4.2.2, and the sender’s MTA delivers once space is freed', () => {
    const world = new World(withBobQuota({ messages: 1 }));
    const bob = world.account('bob@example.net')!;
    expect(bob.quota).toEqual({ messages: 1 });
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'one', body: 'first\n' });
    world.runUntilIdle({ until: 60_000 });
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'two', body: 'second\n' });
    world.runUntilIdle({ until: 120_000 });
    expect(bob.inbox.messages).toHaveLength(1);
    const refusal = world.trace.events.find(
      (e) => e.type === 'agent' && e.action === 'deferred' && e.host === 'smtp.example.com',
    );
    expect(refusal?.type === 'agent' && refusal.detail['reason']).toBe(
      '452 4.2.2 <bob@example.net>: Recipient address rejected: Mailbox full',
    );
    // Bob reads and deletes the first message; the retry (5 minutes on) gets through.
    bob.inbox.expunge([1]);
    world.runUntilIdle();
    expect(bob.inbox.messages.map((m) => bytesToLatin1(m.raw).includes('Subject: two'))).toEqual([true]);
    expect(mtaActions(world)).toEqual([
      'queued',
      'delivered',
      'removed',
      'queued',
      'deferred 4.2.2',
      'retry scheduled',
      'delivered',
      'removed',
    ]);
  });

  it('makes local delivery a temporary failure, storing nothing (the MDA, RFC 3463 §3.3)', () => {
    const store = new MailStore();
    const account = store.createAccount('bob@example.net', 'pw');
    account.quota = { storageKiB: 1 };
    const delivery = { mailFrom: 'alice@example.com', recipient: 'bob@example.net', now: 0 };
    expect(deliverLocal(store, { ...delivery, data: latin1Bytes('x'.repeat(900)) }).ok).toBe(true);
    expect(deliverLocal(store, { ...delivery, data: latin1Bytes('y'.repeat(900)) })).toEqual({
      ok: false,
      temporary: true,
      reason: 'mailbox of bob@example.net is full (STORAGE quota exceeded)',
    });
    expect(account.messageCount).toBe(1);
  });
});
