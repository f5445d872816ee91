import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DnsAnswer, DnsQuery, RData, ResourceRecord } from '../../dns/records.ts';
import { SimResolver } from '../../dns/resolver.ts';
import { ZoneData } from '../../dns/zone-data.ts';
import {
  checkHost,
  evaluateSpf,
  spfInputFor,
  type SpfInput,
  type SpfOptions,
  type SpfResult,
  type SpfStep,
} from './evaluate.ts';

const rr = (name: string, data: RData): ResourceRecord => ({ name, ttl: 300, class: 'IN', ...data });
const txt = (...strings: string[]): RData => ({ type: 'TXT', strings });
const a = (address: string): RData => ({ type: 'A', address });
const aaaa = (address: string): RData => ({ type: 'AAAA', address });
const mx = (preference: number, exchange: string): RData => ({ type: 'MX', preference, exchange });
const ptr = (target: string): RData => ({ type: 'PTR', target });

/** A resolver over a small zone map, with the simulator's own authoritative semantics. */
function zone(map: Record<string, RData[]>): SimResolver {
  return new SimResolver(
    ZoneData.fromRecords(Object.entries(map).flatMap(([name, list]) => list.map((d) => rr(name, d)))),
  );
}

function check(
  resolver: SimResolver,
  ip: string,
  mailFrom: string,
  options: SpfOptions = {},
  helo = 'mail.example.net',
): SpfResult {
  return evaluateSpf(spfInputFor({ ip, mailFrom, helo }), (q) => resolver.resolve(q), options);
}

const BASE = {
  'example.com': [txt('v=spf1 ip4:192.0.2.0/24 include:_spf.partner.example -all'), a('192.0.2.10')],
  '_spf.partner.example': [txt('v=spf1 a:out.partner.example ~all')],
  'out.partner.example': [a('198.51.100.7'), aaaa('2001:db8:7::1')],
};

describe('check_host() results (RFC 7208 §2.6, §4)', () => {
  it('pass from ip4 with a CIDR', () => {
    const r = check(zone(BASE), '192.0.2.55', 'alice@example.com');
    expect(r).toMatchObject({ result: 'pass', mechanism: 'ip4:192.0.2.0/24', lookups: 0 });
  });

  it('pass through include:, counting the include and the a inside it', () => {
    const r = check(zone(BASE), '198.51.100.7', 'alice@example.com');
    expect(r).toMatchObject({ result: 'pass', mechanism: 'include:_spf.partner.example', lookups: 2 });
  });

  it('an include that gives softfail does not match; -all then fails with the default explanation', () => {
    const r = check(zone(BASE), '203.0.113.9', 'alice@example.com');
    expect(r.result).toBe('fail');
    expect(r.mechanism).toBe('-all');
    expect(r.explanation).toBe('example.com does not designate 203.0.113.9 as a permitted sender');
  });

  it('none without a record, and none for a domain that does not exist', () => {
    const z = zone({ 'norecord.example': [a('192.0.2.1'), txt('hello')] });
    expect(check(z, '192.0.2.1', 'a@norecord.example').result).toBe('none');
    expect(check(z, '192.0.2.1', 'a@missing.example').result).toBe('none');
  });

  it('none for a domain that is not a valid FQDN (§4.3)', () => {
    const z = zone({});
    for (const d of [
      'localhost',
      '[192.0.2.1]',
      'a..example.com',
      `${'x'.repeat(64)}.example.com`,
      '192.0.2.1',
    ]) {
      expect(check(z, '192.0.2.1', `a@${d}`).result, d).toBe('none');
    }
    expect(z.lookups).toBe(0);
  });

  it('neutral by default, and for ?all', () => {
    const z = zone({ 'a.example': [txt('v=spf1 ip4:192.0.2.1')], 'b.example': [txt('v=spf1 ?all')] });
    expect(check(z, '192.0.2.9', 'x@a.example').result).toBe('neutral');
    expect(check(z, '192.0.2.9', 'x@b.example')).toMatchObject({ result: 'neutral', mechanism: '?all' });
  });

  it('permerror for two SPF records, even identical ones (§4.5)', () => {
    const resolve = (q: DnsQuery): DnsAnswer =>
      q.type === 'TXT'
        ? { rcode: 'NOERROR', answers: [rr(q.name, txt('v=spf1 -all')), rr(q.name, txt('v=spf1 -all'))] }
        : { rcode: 'NOERROR', answers: [] };
    const r = evaluateSpf(
      spfInputFor({ ip: '192.0.2.1', mailFrom: 'a@dup.example', helo: 'h.example' }),
      resolve,
    );
    expect(r.result).toBe('permerror');
    expect(r.reason).toContain('2 SPF records');
  });

  it('permerror for a syntax error anywhere, before any mechanism is evaluated (§4.6)', () => {
    const z = zone({ 'e.example': [txt('v=spf1 ip4:192.0.2.1 -all moo')] });
    const r = check(z, '192.0.2.1', 'x@e.example');
    expect(r.result).toBe('permerror');
    expect(r.reason).toContain("position 26: unknown mechanism 'moo'");
    expect(r.steps.find((s) => s.kind === 'syntax-error')).toMatchObject({ position: 26 });
    expect(r.steps.some((s) => s.kind === 'term')).toBe(false);
  });

  it('temperror when the TXT lookup times out or SERVFAILs (§4.4)', () => {
    const z = zone({ 'e.example': [txt('v=spf1 -all')] });
    z.fail('e.example', 'timeout');
    expect(check(z, '192.0.2.1', 'x@e.example').result).toBe('temperror');
    z.fail('e.example', 'servfail');
    expect(check(z, '192.0.2.1', 'x@e.example').result).toBe('temperror');
  });
});

describe('include: result table (§5.2) and redirect= (§6.1)', () => {
  const z = zone({
    'top.example': [txt('v=spf1 include:%{l}.inner.example -all')],
    'pass.inner.example': [txt('v=spf1 +all')],
    'fail.inner.example': [txt('v=spf1 -all')],
    'softfail.inner.example': [txt('v=spf1 ~all')],
    'neutral.inner.example': [txt('v=spf1 ?all')],
    'permerror.inner.example': [txt('v=spf1 bogus')],
    'temperror.inner.example': [txt('v=spf1 a:broken.example -all')],
    'none.inner.example': [a('192.0.2.1')],
  });
  z.fail('broken.example', 'servfail');
  it.each([
    ['pass', 'pass'],
    ['fail', 'fail'],
    ['softfail', 'fail'],
    ['neutral', 'fail'],
    ['permerror', 'permerror'],
    ['temperror', 'temperror'],
    ['none', 'permerror'],
  ])('inner %s → outer %s', (inner, outer) => {
    expect(check(z, '192.0.2.1', `${inner}@top.example`).result).toBe(outer);
  });

  it('redirect hands over the result, and the target domain becomes %{d} and the a default', () => {
    const r2 = zone({
      'r.example': [txt('v=spf1 redirect=_spf.r.example'), a('192.0.2.1')],
      '_spf.r.example': [txt('v=spf1 a -all'), a('192.0.2.2')],
    });
    expect(check(r2, '192.0.2.2', 'x@r.example')).toMatchObject({
      result: 'pass',
      mechanism: 'a',
      lookups: 2,
    });
    expect(check(r2, '192.0.2.1', 'x@r.example').result).toBe('fail');
  });

  it('redirect to a domain without SPF is a permerror, not none', () => {
    const r3 = zone({ 'r.example': [txt('v=spf1 redirect=nothing.example')] });
    expect(check(r3, '192.0.2.1', 'x@r.example').result).toBe('permerror');
  });

  it('exp= of the redirect target replaces the original, exp= of an include is never used (§6.2)', () => {
    const e = zone({
      'a.example': [txt('v=spf1 exp=msg-a.example redirect=b.example')],
      'b.example': [txt('v=spf1 -all exp=msg-b.example')],
      'c.example': [txt('v=spf1 include:b.example -all exp=msg-c.example')],
      'msg-a.example': [txt('from a')],
      'msg-b.example': [txt('from b: %{i} may not send for %{d}')],
      'msg-c.example': [txt('from c')],
    });
    expect(check(e, '192.0.2.1', 'x@a.example').explanation).toBe(
      'from b: 192.0.2.1 may not send for b.example',
    );
    expect(check(e, '192.0.2.1', 'x@c.example').explanation).toBe('from c');
  });

  it('ignores exp= that has no single valid TXT record, and does not count its lookup', () => {
    const e = zone({
      'a.example': [txt('v=spf1 -all exp=two.example')],
      'two.example': [txt('one'), txt('two')],
      'b.example': [txt('v=spf1 -all exp=bad.example')],
      'bad.example': [txt('The %{x}-files')],
    });
    const r = check(e, '192.0.2.1', 'x@a.example', { defaultExplanation: 'DEFAULT' });
    expect(r).toMatchObject({ result: 'fail', explanation: 'DEFAULT', lookups: 0, voidLookups: 0 });
    expect(check(e, '192.0.2.1', 'x@b.example', { defaultExplanation: 'DEFAULT' }).explanation).toBe(
      'DEFAULT',
    );
  });

  it('gives an explanation for fail only', () => {
    const e = zone({ 's.example': [txt('v=spf1 ~all exp=m.example')], 'm.example': [txt('m')] });
    expect(check(e, '192.0.2.1', 'x@s.example').explanation).toBeUndefined();
  });
});

describe('mechanisms (§5)', () => {
  const z = zone({
    'dual.example': [txt('v=spf1 a/24//64 -all'), a('192.0.2.5'), aaaa('2001:db8:1::5')],
    'mx.example': [txt('v=spf1 mx -all'), mx(10, 'mail1.mx.example'), mx(20, 'mail2.mx.example')],
    'mail1.mx.example': [a('192.0.2.21')],
    'mail2.mx.example': [a('192.0.2.22'), aaaa('2001:db8:2::22')],
    'nomx.example': [txt('v=spf1 mx -all'), a('192.0.2.30')],
    'ptr.example': [txt('v=spf1 ptr -all')],
    '40.2.0.192.in-addr.arpa': [ptr('host.ptr.example'), ptr('other.example')],
    '41.2.0.192.in-addr.arpa': [ptr('liar.ptr.example')],
    'host.ptr.example': [a('192.0.2.40')],
    'liar.ptr.example': [a('192.0.2.99')],
    'exists.example': [txt('v=spf1 exists:%{ir}.list.example -all')],
    '50.2.0.192.list.example': [a('127.0.0.2')],
    '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.list.example': [a('127.0.0.2')],
    'v6.example': [txt('v=spf1 ip6:2001:db8::/32 -all')],
  });

  it('a with dual CIDR: /24 for IPv4, //64 for IPv6', () => {
    expect(check(z, '192.0.2.200', 'x@dual.example').result).toBe('pass');
    expect(check(z, '192.0.3.1', 'x@dual.example').result).toBe('fail');
    expect(check(z, '2001:db8:1::ffff', 'x@dual.example').result).toBe('pass');
    expect(check(z, '2001:db8:2::1', 'x@dual.example').result).toBe('fail');
  });

  it('mx looks up each exchange with A or AAAA', () => {
    expect(check(z, '192.0.2.22', 'x@mx.example').result).toBe('pass');
    expect(check(z, '2001:db8:2::22', 'x@mx.example').result).toBe('pass');
    expect(check(z, '192.0.2.23', 'x@mx.example').result).toBe('fail');
  });

  it('mx without MX records does not fall back to A (§5.4), and counts a void lookup', () => {
    expect(check(z, '192.0.2.30', 'x@nomx.example')).toMatchObject({ result: 'fail', voidLookups: 1 });
  });

  it('ptr needs a name that resolves back to the client (§5.5)', () => {
    expect(check(z, '192.0.2.40', 'x@ptr.example').result).toBe('pass');
    expect(check(z, '192.0.2.41', 'x@ptr.example').result).toBe('fail');
  });

  it('exists asks for A even for an IPv6 client (§5.7)', () => {
    expect(check(z, '192.0.2.50', 'x@exists.example').result).toBe('pass');
    expect(check(z, '2001:db8::1', 'x@exists.example').result).toBe('pass');
    expect(check(z, '192.0.2.51', 'x@exists.example').result).toBe('fail');
  });

  it('treats an IPv4-mapped IPv6 client as IPv4', () => {
    expect(check(z, '::ffff:192.0.2.200', 'x@dual.example').result).toBe('pass');
    expect(check(z, '::ffff:192.0.2.1', 'x@v6.example').result).toBe('fail');
    expect(check(z, '2001:db8:ffff::1', 'x@v6.example').result).toBe('pass');
  });
});

describe('identities (§2.3, §2.4, §4.3)', () => {
  const z = zone({
    'mail.example.net': [txt('v=spf1 a -all exp=why.example.net'), a('192.0.2.7')],
    'example.net': [txt('v=spf1 -all exp=why.example.net')],
    'why.example.net': [txt('%{l} at %{o} via %{h}')],
  });

  it('checks postmaster@<helo> for the null reverse-path', () => {
    const input = spfInputFor({ ip: '192.0.2.8', mailFrom: '', helo: 'mail.example.net' });
    expect(input).toMatchObject({
      domain: 'mail.example.net',
      sender: 'postmaster@mail.example.net',
      identity: 'helo',
    });
    expect(evaluateSpf(input, (q) => z.resolve(q)).explanation).toBe(
      'postmaster at mail.example.net via mail.example.net',
    );
  });

  it('substitutes postmaster for an empty local-part', () => {
    expect(check(z, '192.0.2.8', '@example.net').explanation).toBe(
      'postmaster at example.net via mail.example.net',
    );
  });
});

describe('limits (§4.6.4)', () => {
  it('permerror on the eleventh DNS-querying term, with a limit step', () => {
    const chain: Record<string, RData[]> = {};
    for (let i = 0; i < 12; i++) chain[`d${i}.example`] = [txt(`v=spf1 include:d${i + 1}.example`)];
    const r = check(zone(chain), '192.0.2.1', 'x@d0.example');
    expect(r).toMatchObject({ result: 'permerror', lookups: 11 });
    expect(r.steps.find((s) => s.kind === 'limit')).toMatchObject({ limit: 'lookups', count: 11, max: 10 });
  });

  it('is configurable', () => {
    const z = zone({ 'x.example': [txt('v=spf1 a a a -all'), a('192.0.2.9')] });
    expect(check(z, '192.0.2.1', 'x@x.example', { lookupLimit: 2 }).result).toBe('permerror');
    expect(check(z, '192.0.2.1', 'x@x.example', { lookupLimit: 3 }).result).toBe('fail');
  });

  it('permerror on the third void lookup', () => {
    const z = zone({ 'v.example': [txt('v=spf1 a:n1.example a:n2.example a:n3.example ?all')] });
    expect(check(z, '192.0.2.1', 'x@v.example')).toMatchObject({ result: 'permerror', voidLookups: 3 });
    expect(check(z, '192.0.2.1', 'x@v.example', { voidLookupLimit: 3 }).result).toBe('neutral');
  });

  it('permerror when an MX answer names more hosts than may be looked up', () => {
    const hosts = Array.from({ length: 11 }, (_, i) => mx(i, `m${i}.example`));
    const z = zone({ 'm.example': [txt('v=spf1 mx -all'), ...hosts], 'm0.example': [a('192.0.2.1')] });
    expect(check(z, '192.0.2.1', 'x@m.example').result).toBe('permerror');
  });

  it('counts the PTR query of %{p} as a DNS-querying term', () => {
    const z = zone({
      'p.example': [txt('v=spf1 exists:%{p}.list.example -all')],
      '1.2.0.192.in-addr.arpa': [ptr('host.p.example')],
      'host.p.example': [a('192.0.2.1')],
      'host.p.example.list.example': [a('127.0.0.2')],
    });
    expect(check(z, '192.0.2.1', 'x@p.example')).toMatchObject({ result: 'pass', lookups: 2 });
  });
});

describe('steps (the evaluation tree)', () => {
  it('nests include/redirect by depth and balances check/result and term/term-result', () => {
    const r = check(zone(BASE), '198.51.100.7', 'alice@example.com');
    const kinds = r.steps.map((s) => `${s.depth}:${s.kind}`);
    expect(kinds).toEqual([
      '0:check',
      '0:query',
      '0:record',
      '0:term',
      '0:term-result',
      '0:term',
      '1:check',
      '1:query',
      '1:record',
      '1:term',
      '1:query',
      '1:term-result',
      '1:result',
      '0:term-result',
      '0:result',
    ]);
    const balance = (open: SpfStep['kind'], close: SpfStep['kind']): number =>
      r.steps.filter((s) => s.kind === open).length - r.steps.filter((s) => s.kind === close).length;
    expect(balance('check', 'result')).toBe(0);
    expect(balance('term', 'term-result')).toBe(0);
    expect(r.steps[12]).toMatchObject({ kind: 'result', domain: '_spf.partner.example', result: 'pass' });
    expect(r.steps[10]).toMatchObject({
      kind: 'query',
      name: 'out.partner.example',
      type: 'A',
      answers: ['198.51.100.7'],
    });
  });

  it('is a generator that yields each query and is resumed with its answer', () => {
    const run = checkHost({
      ip: '192.0.2.1',
      domain: 'example.com',
      sender: 'a@example.com',
      helo: 'h.example',
    });
    const first = run.next();
    expect(first).toEqual({ done: false, value: { name: 'example.com', type: 'TXT' } });
    const end = run.next({ rcode: 'NOERROR', answers: [rr('example.com', txt('v=spf1 -all'))] });
    expect(end.done).toBe(true);
    expect(end.value).toMatchObject({ result: 'fail' });
  });

  it('refuses a client address that is not one (a programmer error)', () => {
    expect(() =>
      evaluateSpf({ ip: 'nope', domain: 'a.example', sender: 'x@a.example', helo: 'h' }, () => ({
        rcode: 'NOERROR',
        answers: [],
      })),
    ).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------
// Properties: any record text and any DNS answers end in one of the seven
// results, without throwing, after a bounded number of queries.

const TERMS = [
  'all',
  '-all',
  '~all',
  '?all',
  'a',
  'mx',
  'ptr',
  'a/24',
  'mx//64',
  'a/24//64',
  'a:%{d}',
  'a:%{h}.x.example',
  'exists:%{i}.%{d}',
  'exists:%{p}.x.example',
  'include:%{d}',
  'include:x.example',
  'include:y.example',
  'redirect=%{d}',
  'redirect=x.example',
  'exp=%{d}',
  'exp=x.example',
  'ip4:192.0.2.0/24',
  'ip6:2001:db8::/32',
  'ptr:%{d}',
  'ptr:x.example',
  'mx:%{o}',
  '%',
  'a:',
  'x=y',
  'redirect=',
  'ip4:1.2.3',
  'a:foo..example',
];

const recordText = fc.oneof(
  fc
    .array(fc.oneof(fc.constantFrom(...TERMS), fc.string({ maxLength: 8 })), { maxLength: 8 })
    .map((t) => ['v=spf1', ...t].join(' ')),
  fc.string({ maxLength: 40 }).map((s) => `v=spf1 ${s}`),
  fc.string({ maxLength: 40 }),
);

const names = fc.constantFrom(
  'x.example',
  'y.example',
  'd.example',
  '',
  'a..b',
  'host.x.example',
  'x'.repeat(70),
);
const rdata: fc.Arbitrary<RData> = fc.oneof(
  recordText.map((t) => txt(t)),
  fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }).map((s) => txt(...s)),
  fc.constantFrom('192.0.2.1', '192.0.2.200', '10.0.0.1', 'garbage').map(a),
  fc.constantFrom('2001:db8::1', '::1', 'zz').map(aaaa),
  fc.tuple(fc.nat(20), names).map(([p, n]) => mx(p, n)),
  names.map(ptr),
  names.map((target): RData => ({ type: 'CNAME', target })),
);
const answer: fc.Arbitrary<DnsAnswer> = fc.record({
  rcode: fc.constantFrom('NOERROR', 'NOERROR', 'NOERROR', 'NXDOMAIN', 'SERVFAIL', 'TIMEOUT'),
  answers: fc.array(
    rdata.map((d) => rr('x.example', d)),
    { maxLength: 14 },
  ),
});

const inputArb: fc.Arbitrary<SpfInput> = fc.record({
  ip: fc.constantFrom('192.0.2.1', '2001:db8::1', '::ffff:192.0.2.1'),
  domain: fc.constantFrom('d.example', 'x.example', 'localhost'),
  sender: fc.constantFrom('a@d.example', '@d.example', 'a-b+c@x.example'),
  helo: fc.constantFrom('h.example', '[192.0.2.1]', ''),
});

const RESULTS = ['none', 'neutral', 'pass', 'fail', 'softfail', 'temperror', 'permerror'];

describe('properties', () => {
  it('never throws and always ends, within a bounded number of queries', () => {
    fc.assert(
      fc.property(inputArb, fc.array(answer, { minLength: 1, maxLength: 40 }), (input, answers) => {
        const run = checkHost(input);
        let queries = 0;
        let step = run.next();
        while (step.done !== true) {
          queries++;
          // 11 counted terms × (1 + 10 address lookups), %{p} once (1 + 10), the record and the exp= TXT.
          expect(queries).toBeLessThanOrEqual(11 * 11 + 11 + 2 + 11);
          step = run.next(answers[queries % answers.length]!);
        }
        expect(RESULTS).toContain(step.value.result);
        expect(step.value.lookups).toBeLessThanOrEqual(11);
        if (step.value.explanation !== undefined) expect(step.value.result).toBe('fail');
      }),
      { numRuns: 400 },
    );
  });

  it('parses any record text without throwing, and reports positions inside it', () => {
    fc.assert(
      fc.property(recordText, (text) => {
        const z = zone({ 'd.example': [txt(text)] });
        const r = check(z, '192.0.2.1', 'a@d.example');
        expect(RESULTS).toContain(r.result);
        const err = r.steps.find((s) => s.kind === 'syntax-error');
        if (err !== undefined && err.kind === 'syntax-error') {
          expect(err.position).toBeGreaterThanOrEqual(0);
          expect(err.position).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 500 },
    );
  });
});
