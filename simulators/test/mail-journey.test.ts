/**
 * Whole journeys through the default world: MUA → MSA → MTA → MX → MDA,
 * with bounces, retries and fallbacks, checked against the store and the
 * trace (RFC 5321 §5 and §6, RFC 3464, RFC 6409).
 */
import { describe, expect, it } from 'vitest';
import { bytesToLatin1 } from '../core/bytes.ts';
import { hostId } from '../core/ids.ts';
import { Mua } from '../agents/mua.ts';
import { webCryptoDkim } from '../auth/dkim/crypto.ts';
import type { TraceEvent } from '../trace/events.ts';
import { PRESETS } from '../world/presets/index.ts';
import type { ScenarioInput } from '../world/scenario.ts';
import { World } from '../world/world.ts';

const inbox = (world: World, address: string) =>
  world.account(address)!.inbox.messages.map((m) => bytesToLatin1(m.raw));

const agentActions = (world: World, agent: string) =>
  world.trace.events.flatMap((e) =>
    e.type === 'agent' && e.agent === agent ? [`${e.host} ${e.action}`] : [],
  );

function withZone(origin: string, text: string, extra: Partial<ScenarioInput> = {}): ScenarioInput {
  const base = PRESETS.default!;
  return {
    ...base,
    ...extra,
    dns: { ...base.dns, zones: base.dns.zones!.map((z) => (z.origin === origin ? { origin, text } : z)) },
  };
}

describe('the journey of an email', () => {
  it('delivers alice → bob through every hop, with the headers each hop adds', async () => {
    const world = new World(PRESETS.default, { crypto: webCryptoDkim(globalThis.crypto.subtle) });
    const results: unknown[] = [];
    world.send(
      'alice@example.com',
      { to: ['bob@example.net'], subject: 'Lunch?', body: 'Noon at the usual place.\n' },
      (r) => results.push(r),
    );
    await world.settle();
    expect(results).toMatchObject([
      { ok: true, reply: expect.stringMatching(/^250 Ok: queued as [0-9A-F]{10}$/) },
    ]);
    const [message] = inbox(world, 'bob@example.net');
    const header = message!.slice(0, message!.indexOf('\r\n\r\n'));
    expect(
      header
        .split('\r\n')
        .filter((l) => /^[A-Za-z-]+:/.test(l))
        .map((l) => l.slice(0, l.indexOf(':'))),
    ).toEqual([
      'Return-Path',
      'Delivered-To',
      'Received',
      'Authentication-Results',
      'Received-SPF',
      'Received',
      'DKIM-Signature',
      'DKIM-Signature',
      'From',
      'To',
      'Subject',
      'Date',
      'Message-ID',
      'MIME-Version',
      'Content-Type',
      'Content-Transfer-Encoding',
      'User-Agent',
    ]);
    expect(header).toContain('Return-Path: <alice@example.com>');
    // The MX names the relay from reverse DNS, and says TLS was used (RFC 3848).
    expect(header).toMatch(
      /Received: from smtp\.example\.com \(smtp\.example\.com \[192\.0\.2\.25\]\)\r\n\tby mx\.example\.net \(Mailroom\) with ESMTPS id /,
    );
    expect(header).toMatch(
      /Received: from alice-laptop \(alice-laptop\.example\.com \[192\.0\.2\.10\]\)\r\n\tby smtp\.example\.com \(Mailroom\) with ESMTPSA id /,
    );
    expect(message!.endsWith('\r\n\r\nNoon at the usual place.\r\n')).toBe(true);
    // The relay hears 250 only after the MX has queued the message: the MX takes responsibility first.
    expect(agentActions(world, 'mta')).toEqual([
      'smtp.example.com queued',
      'mx.example.net auth',
      'mx.example.net accepted',
      'mx.example.net queued',
      'mx.example.net delivered',
      'mx.example.net removed',
      'smtp.example.com delivered',
      'smtp.example.com removed',
    ]);
  });

  it('submits over STARTTLS and authenticates only once encrypted (RFC 3207, RFC 4954 §4)', () => {
    const world = new World(PRESETS.default);
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'x', body: 'y' });
    world.runUntilIdle();
    const submission = world.trace.events.find(
      (e): e is Extract<TraceEvent, { type: 'conn.connecting' }> =>
        e.type === 'conn.connecting' && e.server.port === 587,
    )!;
    const onIt = world.trace.events.filter((e) => 'conn' in e && e.conn === submission.conn);
    const tlsAt = onIt.findIndex((e) => e.type === 'tls.established');
    const authAt = onIt.findIndex((e) => e.type === 'bytes' && bytesToLatin1(e.bytes).startsWith('AUTH '));
    expect(tlsAt).toBeGreaterThan(0);
    expect(authAt).toBeGreaterThan(tlsAt);
    expect(onIt[authAt]).toMatchObject({ encrypted: true });
    const plain = onIt
      .filter((e) => e.type === 'bytes' && !e.encrypted)
      .map((e) => e.type === 'bytes' && bytesToLatin1(e.bytes));
    expect(plain.join('')).not.toContain('AUTH');
  });

  it('relays with a pipelined MAIL, RCPT, DATA batch (RFC 2920)', () => {
    const world = new World(PRESETS.default);
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'x', body: 'y' });
    world.runUntilIdle();
    const batch = world.trace.events.find(
      (e) =>
        e.type === 'bytes' &&
        e.from === 'smtp.example.com' &&
        bytesToLatin1(e.bytes).startsWith('MAIL FROM:'),
    );
    expect(batch && batch.type === 'bytes' && bytesToLatin1(batch.bytes)).toMatch(
      /^MAIL FROM:<alice@example\.com> SIZE=\d+\r\nRCPT TO:<bob@example\.net>\r\nDATA\r\n$/,
    );
  });

  it('bounces to alice when bob’s server refuses the recipient (RFC 3464)', () => {
    const world = new World(PRESETS.default);
    world.send('alice@example.com', {
      to: ['nobody@example.net'],
      subject: 'Hello?',
      body: 'Anyone there?\n',
    });
    world.runUntilIdle();
    const [bounce] = inbox(world, 'alice@example.com');
    expect(bounce).toContain('Return-Path: <>');
    expect(bounce).toContain('From: MAILER-DAEMON@smtp.example.com (Mail Delivery System)');
    expect(bounce).toContain('Subject: Undelivered Mail Returned to Sender');
    expect(bounce).toContain('Content-Type: multipart/report; report-type=delivery-status;');
    expect(bounce).toContain('Final-Recipient: rfc822; nobody@example.net');
    expect(bounce).toContain('Status: 5.1.1');
    expect(bounce).toContain('Remote-MTA: dns; mx.example.net[198.51.100.25]');
    expect(bounce).toContain('Subject: Hello?');
    expect(inbox(world, 'bob@example.net')).toEqual([]);
  });

  it('retries after a 4xx and delivers later, on the back-off schedule (RFC 5321 §4.5.4.1)', () => {
    const world = new World({
      ...PRESETS.default,
      hosts: PRESETS.default!.hosts.map((h) =>
        h.id === 'mx.example.net' ? { ...h, smtp: { maxRecipients: 1 } } : h,
      ),
      users: [
        ...PRESETS.default!.users!,
        { address: 'carol@example.net', password: 'c', host: 'mx.example.net' },
      ],
    });
    world.send('alice@example.com', {
      to: ['bob@example.net', 'carol@example.net'],
      subject: 'x',
      body: 'y',
    });
    world.runUntilIdle();
    expect(inbox(world, 'bob@example.net')).toHaveLength(1);
    expect(inbox(world, 'carol@example.net')).toHaveLength(1);
    const mta = world.trace.events.filter((e) => e.type === 'agent' && e.host === 'smtp.example.com');
    expect(
      mta.map(
        (e) => e.type === 'agent' && `${e.action}${e.detail['to'] ? ` ${String(e.detail['to'])}` : ''}`,
      ),
    ).toEqual([
      'accepted bob@example.net,carol@example.net',
      'queued bob@example.net,carol@example.net',
      'delivered bob@example.net',
      'deferred carol@example.net',
      'retry scheduled',
      'delivered carol@example.net',
      'removed',
    ]);
    const retried = mta.find(
      (e) => e.type === 'agent' && e.action === 'delivered' && e.detail['to'] === 'carol@example.net',
    )!;
    expect(retried.at).toBeGreaterThan(300_000);
  });

  it('falls back to the next MX when the first one does not answer (RFC 5321 §5.1)', () => {
    const world = new World(
      withZone(
        'example.net',
        `$ORIGIN example.net.\n$TTL 3600\n@ IN SOA ns.example.com. h.example.net. ( 1 3600 900 604800 300 )\n  IN NS ns.example.com.\n  IN MX 10 mx0\n  IN MX 20 mx\nmx0 IN A 198.51.100.24\nmx IN A 198.51.100.25\n`,
        {
          hosts: [
            ...PRESETS.default!.hosts,
            { id: 'mx0.example.net', addresses: ['198.51.100.24'], roles: ['mta'], site: 'example.net' },
          ],
        },
      ),
    );
    world.network.setHostUp(hostId('mx0.example.net'), false);
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'x', body: 'y' });
    world.runUntilIdle();
    expect(inbox(world, 'bob@example.net')).toHaveLength(1);
    const failed = world.trace.events.filter((e) => e.type === 'conn.failed');
    expect(failed).toMatchObject([{ reason: 'timeout' }]);
  });

  it('uses the address record when a domain has no MX (implicit MX, RFC 5321 §5.1)', () => {
    const world = new World(
      withZone(
        'example.net',
        `$ORIGIN example.net.\n$TTL 3600\n@ IN SOA ns.example.com. h.example.net. ( 1 3600 900 604800 300 )\n  IN NS ns.example.com.\n  IN A 198.51.100.25\n`,
      ),
    );
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'x', body: 'y' });
    world.runUntilIdle();
    expect(inbox(world, 'bob@example.net')).toHaveLength(1);
  });

  it('reports a failed login to the user and sends nothing (RFC 4954 §6: 535)', () => {
    const world = new World(PRESETS.default);
    const mua = new Mua(world, world.host('alice-laptop'), {
      address: 'alice@example.com',
      password: 'wrong',
      submissionHost: 'smtp.example.com',
      submissionPort: 587,
    });
    const results: unknown[] = [];
    mua.send({ to: ['bob@example.net'], subject: 'x', body: 'y' }, (r) => results.push(r));
    world.runUntilIdle();
    expect(results).toMatchObject([{ ok: false, reason: expect.stringContaining('535') }]);
    expect(inbox(world, 'bob@example.net')).toEqual([]);
  });

  it('keeps a message that finds nobody home in the queue, then bounces it when it expires', () => {
    const world = new World({
      ...PRESETS.default,
      hosts: PRESETS.default!.hosts.map((h) =>
        h.id === 'smtp.example.com'
          ? { ...h, mta: { minBackoffMs: 60_000, maxBackoffMs: 60_000, maxQueueLifetimeMs: 600_000 } }
          : h,
      ),
    });
    world.network.setHostUp(hostId('mx.example.net'), false);
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'Are you there?', body: 'y' });
    world.runUntilIdle();
    const [bounce] = inbox(world, 'alice@example.com');
    expect(bounce).toContain('Final-Recipient: rfc822; bob@example.net');
    expect(bounce).toContain('message expired');
    expect(world.mailServers.get('smtp.example.com')!.queue.entries).toEqual([]);
  });
});

describe('the MTA queue', () => {
  it('carries several queued messages for one domain over one connection (RFC 5321 §4.1.4)', () => {
    const world = new World(PRESETS.default);
    // Three submissions that reach the queue in the same instant.
    for (let i = 0; i < 3; i++)
      world.send('alice@example.com', { to: ['bob@example.net'], subject: `n${i}`, body: 'x' });
    world.runUntilIdle();
    expect(inbox(world, 'bob@example.net')).toHaveLength(3);
    const relays = world.trace.events.filter(
      (e) => e.type === 'conn.connecting' && e.client.host === 'smtp.example.com' && e.server.port === 25,
    );
    expect(relays).toHaveLength(1);
    const mailFroms = world.trace.events.filter(
      (e) =>
        e.type === 'bytes' && e.from === 'smtp.example.com' && bytesToLatin1(e.bytes).startsWith('MAIL FROM'),
    );
    expect(mailFroms).toHaveLength(3);
  });
});

describe('rate limiting', () => {
  it('answers 421 4.7.0 to a client over its connection rate (Postfix anvil)', () => {
    const world = new World({
      ...PRESETS.default,
      hosts: PRESETS.default!.hosts.map((h) =>
        h.id === 'mx.example.net' ? { ...h, smtp: { connectionRateLimit: 1 } } : h,
      ),
    });
    const greetings: string[] = [];
    for (let i = 0; i < 2; i++)
      world
        .host('bob-laptop')
        .connect(
          { address: '198.51.100.25', port: 25 },
          { data: (bytes) => greetings.push(bytesToLatin1(bytes).trim()) },
        );
    world.runFor(1_000);
    expect(greetings).toEqual([
      '220 mx.example.net ESMTP Mailroom',
      '421 4.7.0 mx.example.net Error: too many connections from 198.51.100.10',
    ]);
  });
});
