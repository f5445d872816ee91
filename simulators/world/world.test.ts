import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/events.ts';
import { PRESETS } from './presets/index.ts';
import { RESOLVER_TIMEOUT_MS } from './dns-service.ts';
import { World } from './world.ts';

/** A trace as comparable data (bytes as text). */
function snapshot(events: readonly TraceEvent[]): unknown[] {
  return events.map((e) => ('bytes' in e ? { ...e, bytes: Array.from(e.bytes).join(',') } : e));
}

function busyRun(world: World): void {
  world.send('alice@example.com', { to: ['bob@example.net'], subject: 'Hi', body: 'Hello Bob\n' });
  world.lookup('bob-laptop', { name: 'example.net', type: 'MX' }, 'test', () => {});
  world.runUntilIdle();
}

describe('World', () => {
  it('builds the default world: hosts, links, listening mail ports, zones', () => {
    const world = new World(PRESETS.default);
    expect(world.network.hosts.map((h) => [h.id, h.addresses])).toEqual([
      ['alice-laptop', ['192.0.2.10']],
      ['smtp.example.com', ['192.0.2.25']],
      ['mx.example.net', ['198.51.100.25']],
      ['bob-laptop', ['198.51.100.10']],
      ['ns', ['203.0.113.53']],
    ]);
    expect(world.host('smtp.example.com').services.map((s) => `${s.port}/${s.service}`)).toEqual([
      '25/smtp',
      '587/submission',
      '465/submissions',
    ]);
    expect(
      [...world.zoneReports.values()].flatMap((r) => r.diagnostics.filter((d) => d.severity === 'error')),
    ).toEqual([]);
  });

  it('gives the same trace for the same scenario and seed, and a different one for another seed', () => {
    const a = new World(PRESETS.default, { seed: 7 });
    const b = new World(PRESETS.default, { seed: 7 });
    const c = new World(
      { ...PRESETS.default, network: { defaultLatencyMs: 20, defaultJitterMs: 5 } },
      { seed: 8 },
    );
    busyRun(a);
    busyRun(b);
    busyRun(c);
    expect(a.trace.length).toBeGreaterThan(50);
    expect(snapshot(b.trace.events)).toEqual(snapshot(a.trace.events));
    expect(snapshot(c.trace.events)).not.toEqual(snapshot(a.trace.events));
  });

  it('answers DNS after the round trip to the name server, and traces query and answer', () => {
    const world = new World(PRESETS.default);
    const answers: unknown[] = [];
    world.lookup('mx.example.net', { name: 'example.net', type: 'MX' }, 'MX lookup', (a) => answers.push(a));
    world.lookup('mx.example.net', { name: 'nowhere.example.net', type: 'A' }, 'test', (a) =>
      answers.push(a.rcode),
    );
    world.runUntilIdle();
    expect(answers).toEqual([
      {
        rcode: 'NOERROR',
        answers: [
          {
            name: 'example.net',
            ttl: 3600,
            class: 'IN',
            type: 'MX',
            preference: 10,
            exchange: 'mx.example.net',
          },
        ],
      },
      'NXDOMAIN',
    ]);
    const dns = world.trace.events.filter((e) => e.type === 'dns.query' || e.type === 'dns.answer');
    expect(dns.map((e) => [e.type, e.at])).toEqual([
      ['dns.query', 0],
      ['dns.query', 0],
      ['dns.answer', 30],
      ['dns.answer', 30],
    ]);
  });

  it('times a lookup out when the name server cannot be reached or a timeout is injected', () => {
    const world = new World(PRESETS.default);
    const seen: string[] = [];
    world.resolver.fail('example.net', 'timeout');
    world.lookup('mx.example.net', { name: 'example.net', type: 'MX' }, 'test', (a) =>
      seen.push(`${world.now} ${a.rcode}`),
    );
    world.runUntilIdle();
    world.network.setHostUp(world.host('ns').id, false);
    const start = world.now;
    world.lookup('mx.example.net', { name: 'example.com', type: 'MX' }, 'test', (a) =>
      seen.push(`${world.now - start} ${a.rcode}`),
    );
    world.runUntilIdle();
    expect(seen).toEqual([`${RESOLVER_TIMEOUT_MS} TIMEOUT`, `${RESOLVER_TIMEOUT_MS} TIMEOUT`]);
  });

  it('applies an edited zone and reports its diagnostics with line numbers', () => {
    const world = new World(PRESETS.default);
    const report = world.applyZone(
      'example.net',
      '$TTL 300\n@ IN MX 5 mx2.example.net.\nbad IN A 999.1.1.1\n',
    );
    expect(report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line)).toEqual([3]);
    expect(world.zones.query({ name: 'example.net', type: 'MX' }).answers).toMatchObject([
      { type: 'MX', preference: 5, exchange: 'mx2.example.net' },
    ]);
  });

  it('reloads an edited zone while running, and notes it in the trace at the name server', () => {
    const world = new World(PRESETS.default);
    const report = world.reloadZone(
      'example.net',
      '$TTL 300\n@ IN MX 5 mx2.example.net.\nbad IN A 999.1.1.1\n',
    );
    expect(report.records).toBe(1);
    expect(world.trace.events.at(-1)).toMatchObject({
      type: 'note',
      host: 'ns',
      text: 'ns reloaded zone example.net: 1 record, 1 line with errors left out',
    });
  });

  it('applies the ;@timeout / ;@servfail pragmas of scenario zones, and drops them when a zone is re-applied', () => {
    const base = PRESETS.default!;
    const text = [base.dns?.zones?.find((z) => z.origin === 'example.net')?.text ?? []].flat().join('\n');
    const zones = (base.dns?.zones ?? []).map((z) =>
      z.origin === 'example.net' ? { ...z, text: `${text}\n;@timeout example.net. MX\n` } : z,
    );
    const world = new World({ ...base, dns: { ...base.dns, zones } });
    const ask = (type: 'MX' | 'TXT') => world.resolver.resolve({ name: 'example.net', type }).rcode;
    expect([ask('MX'), ask('TXT')]).toEqual(['TIMEOUT', 'NOERROR']);
    world.applyZone('example.net', `${text}\n;@timeout example.net. MX\n;@servfail example.net.\n`);
    expect([ask('MX'), ask('TXT')]).toEqual(['TIMEOUT', 'SERVFAIL']);
    world.applyZone('example.net', text);
    expect([ask('MX'), ask('TXT')]).toEqual(['NOERROR', 'NOERROR']);
  });
});

describe('DnsService caching', () => {
  it('answers a repeated question at once from the cache when caching is on, until the TTL runs out', () => {
    const world = new World(PRESETS.default);
    world.dns.caching = true;
    const times: number[] = [];
    const ask = () => {
      const start = world.now;
      world.lookup('mx.example.net', { name: 'example.net', type: 'MX' }, 'test', () =>
        times.push(world.now - start),
      );
      world.runUntilIdle();
    };
    ask();
    ask();
    world.runFor(3_600_000);
    ask();
    expect(times).toEqual([30, 0, 30]);
    expect(
      world.trace.events
        .filter((e) => e.type === 'dns.query')
        .map((e) => e.type === 'dns.query' && e.purpose),
    ).toEqual(['test', 'test (cached)', 'test']);
  });
});

describe('World.setZoneText', () => {
  const txt = (world: World, name: string) => {
    let found: string[] = [];
    world.lookup('mx.example.net', { name, type: 'TXT' }, 'test', (a) => {
      found = a.answers.flatMap((rr) => (rr.type === 'TXT' ? [rr.strings.join('')] : []));
    });
    world.runUntilIdle();
    return found;
  };

  it('replaces the zone the text names by $ORIGIN, live: the next query sees it', () => {
    const world = new World(PRESETS.default);
    const text = (PRESETS.default!.dns.zones![0]!.text as string).replace('ip4:192.0.2.25', 'ip4:192.0.2.26');
    expect(txt(world, 'example.com')).toEqual(['v=spf1 ip4:192.0.2.25 -all']);
    const report = world.setZoneText(text);
    expect(report.origin).toMatch(/^example\.com\.?$/);
    expect(report.diagnostics).toEqual([]);
    expect(txt(world, 'example.com')).toEqual(['v=spf1 ip4:192.0.2.26 -all']);
    // The other zones are untouched.
    expect(txt(world, 'example.net')).toEqual(['v=spf1 mx -all']);
  });

  it('names the zone by its SOA owner without $ORIGIN, and refuses a text that names none', () => {
    const world = new World(PRESETS.default);
    world.setZoneText(
      'example.net. 3600 IN SOA ns.example.com. h.example.net. 1 3600 900 604800 300\n' +
        'example.net. 3600 IN TXT "v=spf1 -all"\n',
    );
    expect(txt(world, 'example.net')).toEqual(['v=spf1 -all']);
    expect(world.setZoneText('www IN A 192.0.2.1\n')).toMatchObject({
      origin: '',
      diagnostics: [{ severity: 'error', code: 'no-origin' }],
    });
    expect(txt(world, 'example.com')).toEqual(['v=spf1 ip4:192.0.2.25 -all']);
  });
});

describe('World.sendDirect', () => {
  it('sends from any host straight to the MX, with the envelope and From: given, and reports each recipient', () => {
    const world = new World({
      ...PRESETS.default,
      hosts: [...PRESETS.default!.hosts, { id: 'bulk', addresses: ['203.0.113.70'] }],
    });
    const results: unknown[] = [];
    const id = world.sendDirect(
      'bulk',
      {
        mailFrom: 'news@example.org',
        from: 'News <news@example.org>',
        to: ['bob@example.net', 'nobody@example.net'],
        subject: 'Hello',
        body: 'Hi\n',
      },
      (r) => results.push(r),
    );
    world.runUntilIdle();
    expect(id).toMatch(/^<[0-9a-f]{16}@bulk>$/);
    expect(results).toEqual([
      [
        { address: 'bob@example.net', ok: true, reply: expect.stringMatching(/^250 2\.0\.0 Ok: queued as /) },
        { address: 'nobody@example.net', ok: false, reply: expect.stringMatching(/^550 5\.1\.1 /) },
      ],
    ]);
    const [stored] = world.account('bob@example.net')!.inbox.messages;
    const text = new TextDecoder().decode(stored!.raw);
    expect(text).toContain('Return-Path: <news@example.org>');
    expect(text).toContain(`From: News <news@example.org>\r\nTo: bob@example.net, nobody@example.net\r\n`);
    expect(text).toContain(`Message-ID: ${id}\r\n\r\nHi\r\n`);
    // A second message gets a Message-ID of its own.
    expect(
      world.sendDirect('bulk', { mailFrom: '', from: 'x@y', to: ['bob@example.net'], subject: '', body: '' }),
    ).not.toBe(id);
  });
});

describe('forwarders and lists', () => {
  it('forwards an alias with the envelope sender kept, and posts to a list from its bounce address', () => {
    const base = PRESETS.default!;
    const world = new World({
      ...base,
      hosts: [
        ...base.hosts,
        {
          id: 'relay.example.org',
          addresses: ['203.0.113.30'],
          roles: ['mta', 'forwarder', 'list'],
          aliases: [{ address: 'bob@example.org', to: ['bob@example.net'] }],
          lists: [
            { address: 'all@example.org', members: ['bob@example.net', 'alice@example.com'], footer: 'bye' },
          ],
        },
      ],
      dns: {
        ...base.dns,
        // p=none: without DKIM (no crypto here) the second hop fails SPF, which p=reject would refuse.
        zones: [
          ...base.dns.zones!.map((z) =>
            z.origin === 'example.com' ? { ...z, text: (z.text as string).replace('p=reject', 'p=none') } : z,
          ),
          {
            origin: 'example.org',
            text: '$ORIGIN example.org.\n@ 3600 IN SOA ns.example.com. h. 1 3600 900 604800 300\n@ 3600 IN MX 10 relay\nrelay 3600 IN A 203.0.113.30\n',
          },
        ],
      },
    });
    world.send('alice@example.com', { to: ['bob@example.org'], subject: 'Forwarded', body: 'one\n' });
    world.send('alice@example.com', { to: ['all@example.org'], subject: 'Listed', body: 'two\n' });
    world.runUntilIdle();
    const received = (address: string) =>
      world.account(address)!.inbox.messages.map((m) => new TextDecoder().decode(m.raw));
    const bob = received('bob@example.net');
    expect(bob).toHaveLength(2);
    const forwarded = bob.find((m) => m.includes('Subject: Forwarded'))!;
    const listed = bob.find((m) => m.includes('Subject: Listed'))!;
    expect(forwarded).toMatch(/^Return-Path: <alice@example\.com>\r\n/);
    expect(listed).toMatch(/^Return-Path: <all-bounces@example\.org>\r\n/);
    expect(listed).toContain('List-Id: <all.example.org>');
    expect(listed.endsWith('two\r\nbye\r\n')).toBe(true);
    expect(received('alice@example.com').some((m) => m.includes('Subject: Listed'))).toBe(true);
    expect(
      world.trace.events.flatMap((e) =>
        e.type === 'agent' && e.host === 'relay.example.org' && e.action === 'delivered'
          ? [e.detail['how']]
          : [],
      ),
    ).toEqual([
      'forwarded to bob@example.net',
      "posted to the list's members (2)",
      // Then the relays of both copies, to mx.example.net and to smtp.example.com.
      expect.stringMatching(/^mx\.example\.net\[198\.51\.100\.25\] said: 250 /),
      expect.stringMatching(/^mx\.example\.net\[198\.51\.100\.25\] said: 250 /),
      expect.stringMatching(/^smtp\.example\.com\[192\.0\.2\.25\] said: 250 /),
    ]);
  });
});
