import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  latin1Bytes,
  PRESETS,
  World,
  type ConnId,
  type HostId,
  type Port,
  type TraceEvent,
  type VirtualMs,
} from '../../../simulators/index.ts';
import { latencyLookup } from './dns-flights.ts';
import { hopOf, LABEL_CHARS, writeText } from './journey-labels.ts';
import { envelopeName, HOLD_MS, JourneyIndex, MAX_LABELS, statusText } from './journey.ts';
import { layoutMap } from './map-layout.ts';

/** The default world's journey: alice → bob, then bob syncs over IMAP; no crypto, so no DKIM. */
function defaultJourney(): { world: World; events: readonly TraceEvent[] } {
  const world = new World(PRESETS.default!);
  world.send('alice@example.com', { to: ['bob@example.net'], subject: 'Hi', body: 'Hello Bob\n' });
  world.runUntilIdle();
  world.syncImap('bob@example.net');
  world.runUntilIdle();
  return { world, events: world.trace.events.slice() };
}

const { world, events } = defaultJourney();
const links = world.network.links.map((l) => ({ a: l.a, b: l.b, latencyMs: l.latencyMs, up: true }));
const layout = layoutMap({ hosts: world.network.hosts, links, info: world.scenario.hosts });
const latency = latencyLookup(links, world.scenario.network.defaultLatencyMs);

/** The trace as the app has it at `now`: every event up to and including that instant. */
const upTo = (now: number) => events.filter((e) => e.at <= now);
/** A fresh index's frame at `now`. */
function frameAt(now: number, options = {}) {
  const index = new JourneyIndex(latency);
  index.update(upTo(now));
  return index.frame(now, layout, options);
}
/** When the first event matching `test` happened. */
const when = (test: (e: TraceEvent) => boolean) => events.find(test)!.at;
const bytesText = (e: TraceEvent) => (e.type === 'bytes' ? new TextDecoder().decode(e.bytes) : '');

describe('JourneyIndex: envelopes', () => {
  it('sends alice’s EHLO from her laptop to the submission server over the link’s 5 ms', () => {
    const sent = when((e) => bytesText(e).startsWith('EHLO alice-laptop'));
    const frame = frameAt(sent + 2.5);
    const ehlo = frame.envelopes.find((e) => e.text === 'EHLO alice-laptop')!;
    expect(ehlo).toMatchObject({
      writer: 'client',
      from: 'alice-laptop',
      to: 'smtp.example.com',
      hop: 'submission',
      protocol: 'SMTP',
      port: 587,
      label: 'SMTP 587 · EHLO alice-laptop',
      encrypted: false,
      moving: true,
    });
    // Halfway between the two boxes' edges, pushed to the client side of the line.
    const alice = layout.hosts.find((h) => h.id === 'alice-laptop')!;
    const smtp = layout.hosts.find((h) => h.id === 'smtp.example.com')!;
    expect(ehlo.x).toBeCloseTo((alice.x + smtp.x) / 2, 0);
    expect(ehlo.y).not.toBe(alice.y);
    // The greeting it answers has been superseded: only the newest exchange of a connection stays.
    expect(frame.envelopes.filter((e) => e.conn === ehlo.conn)).toHaveLength(1);
    expect(envelopeName(ehlo, 'submission, MUA to MSA')).toBe(
      'SMTP from alice-laptop to smtp.example.com: EHLO alice-laptop (port 587, submission, MUA to MSA, plain text, in flight)',
    );
    expect(frame.activeRoles.get('alice-laptop')).toEqual(new Set(['mua']));
    expect(frame.activeRoles.get('smtp.example.com')).toEqual(new Set(['msa']));
  });

  it('puts replies on the other side of the line from commands, in another shape', () => {
    const sent = when((e) => bytesText(e).startsWith('250-smtp.example.com'));
    const reply = frameAt(sent + 2.5).envelopes.find((e) => e.writer === 'server')!;
    expect(reply.label).toBe('SMTP 587 · 250-smtp.example.com +7 lines');
    const command = frameAt(when((e) => bytesText(e).startsWith('EHLO')) + 2.5).envelopes[0]!;
    // Opposite normals: one above the line, one below.
    expect(Math.sign(reply.ny)).toBe(-Math.sign(command.ny));
  });

  it('holds the last write of an open connection at its receiver, and drops it when the connection closes', () => {
    // The server has not answered yet: alice's EHLO waits at smtp.example.com.
    const sent = when((e) => bytesText(e).startsWith('EHLO alice-laptop'));
    const index = new JourneyIndex(latency);
    index.update(upTo(sent));
    const held = index.frame(sent + 50, layout).envelopes;
    expect(held).toMatchObject([{ text: 'EHLO alice-laptop', moving: false, to: 'smtp.example.com' }]);
    expect(index.frame(sent + 5 + HOLD_MS, layout).envelopes).toEqual([]);
    const closed = when((e) => e.type === 'conn.closed');
    expect(frameAt(closed + 1).envelopes.filter((e) => e.hop === 'submission')).toEqual([]);
  });

  it('labels the relay on port 25 and the message after 354 by its size', () => {
    const data = events.find((e) => e.type === 'bytes' && bytesText(e).startsWith('Received:'))!;
    const frame = frameAt(data.at + 20);
    const message = frame.envelopes.find((e) => e.hop === 'relay' && e.writer === 'client')!;
    expect(message.label).toMatch(/^SMTP 25 · message, [\d,]+ bytes$/);
    expect(message).toMatchObject({ from: 'smtp.example.com', to: 'mx.example.net', encrypted: true });
    expect(frame.activeRoles.get('mx.example.net')).toEqual(new Set(['mta']));
  });

  it('shows the TLS handshake flights as envelopes', () => {
    const hello = when((e) => e.type === 'tls.handshake');
    expect(frameAt(hello + 1).envelopes[0]!.label).toBe('TLS · ClientHello');
  });

  it('shows bob’s IMAP commands on the retrieval hop, with the IMAP badge at work', () => {
    const select = when((e) => bytesText(e).includes('SELECT INBOX'));
    const frame = frameAt(select + 1);
    expect(frame.envelopes[0]).toMatchObject({ hop: 'retrieval', label: 'IMAP 143 · A004 SELECT INBOX' });
    expect(frame.activeRoles.get('mx.example.net')?.has('imap')).toBe(true);
    expect(frame.activeRoles.get('bob-laptop')).toEqual(new Set(['mua']));
  });

  it('shows arrivals at the receiving end under reduced motion', () => {
    const sent = when((e) => bytesText(e).startsWith('EHLO alice-laptop'));
    const still = frameAt(sent, { reducedMotion: true }).envelopes[0]!;
    const arrived = frameAt(sent + 4.9).envelopes[0]!;
    expect(still.moving).toBe(true);
    expect(Math.abs(still.x - arrived.x)).toBeLessThan(2);
  });
});

describe('JourneyIndex: locks', () => {
  it('shows an open padlock while the submission is plain text and a lock once TLS is up', () => {
    const established = when((e) => e.type === 'tls.established');
    const lockOf = (now: number) => frameAt(now).locks.find((l) => l.a === 'alice-laptop');
    expect(lockOf(established - 1)).toMatchObject({ b: 'smtp.example.com', plain: 1, encrypted: 0 });
    expect(lockOf(established)).toMatchObject({ plain: 0, encrypted: 1 });
    expect(lockOf(when((e) => e.type === 'conn.closed'))).toBeUndefined();
  });
});

describe('JourneyIndex: queues', () => {
  it('counts the relay’s queue and flashes the MDA’s delivery into bob’s mailbox', () => {
    const queued = when((e) => e.type === 'agent' && e.action === 'queued');
    expect(frameAt(queued).status.get('smtp.example.com')).toMatchObject({ queued: 1, retrying: 0 });
    const stored = when(
      (e) => e.type === 'agent' && e.action === 'delivered' && String(e.detail['how']).startsWith('local'),
    );
    const frame = frameAt(stored + 10);
    expect(frame.status.get('mx.example.net')!.flash).toEqual({ kind: 'delivered', count: 1 });
    expect(statusText(frame.status.get('mx.example.net'))).toBe('just delivered to a mailbox');
    expect(frame.activeRoles.get('mx.example.net')?.has('mda')).toBe(true);
    expect(frameAt(stored + 10).status.get('smtp.example.com')!.queued).toBe(1);
    expect(
      frameAt(
        when((e) => e.type === 'agent' && e.action === 'removed' && e.host === 'smtp.example.com'),
      ).status.get('smtp.example.com')!.queued,
    ).toBe(0);
  });

  it('counts a deferred message as retrying until it leaves the queue', () => {
    const agent = (action: string, at: number, seq: number): TraceEvent => ({
      type: 'agent',
      host: 'smtp.example.com' as HostId,
      agent: 'mta',
      action,
      detail: { id: 'Q1' },
      seq,
      at: at as VirtualMs,
    });
    const index = new JourneyIndex(latency);
    const trace = [agent('queued', 0, 0), agent('retry scheduled', 10, 1)];
    index.update(trace);
    expect(statusText(index.frame(10, layout).status.get('smtp.example.com'))).toBe('1 retrying');
    index.update([...trace, agent('failed', 20, 2), agent('removed', 20, 3)]);
    expect(statusText(index.frame(20, layout).status.get('smtp.example.com'))).toBe('just bounced');
  });
});

describe('JourneyIndex: incremental reading', () => {
  it('gives the same frames read event by event as read at once', () => {
    const incremental = new JourneyIndex(latency);
    const times = [...new Set(events.map((e) => e.at))];
    for (const now of times) {
      incremental.update(upTo(now));
      const a = incremental.frame(now, layout);
      const b = frameAt(now);
      expect(a.envelopes).toEqual(b.envelopes);
      expect(a.locks).toEqual(b.locks);
      expect(a.status).toEqual(b.status);
    }
  });

  it('starts over for a new world (epoch), and when time goes back', () => {
    const index = new JourneyIndex(latency);
    index.update(events, 1);
    expect(index.frame(events.at(-1)!.at + HOLD_MS + 1, layout).envelopes).toEqual([]);
    index.update(upTo(100), 2);
    expect(index.frame(100, layout)).toEqual(frameAt(100));
    // Back to 95 ms with the same trace: the same frame a fresh index gives.
    const fresh = new JourneyIndex(latency);
    fresh.update(upTo(100));
    expect(index.frame(95, layout)).toEqual(fresh.frame(95, layout));
  });

  it('labels at most MAX_LABELS envelopes, one per lane', () => {
    // Many connections at once on the submission link: one label per lane, the rest bare.
    const trace: TraceEvent[] = [];
    let seq = 0;
    for (const e of events.filter((x) => x.type === 'port.listen')) trace.push({ ...e, seq: seq++ });
    for (let i = 0; i < 40; i++) {
      const conn = `c${i}` as ConnId;
      trace.push({
        type: 'conn.connecting',
        conn,
        client: { host: 'alice-laptop' as HostId, address: '192.0.2.10', port: (50_000 + i) as Port },
        server: {
          host: (i % 2 ? 'smtp.example.com' : 'mx.example.net') as HostId,
          address: '',
          port: 587 as Port,
        },
        seq: seq++,
        at: 0 as VirtualMs,
      });
      trace.push({
        type: 'bytes',
        conn,
        direction: 'c2s',
        from: 'alice-laptop' as HostId,
        bytes: latin1Bytes(`EHLO n${i}\r\n`),
        encrypted: false,
        wireLength: 9,
        seq: seq++,
        at: 0 as VirtualMs,
      });
    }
    const index = new JourneyIndex(latency);
    index.update(trace);
    const frame = index.frame(1, layout);
    expect(frame.envelopes).toHaveLength(40);
    expect(frame.envelopes.filter((e) => e.label !== undefined).map((e) => e.text)).toEqual([
      'EHLO n39',
      'EHLO n38',
    ]);
    expect(frame.unlabelled).toBe(38);
    expect(MAX_LABELS).toBeGreaterThanOrEqual(2);
  });
});

describe('writeText', () => {
  it.each([
    ['EHLO alice-laptop\r\n', 'EHLO alice-laptop'],
    [
      'MAIL FROM:<alice@example.com> SIZE=270\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n',
      'MAIL FROM:<alice@example.com> SIZ… +2 lines',
    ],
    ['\r\n', '(empty line)'],
    ['\x16\x03\x01hello\r\n', '···hello'],
  ])('%j reads %j', (wire, text) => {
    expect(writeText(latin1Bytes(wire))).toBe(text);
  });

  it('names the message by its size', () => {
    expect(writeText(latin1Bytes('From: a\r\n\r\nhi\r\n.\r\n'), true)).toBe('message, 18 bytes');
  });

  it('always gives one short printable line, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const text = writeText(bytes);
        expect([...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)).toBe(false);
        expect(text.length).toBeLessThanOrEqual(LABEL_CHARS + ' +999 lines'.length);
      }),
    );
  });
});

describe('hopOf', () => {
  it.each([
    ['submission', 'submission', 'SMTP'],
    ['submissions', 'submission', 'SMTP'],
    ['smtp', 'relay', 'SMTP'],
    ['imaps', 'retrieval', 'IMAP'],
    ['pop3', 'retrieval', 'POP3'],
    [undefined, 'other', 'TCP'],
  ])('%s is the %s hop over %s', (service, hop, protocol) => {
    expect(hopOf(service)).toEqual({ hop, protocol });
  });
});
