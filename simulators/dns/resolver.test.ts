import { describe, expect, it } from 'vitest';
import type { ResourceRecord } from './records.ts';
import { SimResolver } from './resolver.ts';
import { ZoneData } from './zone-data.ts';

const A: ResourceRecord = {
  name: 'mx.example.net',
  ttl: 300,
  class: 'IN',
  type: 'A',
  address: '198.51.100.25',
};
const TXT: ResourceRecord = {
  name: 'example.net',
  ttl: 300,
  class: 'IN',
  type: 'TXT',
  strings: ['v=spf1 -all'],
};

const resolver = (): SimResolver => new SimResolver(ZoneData.fromRecords([A, TXT]));

describe('resolver', () => {
  it('answers from the zone data', () => {
    expect(resolver().resolve({ name: 'mx.example.net', type: 'A' })).toEqual({
      rcode: 'NOERROR',
      answers: [A],
    });
  });

  it('sees edits to the data made after it was created', () => {
    const r = resolver();
    r.data.replaceZone('example.net', [TXT]);
    expect(r.resolve({ name: 'mx.example.net', type: 'A' })).toEqual({ rcode: 'NXDOMAIN', answers: [] });
  });

  it('times out or fails every type of an injected name until cleared (RFC 7208 §5: temperror)', () => {
    const r = resolver();
    r.fail('MX.example.net.', 'timeout');
    r.fail('example.net', 'servfail');
    expect(r.resolve({ name: 'mx.example.net', type: 'A' })).toEqual({ rcode: 'TIMEOUT', answers: [] });
    expect(r.resolve({ name: 'mx.example.net', type: 'AAAA' })).toEqual({ rcode: 'TIMEOUT', answers: [] });
    expect(r.resolve({ name: 'example.net', type: 'TXT' })).toEqual({ rcode: 'SERVFAIL', answers: [] });
    r.clearFailure('mx.example.net');
    expect(r.resolve({ name: 'mx.example.net', type: 'A' })).toEqual({ rcode: 'NOERROR', answers: [A] });
    expect(r.resolve({ name: 'example.net', type: 'TXT' })).toEqual({ rcode: 'SERVFAIL', answers: [] });
  });

  it('applies a failure to that exact name only, not to names below it', () => {
    const r = resolver();
    r.fail('example.net', 'servfail');
    expect(r.resolve({ name: 'mx.example.net', type: 'A' })).toEqual({ rcode: 'NOERROR', answers: [A] });
  });

  it('counts every lookup, failed ones included, and counts per window (RFC 7208 §4.6.4)', () => {
    const r = resolver();
    r.resolve({ name: 'example.net', type: 'TXT' });
    const outer = r.startCount();
    r.fail('nowhere.example', 'timeout');
    r.resolve({ name: 'nowhere.example', type: 'A' });
    const inner = r.startCount();
    r.resolve({ name: 'mx.example.net', type: 'A' });
    r.resolve({ name: 'missing.example.net', type: 'MX' });
    inner.stop();
    r.resolve({ name: 'example.net', type: 'TXT' });
    outer.stop();
    r.resolve({ name: 'example.net', type: 'TXT' });
    expect({ lookups: r.lookups, outer: outer.count, inner: inner.count }).toEqual({
      lookups: 6,
      outer: 4,
      inner: 2,
    });
  });
});
