import { describe, expect, it } from 'vitest';
import type { RData, ResourceRecord } from './records.ts';
import { ZoneData } from './zone-data.ts';
import { parseZone } from './zone-file.ts';

const rr = (name: string, data: RData, ttl = 300): ResourceRecord => ({ name, ttl, class: 'IN', ...data });

const EXAMPLE = `$ORIGIN example.com.
$TTL 300
@         SOA   ns hostmaster 1 7200 3600 1209600 300
@         NS    ns
@         MX    10 mx.example.net.
@         TXT   "v=spf1 mx -all"
ns        A     203.0.113.53
www       A     192.0.2.80
www       AAAA  2001:db8::80
web       CNAME www
alias2    CNAME web
away      CNAME mx.example.net.
gone      CNAME nowhere
loop1     CNAME loop2
loop2     CNAME loop1
self      CNAME self
sel._domainkey TXT "v=DKIM1; p=MIIB"
*.wild    A     192.0.2.99
*.wild    TXT   "wildcard"
host.wild A     192.0.2.98
deep.sub.wild TXT "exists"
*.cnamed  CNAME www
`;

const NET = `$ORIGIN example.net.
$TTL 300
@  SOA ns.example.com. hostmaster.example.com. 1 7200 3600 1209600 300
mx A 198.51.100.25
`;

function world(): ZoneData {
  const data = new ZoneData();
  data.replaceZone('example.com', parseZone(EXAMPLE).records);
  data.replaceZone('example.net', parseZone(NET).records);
  return data;
}

describe('zone-data', () => {
  it('answers the records of the asked type (RFC 1034 §4.3.2)', () => {
    expect(world().query({ name: 'www.example.com', type: 'A' })).toEqual({
      rcode: 'NOERROR',
      answers: [rr('www.example.com', { type: 'A', address: '192.0.2.80' })],
    });
  });

  it('matches names case-insensitively, with or without the final dot (RFC 4343)', () => {
    expect(world().query({ name: 'WWW.Example.COM.', type: 'AAAA' })).toEqual({
      rcode: 'NOERROR',
      answers: [rr('www.example.com', { type: 'AAAA', address: '2001:db8::80' })],
    });
  });

  it('answers NODATA when the name exists without that type (RFC 2308 §2.2)', () => {
    expect(world().query({ name: 'www.example.com', type: 'MX' })).toEqual({ rcode: 'NOERROR', answers: [] });
  });

  it('answers NXDOMAIN when nothing exists at or below the name (RFC 8020 §2)', () => {
    expect(world().query({ name: 'nope.example.com', type: 'A' })).toEqual({
      rcode: 'NXDOMAIN',
      answers: [],
    });
    expect(world().query({ name: 'example.org', type: 'A' })).toEqual({ rcode: 'NXDOMAIN', answers: [] });
  });

  it('answers NODATA, not NXDOMAIN, for an empty non-terminal (RFC 8020 §2)', () => {
    expect(world().query({ name: '_domainkey.example.com', type: 'TXT' })).toEqual({
      rcode: 'NOERROR',
      answers: [],
    });
    expect(world().query({ name: 'com', type: 'NS' })).toEqual({ rcode: 'NOERROR', answers: [] });
  });

  it('follows a CNAME chain and answers the chain then the target (RFC 1034 §4.3.2, §3.6.2)', () => {
    expect(world().query({ name: 'alias2.example.com', type: 'A' })).toEqual({
      rcode: 'NOERROR',
      answers: [
        rr('alias2.example.com', { type: 'CNAME', target: 'web.example.com' }),
        rr('web.example.com', { type: 'CNAME', target: 'www.example.com' }),
        rr('www.example.com', { type: 'A', address: '192.0.2.80' }),
      ],
    });
  });

  it('follows a CNAME into another zone of the data', () => {
    expect(world().query({ name: 'away.example.com', type: 'A' })).toEqual({
      rcode: 'NOERROR',
      answers: [
        rr('away.example.com', { type: 'CNAME', target: 'mx.example.net' }),
        rr('mx.example.net', { type: 'A', address: '198.51.100.25' }),
      ],
    });
  });

  it("gives the last name's rcode with the chain when the target does not exist (RFC 6604 §2.1)", () => {
    expect(world().query({ name: 'gone.example.com', type: 'A' })).toEqual({
      rcode: 'NXDOMAIN',
      answers: [rr('gone.example.com', { type: 'CNAME', target: 'nowhere.example.com' })],
    });
  });

  it('answers the CNAME itself to a CNAME query (RFC 1034 §3.6.2)', () => {
    expect(world().query({ name: 'web.example.com', type: 'CNAME' })).toEqual({
      rcode: 'NOERROR',
      answers: [rr('web.example.com', { type: 'CNAME', target: 'www.example.com' })],
    });
  });

  it('answers SERVFAIL to a CNAME loop (RFC 1034 §3.6.2)', () => {
    expect(world().query({ name: 'loop1.example.com', type: 'A' })).toEqual({
      rcode: 'SERVFAIL',
      answers: [],
    });
    expect(world().query({ name: 'self.example.com', type: 'TXT' })).toEqual({
      rcode: 'SERVFAIL',
      answers: [],
    });
  });

  it('follows 8 CNAMEs and answers SERVFAIL to a ninth', () => {
    const chain = (length: number): ZoneData =>
      ZoneData.fromRecords([
        ...Array.from({ length }, (_, i) => rr(`c${i}.test`, { type: 'CNAME', target: `c${i + 1}.test` })),
        rr(`c${length}.test`, { type: 'A', address: '192.0.2.1' }),
      ]);
    const eight = chain(8).query({ name: 'c0.test', type: 'A' });
    expect(eight.rcode).toBe('NOERROR');
    expect(eight.answers.map((a) => a.type)).toEqual([...Array<string>(8).fill('CNAME'), 'A']);
    expect(chain(9).query({ name: 'c0.test', type: 'A' })).toEqual({ rcode: 'SERVFAIL', answers: [] });
  });

  it('synthesises wildcard answers for names that do not exist, owned by the query name (RFC 4592 §3.3.1)', () => {
    const data = world();
    expect(data.query({ name: 'anything.wild.example.com', type: 'A' })).toEqual({
      rcode: 'NOERROR',
      answers: [rr('anything.wild.example.com', { type: 'A', address: '192.0.2.99' })],
    });
    expect(data.query({ name: 'a.b.wild.example.com', type: 'TXT' })).toEqual({
      rcode: 'NOERROR',
      answers: [rr('a.b.wild.example.com', { type: 'TXT', strings: ['wildcard'] })],
    });
    expect(data.query({ name: 'x.wild.example.com', type: 'MX' })).toEqual({ rcode: 'NOERROR', answers: [] });
  });

  it('never applies a wildcard to a name that exists (RFC 4592 §2.2.1)', () => {
    const data = world();
    expect(data.query({ name: 'host.wild.example.com', type: 'TXT' })).toEqual({
      rcode: 'NOERROR',
      answers: [],
    });
    // sub.wild exists as an empty non-terminal: it is the closest encloser, and has no wildcard.
    expect(data.query({ name: 'sub.wild.example.com', type: 'A' })).toEqual({
      rcode: 'NOERROR',
      answers: [],
    });
    expect(data.query({ name: 'x.sub.wild.example.com', type: 'A' })).toEqual({
      rcode: 'NXDOMAIN',
      answers: [],
    });
    expect(data.query({ name: 'wild.example.com', type: 'A' })).toEqual({ rcode: 'NOERROR', answers: [] });
  });

  it('follows a wildcard CNAME (RFC 4592 §4.3)', () => {
    expect(world().query({ name: 'x.cnamed.example.com', type: 'A' })).toEqual({
      rcode: 'NOERROR',
      answers: [
        rr('x.cnamed.example.com', { type: 'CNAME', target: 'www.example.com' }),
        rr('www.example.com', { type: 'A', address: '192.0.2.80' }),
      ],
    });
  });

  it('replaces one zone and leaves the others (the zone editor)', () => {
    const data = world();
    data.replaceZone('example.com', parseZone('$ORIGIN example.com.\n$TTL 60\nwww A 192.0.2.81').records);
    expect(data.query({ name: 'www.example.com', type: 'A' })).toEqual({
      rcode: 'NOERROR',
      answers: [rr('www.example.com', { type: 'A', address: '192.0.2.81' }, 60)],
    });
    expect(data.query({ name: 'ns.example.com', type: 'A' })).toEqual({ rcode: 'NXDOMAIN', answers: [] });
    expect(data.query({ name: 'mx.example.net', type: 'A' }).answers).toHaveLength(1);
  });

  it('keeps a child zone when its parent is replaced, and drops out-of-zone records', () => {
    const data = new ZoneData();
    data.replaceZone('sub.example.com', [rr('a.sub.example.com', { type: 'A', address: '192.0.2.1' })]);
    data.replaceZone('example.com', [
      rr('example.com', { type: 'A', address: '192.0.2.2' }),
      rr('elsewhere.example.org', { type: 'A', address: '192.0.2.3' }),
    ]);
    data.replaceZone('example.com', [rr('www.example.com', { type: 'A', address: '192.0.2.4' })]);
    expect(data.records()).toEqual([
      rr('a.sub.example.com', { type: 'A', address: '192.0.2.1' }),
      rr('www.example.com', { type: 'A', address: '192.0.2.4' }),
    ]);
  });

  it('keeps one copy of a record added twice (RFC 2181 §5)', () => {
    const data = new ZoneData();
    data.add(rr('a.test', { type: 'TXT', strings: ['x'] }));
    data.add(rr('A.test.', { type: 'TXT', strings: ['x'] }, 60));
    data.add(rr('a.test', { type: 'TXT', strings: ['y'] }));
    expect(data.query({ name: 'a.test', type: 'TXT' })).toEqual({
      rcode: 'NOERROR',
      answers: [rr('a.test', { type: 'TXT', strings: ['x'] }), rr('a.test', { type: 'TXT', strings: ['y'] })],
    });
  });

  it('answers NXDOMAIN from empty data', () => {
    expect(new ZoneData().query({ name: 'example.com', type: 'A' })).toEqual({
      rcode: 'NXDOMAIN',
      answers: [],
    });
  });
});
