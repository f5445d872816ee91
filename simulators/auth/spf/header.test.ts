import { describe, expect, it } from 'vitest';
import { spfInputFor, type SpfResult } from './evaluate.ts';
import { formatAuthResultsSpf, formatReceivedSpf } from './header.ts';

const result = (r: Partial<SpfResult> & Pick<SpfResult, 'result'>): SpfResult => ({
  reason: 'because',
  lookups: 0,
  voidLookups: 0,
  steps: [],
  ...r,
});

describe('Received-SPF (RFC 7208 §9.1)', () => {
  const input = spfInputFor({ ip: '192.0.2.1', mailFrom: 'myname@example.com', helo: 'foo.example.com' });

  it('writes the result, the comment and the key-value pairs, folded under 78 columns', () => {
    const text = formatReceivedSpf(
      result({ result: 'pass', mechanism: 'ip4:192.0.2.0/24' }),
      input,
      'mybox.example.org',
    );
    expect(text).toBe(
      'Received-SPF: pass (mybox.example.org: domain of myname@example.com designates\r\n' +
        ' 192.0.2.1 as permitted sender) client-ip=192.0.2.1;\r\n' +
        ' envelope-from="myname@example.com"; helo=foo.example.com;\r\n' +
        ' receiver=mybox.example.org; identity=mailfrom; mechanism="ip4:192.0.2.0/24";',
    );
    for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  });

  it.each([
    ['fail', 'domain of myname@example.com does not designate 192.0.2.1 as permitted sender'],
    ['softfail', 'domain of transitioning myname@example.com does not designate 192.0.2.1'],
    ['neutral', '192.0.2.1 is neither permitted nor denied by domain of myname@example.com'],
    ['none', 'domain of myname@example.com does not designate permitted sender hosts'],
  ] as const)('%s comment', (r, comment) => {
    expect(formatReceivedSpf(result({ result: r }), input, 'mx').replace(/\r\n /g, ' ')).toContain(comment);
  });

  it('adds problem= for errors, quoting as needed, and quotes IPv6 client-ip', () => {
    const v6 = spfInputFor({ ip: '2001:DB8::1', mailFrom: '', helo: 'mail.example.com' });
    const text = formatReceivedSpf(
      result({ result: 'permerror', reason: 'bad "record" (x)' }),
      v6,
      'mx',
    ).replace(/\r\n /g, ' ');
    expect(text).toContain('client-ip="2001:db8::1";');
    expect(text).toContain('problem="bad \\"record\\" (x)";');
    expect(text).toContain('identity=helo;');
    expect(text).not.toContain('envelope-from');
  });
});

describe('Authentication-Results spf= (RFC 8601 §2.7.2)', () => {
  it('uses smtp.mailfrom with the domain, or smtp.helo', () => {
    const mf = spfInputFor({ ip: '192.0.2.1', mailFrom: 'a@example.com', helo: 'h.example.net' });
    expect(formatAuthResultsSpf(result({ result: 'pass' }), mf)).toBe('spf=pass smtp.mailfrom=example.com');
    const helo = spfInputFor({ ip: '192.0.2.1', mailFrom: '', helo: 'h.example.net' });
    expect(formatAuthResultsSpf(result({ result: 'none' }), helo)).toBe('spf=none smtp.helo=h.example.net');
  });
});
