import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadPublicSuffixList } from './org-domain.ts';
import { formatAuthResultsDmarc } from './header.ts';
import type { DmarcMode } from './record.ts';
import { A, dmarc, zone } from './testing/zone.ts';

// RFC 7489's organizational domain needs the Public Suffix List, loaded on first need.
beforeAll(() => loadPublicSuffixList());

const BOTH: readonly DmarcMode[] = ['rfc9989', 'rfc7489'];
const pass = (domain: string) => ({ result: 'pass' as const, domain });

describe.each(BOTH)('DMARC basics (%s)', (mode) => {
  const dns = zone({
    'example.com': [A],
    'news.example.com': [A],
    '_dmarc.example.com': ['v=DMARC1; p=reject'],
  });

  it('passes on aligned SPF and writes the Authentication-Results method', () => {
    const r = dmarc(dns, mode, { fromDomain: 'Example.COM.', spf: pass('example.com') });
    expect(r).toMatchObject({ result: 'pass', policy: 'reject', policyTag: 'p', disposition: 'none' });
    expect(r.policyDomain).toBe('example.com');
    expect(formatAuthResultsDmarc(r)).toBe('dmarc=pass (p=reject dis=none) header.from=example.com');
  });

  it('fails with nothing aligned and applies p=reject', () => {
    const r = dmarc(dns, mode, { fromDomain: 'example.com', dkim: [pass('other.example.net')] });
    expect(r).toMatchObject({ result: 'fail', policy: 'reject', disposition: 'reject' });
    expect(r.alignment.dkim[0]).toMatchObject({ domain: 'other.example.net', aligned: false, mode: 'r' });
    expect(formatAuthResultsDmarc(r)).toBe('dmarc=fail (p=reject dis=reject) header.from=example.com');
  });

  it('is none without a record, and permerror for a From domain DNS cannot hold', () => {
    const none = dmarc(zone({}), mode, { fromDomain: 'example.org', spf: pass('example.org') });
    expect(none).toMatchObject({ result: 'none', disposition: 'none' });
    expect(formatAuthResultsDmarc(none)).toBe('dmarc=none header.from=example.org');
    expect(dmarc(dns, mode, { fromDomain: '[192.0.2.1]' }).result).toBe('permerror');
    expect(dmarc(dns, mode, { fromDomain: 'a..example.com' }).result).toBe('permerror');
  });

  it('is temperror when the policy lookup fails (TIMEOUT or SERVFAIL)', () => {
    for (const failure of ['timeout', 'servfail'] as const) {
      const r = dmarc(zone({}, { '_dmarc.example.com': failure }), mode, {
        fromDomain: 'example.com',
        spf: pass('example.com'),
      });
      expect(r.result).toBe('temperror');
      expect(r.reason).toContain(failure === 'timeout' ? 'TIMEOUT' : 'SERVFAIL');
    }
  });

  it.each([
    // [aspf/adkim, identifier, SPF or DKIM, aligned]
    ['r', 'bounce.example.com', 'spf', true],
    ['s', 'bounce.example.com', 'spf', false],
    ['s', 'news.example.com', 'spf', true],
    ['r', 'example.com', 'dkim', true],
    ['s', 'example.com', 'dkim', false],
    ['r', 'example.net', 'dkim', false],
  ] as const)('a%s: %s (%s) aligned with news.example.com: %s', (m, id, kind, aligned) => {
    const d = zone({
      'example.com': [A],
      'news.example.com': [A],
      '_dmarc.example.com': [`v=DMARC1; p=quarantine; aspf=${m}; adkim=${m}`],
    });
    const r = dmarc(d, mode, {
      fromDomain: 'news.example.com',
      ...(kind === 'spf' ? { spf: pass(id) } : { dkim: [pass(id)] }),
    });
    const got = kind === 'spf' ? r.alignment.spf : r.alignment.dkim[0];
    expect(got).toMatchObject({ domain: id, aligned, mode: m, authenticated: true });
    expect(r.result).toBe(aligned ? 'pass' : 'fail');
    expect(r).toMatchObject({ policy: 'quarantine', policyTag: 'p' });
  });

  it('counts only a passing SPF result and verified signatures', () => {
    const r = dmarc(dns, mode, {
      fromDomain: 'example.com',
      spf: { result: 'softfail', domain: 'example.com' },
      dkim: [{ result: 'fail', domain: 'example.com' }],
    });
    expect(r.result).toBe('fail');
    expect(r.alignment.spf).toMatchObject({ authenticated: false, aligned: false });
    expect(r.alignment.dkim[0]).toMatchObject({ authenticated: false, aligned: false });
  });

  it('p= for the From domain, sp= for an existing subdomain, p= when there is no sp=', () => {
    const d = zone({
      'example.com': [A],
      'shop.example.com': [A],
      '_dmarc.example.com': ['v=DMARC1; p=none; sp=quarantine'],
      'example.org': [A],
      'shop.example.org': [A],
      '_dmarc.example.org': ['v=DMARC1; p=reject'],
    });
    expect(dmarc(d, mode, { fromDomain: 'example.com' })).toMatchObject({ policy: 'none', policyTag: 'p' });
    expect(dmarc(d, mode, { fromDomain: 'shop.example.com' })).toMatchObject({
      policy: 'quarantine',
      policyTag: 'sp',
      disposition: 'quarantine',
      policyDomain: 'example.com',
    });
    expect(dmarc(d, mode, { fromDomain: 'shop.example.org' })).toMatchObject({
      policy: 'reject',
      policyTag: 'p',
    });
  });

  it('without a valid p= and without rua= does not apply DMARC; with rua= it acts as p=none', () => {
    const d = zone({
      'a.example': [A],
      '_dmarc.a.example': ['v=DMARC1; p=rejekt'],
      'b.example': [A],
      '_dmarc.b.example': ['v=DMARC1; sp=reject; rua=mailto:dmarc@b.example'],
    });
    const a = dmarc(d, mode, { fromDomain: 'a.example' });
    expect(a.result).toBe('none');
    expect(a.reason).toContain('has no valid p= and no rua= reporting URI');
    const b = dmarc(d, mode, { fromDomain: 'b.example' });
    expect(b).toMatchObject({ result: 'fail', policy: 'none', disposition: 'none' });
    expect(b.record?.sp).toBeUndefined();
    expect(b.warnings).toContainEqual(expect.stringContaining('treated as p=none because rua= is present'));
  });

  it('authorises an external rua destination only through <domain>._report._dmarc.<host> (RFC 7489 §7.1)', () => {
    const record =
      'v=DMARC1; p=none; rua=mailto:dmarc@example.com,mailto:agg@reports.example.net,mailto:x@nosy.example.org';
    const d = zone({
      'example.com': [A],
      '_dmarc.example.com': [record],
      'example.com._report._dmarc.reports.example.net': ['v=DMARC1'],
      'example.com._report._dmarc.nosy.example.org': ['not a dmarc record'],
    });
    const r = dmarc(d, mode, { fromDomain: 'example.com', spf: pass('example.com') });
    expect(r.reportTo.rua).toEqual(['mailto:dmarc@example.com', 'mailto:agg@reports.example.net']);
    expect(r.asked).toContain('TXT example.com._report._dmarc.reports.example.net');
    expect(r.asked).not.toContain('TXT example.com._report._dmarc.example.com');
    expect(r.warnings).toContainEqual(
      'rua: mailto:x@nosy.example.org dropped: nosy.example.org is another organization and publishes no "v=DMARC1" record at example.com._report._dmarc.nosy.example.org (RFC 7489 §7.1)',
    );
  });

  it('records every query in the steps, with the result last', () => {
    const r = dmarc(dns, mode, { fromDomain: 'news.example.com', spf: pass('example.com') });
    const queries = r.steps.filter((s) => s.kind === 'query' && !s.cached);
    expect(queries).toHaveLength(r.asked.length);
    expect(r.queries).toBe(r.asked.length);
    expect(r.steps.at(-1)).toMatchObject({ kind: 'result', result: 'pass' });
  });
});

describe('organizational domains', () => {
  const uk = zone({
    'a.b.example.co.uk': [A],
    'example.co.uk': [A],
    '_dmarc.example.co.uk': ['v=DMARC1; p=reject; sp=quarantine'],
  });

  it('RFC 7489: a.b.example.co.uk → example.co.uk by the Public Suffix List, two queries', () => {
    const r = dmarc(uk, 'rfc7489', { fromDomain: 'a.b.example.co.uk', spf: pass('mail.example.co.uk') });
    expect(r).toMatchObject({ result: 'pass', organizationalDomain: 'example.co.uk', policyTag: 'sp' });
    expect(r.asked).toEqual(['TXT _dmarc.a.b.example.co.uk', 'TXT _dmarc.example.co.uk']);
  });

  it('RFC 9989: the same answer by the tree walk, which asks up to the top-level label', () => {
    const r = dmarc(uk, 'rfc9989', { fromDomain: 'a.b.example.co.uk', spf: pass('mail.example.co.uk') });
    expect(r).toMatchObject({ result: 'pass', organizationalDomain: 'example.co.uk', policyTag: 'sp' });
    expect(r.asked.slice(0, 5)).toEqual([
      'TXT _dmarc.a.b.example.co.uk',
      'TXT _dmarc.b.example.co.uk',
      'TXT _dmarc.example.co.uk',
      'TXT _dmarc.co.uk',
      'TXT _dmarc.uk',
    ]);
    // The SPF domain's own walk reuses the cached answers: one new query.
    expect(r.asked.slice(5)).toEqual(['TXT _dmarc.mail.example.co.uk']);
  });

  it('RFC 9989: with records at several levels the one with the fewest labels is the Organizational Domain', () => {
    const d = zone({
      'x.b.example.co.uk': [A],
      '_dmarc.b.example.co.uk': ['v=DMARC1; p=none'],
      '_dmarc.example.co.uk': ['v=DMARC1; p=reject; sp=quarantine'],
    });
    const r = dmarc(d, 'rfc9989', { fromDomain: 'x.b.example.co.uk' });
    expect(r).toMatchObject({
      organizationalDomain: 'example.co.uk',
      policyDomain: 'example.co.uk',
      policy: 'quarantine',
    });
  });

  it('a public-suffix From domain is its own organizational domain under both', () => {
    const d = zone({ 'co.uk': [A], '_dmarc.co.uk': ['v=DMARC1; p=reject'] });
    for (const mode of BOTH) {
      const r = dmarc(d, mode, { fromDomain: 'co.uk', spf: pass('co.uk') });
      expect(r).toMatchObject({ result: 'pass', organizationalDomain: 'co.uk', policyDomain: 'co.uk' });
    }
  });

  it('RFC 9989: a name of more than eight labels is queried, then cut to seven, at most 8 queries', () => {
    const from = 'a.b.c.d.e.f.g.h.example.com';
    const r = dmarc(zone({}), 'rfc9989', { fromDomain: from });
    expect(r.asked).toEqual([
      `TXT _dmarc.${from}`,
      'TXT _dmarc.d.e.f.g.h.example.com',
      'TXT _dmarc.e.f.g.h.example.com',
      'TXT _dmarc.f.g.h.example.com',
      'TXT _dmarc.g.h.example.com',
      'TXT _dmarc.h.example.com',
      'TXT _dmarc.example.com',
      'TXT _dmarc.com',
    ]);
  });
});

describe('where RFC 9989 and RFC 7489 disagree', () => {
  it('psd=n makes a subdomain its own organization: SPF from a sibling aligns only under RFC 7489', () => {
    const d = zone({
      'team.example.co.uk': [A],
      '_dmarc.team.example.co.uk': ['v=DMARC1; p=reject; psd=n'],
      '_dmarc.example.co.uk': ['v=DMARC1; p=none'],
    });
    const input = { fromDomain: 'team.example.co.uk', spf: pass('other.example.co.uk') };
    const old = dmarc(d, 'rfc7489', input);
    const bis = dmarc(d, 'rfc9989', input);
    expect(old).toMatchObject({ result: 'pass', organizationalDomain: 'example.co.uk', disposition: 'none' });
    expect(bis).toMatchObject({
      result: 'fail',
      organizationalDomain: 'team.example.co.uk',
      disposition: 'reject',
    });
    expect(bis.alignment.spf.reason).toContain('is not within team.example.co.uk');
  });

  it('a Public Suffix Domain policy (psd=y at _dmarc.example) with np= covers a non-existent domain only under RFC 9989', () => {
    const d = zone({ example: [A], '_dmarc.example': ['v=DMARC1; p=none; np=reject; psd=y'] });
    const input = { fromDomain: 'ghost.bank.example' };
    const bis = dmarc(d, 'rfc9989', input);
    expect(bis).toMatchObject({
      result: 'fail',
      organizationalDomain: 'bank.example',
      policyDomain: 'example',
      policy: 'reject',
      policyTag: 'np',
      disposition: 'reject',
    });
    expect(bis.asked).toEqual([
      'TXT _dmarc.ghost.bank.example',
      'TXT _dmarc.bank.example',
      'TXT _dmarc.example',
      'A ghost.bank.example',
    ]);
    expect(formatAuthResultsDmarc(bis)).toBe(
      'dmarc=fail (p=none np=reject dis=reject) header.from=ghost.bank.example',
    );
    const old = dmarc(d, 'rfc7489', input);
    expect(old).toMatchObject({ result: 'none', organizationalDomain: 'bank.example' });
  });

  it('np= for a non-existent subdomain (RFC 9989) versus sp= (RFC 7489 ignores np=)', () => {
    const d = zone({
      'example.com': [A],
      'real.example.com': [A],
      '_dmarc.example.com': ['v=DMARC1; p=none; sp=quarantine; np=reject'],
    });
    expect(dmarc(d, 'rfc9989', { fromDomain: 'ghost.example.com' })).toMatchObject({
      policy: 'reject',
      policyTag: 'np',
    });
    expect(dmarc(d, 'rfc7489', { fromDomain: 'ghost.example.com' })).toMatchObject({
      policy: 'quarantine',
      policyTag: 'sp',
    });
    expect(dmarc(d, 'rfc9989', { fromDomain: 'real.example.com' })).toMatchObject({
      policy: 'quarantine',
      policyTag: 'sp',
    });
  });

  it('the existence check failing is temperror (RFC 9989 only asks when np= is present)', () => {
    const d = zone(
      { 'example.com': [A], '_dmarc.example.com': ['v=DMARC1; p=none; np=reject'] },
      { 'ghost.example.com': 'servfail' },
    );
    expect(dmarc(d, 'rfc9989', { fromDomain: 'ghost.example.com' }).result).toBe('temperror');
    expect(dmarc(d, 'rfc7489', { fromDomain: 'ghost.example.com' }).result).toBe('fail');
  });

  it('several records: RFC 7489 stops with none, RFC 9989 discards them and walks on', () => {
    const d = zone({
      'sub.example.com': [A],
      '_dmarc.sub.example.com': ['v=DMARC1; p=none', 'v=DMARC1; p=reject'],
      '_dmarc.example.com': ['v=DMARC1; p=quarantine'],
    });
    const old = dmarc(d, 'rfc7489', { fromDomain: 'sub.example.com' });
    expect(old.result).toBe('none');
    expect(old.reason).toContain('has 2 DMARC records');
    const bis = dmarc(d, 'rfc9989', { fromDomain: 'sub.example.com' });
    expect(bis).toMatchObject({ result: 'fail', policyDomain: 'example.com', policy: 'quarantine' });
  });

  it('pct= samples under RFC 7489 with the given random source; RFC 9989 ignores it', () => {
    const d = zone({ 'example.com': [A], '_dmarc.example.com': ['v=DMARC1; p=reject; pct=50'] });
    const at = (draw: number) => dmarc(d, 'rfc7489', { fromDomain: 'example.com', random: () => draw });
    expect(at(0.3)).toMatchObject({ policy: 'reject', disposition: 'reject' });
    expect(at(0.7)).toMatchObject({ policy: 'reject', disposition: 'quarantine' });
    const bis = dmarc(d, 'rfc9989', { fromDomain: 'example.com', random: () => 0.7 });
    expect(bis.disposition).toBe('reject');
    expect(bis.steps).toContainEqual(
      expect.objectContaining({ kind: 'note', message: expect.stringContaining('pct= is ignored') }),
    );
  });

  it('pct=0 with quarantine applies none; random is not drawn when pct=100 or the message passes', () => {
    const d = zone({
      'a.example': [A],
      '_dmarc.a.example': ['v=DMARC1; p=quarantine; pct=0'],
      'b.example': [A],
      '_dmarc.b.example': ['v=DMARC1; p=reject'],
    });
    expect(dmarc(d, 'rfc7489', { fromDomain: 'a.example', random: () => 0 }).disposition).toBe('none');
    const random = vi.fn(() => 0.5);
    dmarc(d, 'rfc7489', { fromDomain: 'b.example', random });
    dmarc(d, 'rfc7489', { fromDomain: 'a.example', spf: pass('a.example'), random });
    expect(random).not.toHaveBeenCalled();
  });

  it('t=y lowers the disposition one level under RFC 9989 and is ignored by RFC 7489', () => {
    const d = zone({ 'example.com': [A], '_dmarc.example.com': ['v=DMARC1; p=reject; t=y'] });
    expect(dmarc(d, 'rfc9989', { fromDomain: 'example.com' })).toMatchObject({
      policy: 'reject',
      disposition: 'quarantine',
    });
    const old = dmarc(d, 'rfc7489', { fromDomain: 'example.com' });
    expect(old).toMatchObject({ policy: 'reject', disposition: 'reject' });
    expect(old.warnings).toContainEqual(expect.stringContaining('t= is not part of RFC 7489'));
  });

  it('a DNS failure above a found record: RFC 9989 cannot decide relaxed alignment, RFC 7489 never asks', () => {
    const d = zone(
      { 'example.com': [A], '_dmarc.example.com': ['v=DMARC1; p=reject'] },
      { '_dmarc.com': 'timeout' },
    );
    const input = { fromDomain: 'example.com', spf: pass('bounce.example.com') };
    expect(dmarc(d, 'rfc9989', input).result).toBe('temperror');
    expect(dmarc(d, 'rfc7489', input).result).toBe('pass');
    // An identical identifier still passes: it needs no Organizational Domain.
    expect(dmarc(d, 'rfc9989', { ...input, dkim: [pass('example.com')] }).result).toBe('pass');
  });
});
