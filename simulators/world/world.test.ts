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
