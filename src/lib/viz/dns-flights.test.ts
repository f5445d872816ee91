import { describe, expect, it } from 'vitest';
import { parseScenario, type HostId, type TraceEvent, type VirtualMs } from '../../../simulators/index.ts';
import { dnsFlights, latencyLookup } from './dns-flights.ts';
import { TWO_SITES } from './fixtures.ts';
import { layoutMap } from './map-layout.ts';

const scenario = parseScenario(TWO_SITES);
const links = scenario.links.map((l) => ({
  a: l.between[0],
  b: l.between[1],
  latencyMs: l.latencyMs,
  up: true,
}));
const layout = layoutMap({
  hosts: scenario.hosts.map((h) => ({ id: h.id, addresses: h.addresses, isUp: true })),
  links,
  info: scenario.hosts,
});
const latency = latencyLookup(links, scenario.network.defaultLatencyMs);

const query = (id: number, from: string, at: number): TraceEvent => ({
  type: 'dns.query',
  id,
  from: from as HostId,
  server: 'ns' as HostId,
  query: { name: 'example.net', type: 'MX' },
  purpose: 'test',
  seq: id * 2,
  at: at as VirtualMs,
});
const answer = (id: number, at: number): TraceEvent => ({
  type: 'dns.answer',
  id,
  query: { name: 'example.net', type: 'MX' },
  answer: { rcode: 'NOERROR', answers: [] },
  seq: id * 2 + 1,
  at: at as VirtualMs,
});

// mx.example.net's box is centred at (765.5, 238), ns's at (550, 68); boxes are 170 × 96.
describe('dnsFlights', () => {
  it('moves a query from the asking host to the name server over the link latency, then the answer back', () => {
    const trace = [query(1, 'mx.example.net', 0)];
    const at = (now: number) =>
      dnsFlights(trace, now, layout, latency).map((f) => [f.leg, f.x, f.y, f.label]);
    expect([at(0), at(7.5), at(15), at(22.5), at(40)]).toEqual([
      [['query', 704.7, 190, 'MX example.net?']],
      [['query', 657.8, 153, 'MX example.net?']],
      [['answer', 610.8, 116, 'answer: MX example.net']],
      [['answer', 657.8, 153, 'answer: MX example.net']],
      [['waiting', 704.7, 190, 'MX example.net?']],
    ]);
  });

  it('forgets a query once its answer is in the trace', () => {
    const trace = [query(1, 'mx.example.net', 0), query(2, 'smtp.example.com', 5), answer(1, 30)];
    expect(dnsFlights(trace, 30, layout, latency).map((f) => [f.id, f.from, f.leg])).toEqual([
      [2, 'smtp.example.com', 'answer'],
    ]);
  });

  it('gives a static marker half-way for reduced motion', () => {
    const [flight] = dnsFlights([query(1, 'mx.example.net', 0)], 3, layout, latency);
    expect([flight?.midX, flight?.midY]).toEqual([657.8, 153]);
  });

  it('uses the default latency between hosts with no link', () => {
    expect([latency('alice-laptop', 'ns'), latency('ns', 'mx.example.net'), latency('ns', 'ns')]).toEqual([
      20, 15, 0,
    ]);
  });
});
