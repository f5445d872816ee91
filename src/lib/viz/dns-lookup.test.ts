import { describe, expect, it } from 'vitest';
import type { HostId, TraceEvent, VirtualMs } from '../../../simulators/index.ts';
import { findLookup, normalizeName } from './dns-lookup.ts';

const events: TraceEvent[] = [
  { type: 'host.up', host: 'ns' as HostId, seq: 0, at: 0 as VirtualMs },
  {
    type: 'dns.query',
    id: 1,
    from: 'mx.example.net' as HostId,
    server: 'ns' as HostId,
    query: { name: 'example.net', type: 'MX' },
    purpose: 'panel',
    seq: 1,
    at: 0 as VirtualMs,
  },
  {
    type: 'dns.query',
    id: 2,
    from: 'bob-laptop' as HostId,
    server: 'ns' as HostId,
    query: { name: 'nowhere.example', type: 'A' },
    purpose: 'panel',
    seq: 2,
    at: 5 as VirtualMs,
  },
  {
    type: 'dns.answer',
    id: 2,
    query: { name: 'nowhere.example', type: 'A' },
    answer: { rcode: 'NXDOMAIN', answers: [] },
    seq: 3,
    at: 45 as VirtualMs,
  },
];

describe('findLookup', () => {
  it('finds the answer with the query id, not the next answer', () => {
    expect(findLookup(events, 2)).toEqual({ query: events[2], answer: events[3] });
    expect(findLookup(events, 1)).toEqual({ query: events[1], answer: undefined });
  });

  it('is undefined for a position that holds no query', () => {
    expect([findLookup(events, 0), findLookup(events, 99)]).toEqual([undefined, undefined]);
  });
});

describe('normalizeName', () => {
  it('makes a typed name absolute-without-dot and lower-case, as the engine keeps names', () => {
    expect([' Example.NET. ', 'mx.example.net', '.'].map(normalizeName)).toEqual([
      'example.net',
      'mx.example.net',
      '',
    ]);
  });
});
