import { describe, expect, it } from 'vitest';
import {
  formatAuthenticationResults,
  parseAuthenticationResults,
  type AuthenticationResults,
} from './authentication-results.ts';
import type { DkimResult } from './dkim/verify.ts';
import { A, dmarc, zone } from './dmarc/testing/zone.ts';
import { spfInputFor, type SpfResult } from './spf/evaluate.ts';

const parse = (text: string): AuthenticationResults => {
  const r = parseAuthenticationResults(text);
  if (!r.ok) throw new Error(`${r.message} at ${r.position}`);
  return r.value;
};

describe('parseAuthenticationResults: RFC 8601 Appendix B', () => {
  it('B.2: nothing done', () => {
    expect(parse('example.org 1; none')).toEqual({ authservId: 'example.org', version: 1, results: [] });
  });

  it('B.3: SPF', () => {
    expect(parse('example.com; spf=pass smtp.mailfrom=example.net')).toEqual({
      authservId: 'example.com',
      results: [
        {
          method: 'spf',
          result: 'pass',
          comments: [],
          properties: [{ ptype: 'smtp', property: 'mailfrom', value: 'example.net' }],
        },
      ],
    });
  });

  it('B.4: SMTP AUTH and SPF, with a comment', () => {
    const v = parse(
      'example.com;\r\n          auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n          spf=pass smtp.mailfrom=example.net',
    );
    expect(v.results.map((r) => [r.method, r.result, r.comments, r.properties[0]?.value])).toEqual([
      ['auth', 'pass', ['cram-md5'], 'sender@example.net'],
      ['spf', 'pass', [], 'example.net'],
    ]);
  });

  it('B.5: Sender ID and DKIM', () => {
    const v = parse(
      'example.com;\r\n sender-id=fail header.from=example.com;\r\n dkim=pass (good signature) header.d=example.com',
    );
    expect(v.results[0]).toMatchObject({ method: 'sender-id', result: 'fail' });
    expect(v.results[1]).toMatchObject({
      method: 'dkim',
      comments: ['good signature'],
      properties: [{ ptype: 'header', property: 'd', value: 'example.com' }],
    });
  });

  it('B.6: two DKIM results with reason= and header.i=@domain', () => {
    const v = parse(
      'example.com;\r\n dkim=pass reason="good signature"\r\n header.i=@mail-router.example.net;\r\n dkim=fail reason="bad signature"\r\n header.i=@newyork.example.com',
    );
    expect(v.results).toEqual([
      {
        method: 'dkim',
        result: 'pass',
        reason: 'good signature',
        comments: [],
        properties: [{ ptype: 'header', property: 'i', value: '@mail-router.example.net' }],
      },
      {
        method: 'dkim',
        result: 'fail',
        reason: 'bad signature',
        comments: [],
        properties: [{ ptype: 'header', property: 'i', value: '@newyork.example.com' }],
      },
    ]);
  });

  it('B.7: comments, an iprev policy property and a method version', () => {
    const v = parse(
      'mail-router.example.net; (a comment) dkim/1=pass (good signature) header.d=newyork.example.com header.b=oINEO8hg; iprev=pass policy.iprev=192.0.2.200',
    );
    expect(v.results[0]).toMatchObject({
      method: 'dkim',
      methodVersion: 1,
      properties: [{}, { property: 'b' }],
    });
    expect(v.results[1]?.properties).toEqual([{ ptype: 'policy', property: 'iprev', value: '192.0.2.200' }]);
  });

  it.each([
    ['', 'expected the authserv-id (RFC 8601 §2.2)', 0],
    ['example.com spf=pass', 'expected ";" before the next result (RFC 8601 §2.2)', 12],
    ['example.com; spf pass', 'expected "=" after the method "spf" (RFC 8601 §2.2)', 17],
    ['example.com; spf=pass smtp', 'expected ptype.property=value, found "smtp"', 22],
    ['example.com; spf=pass (oops', 'unclosed comment', 27],
  ])('rejects %j: %s', (text, message, position) => {
    expect(parseAuthenticationResults(text)).toEqual({ ok: false, message, position });
  });
});

describe('formatAuthenticationResults', () => {
  it('writes SPF, DKIM and DMARC for one authserv-id, folded, and reads back', () => {
    const spfInput = spfInputFor({
      ip: '192.0.2.1',
      mailFrom: 'bounce@news.example.com',
      helo: 'mta.example.com',
    });
    const spf: SpfResult = { result: 'pass', reason: '', lookups: 1, voidLookups: 0, steps: [] };
    const dkim: DkimResult = {
      result: 'pass',
      reason: '',
      domain: 'example.com',
      selector: 's1',
      algorithm: 'rsa-sha256',
      identity: '@example.com',
      testing: false,
      warnings: [],
    };
    const d = dmarc(zone({ 'example.com': [A], '_dmarc.example.com': ['v=DMARC1; p=reject'] }), 'rfc9989', {
      fromDomain: 'example.com',
      dkim: [{ result: 'pass', domain: 'example.com' }],
    });
    const text = formatAuthenticationResults({
      authservId: 'mx.example.org',
      spf: { result: spf, input: spfInput },
      dkim: [dkim],
      dmarc: d,
    });
    expect(text).toBe(
      'Authentication-Results: mx.example.org;\r\n' +
        '\tspf=pass smtp.mailfrom=news.example.com;\r\n' +
        '\tdkim=pass header.d=example.com header.s=s1 header.a=rsa-sha256;\r\n' +
        '\tdmarc=pass (p=reject dis=none) header.from=example.com',
    );
    for (const line of text.split('\r\n'))
      expect(line.replace('\t', ' '.repeat(8)).length).toBeLessThanOrEqual(78);
    const back = parse(text.slice('Authentication-Results:'.length));
    expect(back.results.map((r) => `${r.method}=${r.result}`)).toEqual([
      'spf=pass',
      'dkim=pass',
      'dmarc=pass',
    ]);
    expect(back.results[2]).toMatchObject({
      comments: ['p=reject dis=none'],
      properties: [{ ptype: 'header', property: 'from', value: 'example.com' }],
    });
  });

  it('writes "; none" when nothing was checked and dkim=none without signatures', () => {
    expect(formatAuthenticationResults({ authservId: 'mx.example.org' })).toBe(
      'Authentication-Results: mx.example.org; none',
    );
    expect(formatAuthenticationResults({ authservId: 'mx.example.org', dkim: [] })).toBe(
      'Authentication-Results: mx.example.org; dkim=none',
    );
  });
});

describe('parseAuthenticationResults (property)', () => {
  it('never throws on random text', async () => {
    const fc = (await import('fast-check')).default;
    const chars = fc.constantFrom(...'a.b=;( )"\\/1@x-_'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: chars })), (text) => {
        const r = parseAuthenticationResults(text);
        if (!r.ok) expect(r.position).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 1000 },
    );
  });
});
