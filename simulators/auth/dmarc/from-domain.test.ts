import { describe, expect, it } from 'vitest';
import { latin1Bytes } from '../../core/bytes.ts';
import { fromDomainOf, strictestResult } from './from-domain.ts';
import type { DmarcResult } from './types.ts';

const msg = (...headers: string[]) => latin1Bytes(`${headers.join('\r\n')}\r\n\r\nbody\r\n`);

describe('fromDomainOf (RFC 7489 §6.6.1, RFC 9989 Author Domain)', () => {
  it.each([
    ['From: alice@Example.COM', 'example.com'],
    ['From: "Alice, Ltd" <alice@mail.example.org>', 'mail.example.org'],
    ['From: Alice <alice@example.org> (work)', 'example.org'],
    ['From: Team: a@example.net, b@example.net;', 'example.net'],
    ['From: a@example.net,\r\n b@EXAMPLE.net', 'example.net'],
  ])('%j → %s', (header, domain) => {
    for (const mode of ['rfc9989', 'rfc7489'] as const) {
      expect(fromDomainOf(msg('Subject: hi', header), mode)).toMatchObject({ kind: 'domain', domain });
    }
  });

  it('several domains in one From: evaluate each (RFC 7489), exempt (RFC 9989)', () => {
    const m = msg('From: a@example.com, b@example.net');
    expect(fromDomainOf(m, 'rfc7489')).toMatchObject({
      kind: 'several',
      domains: ['example.com', 'example.net'],
    });
    expect(fromDomainOf(m, 'rfc9989')).toMatchObject({
      kind: 'exempt',
      domains: ['example.com', 'example.net'],
    });
  });

  it.each([
    [msg('Subject: no from'), 'no-from', 'the message has no From field (RFC 5322 §3.6 requires one)'],
    [
      msg('From: a@example.com', 'From: b@example.com'),
      'several-from-fields',
      'the message has 2 From fields',
    ],
    [msg('From: Undisclosed:;'), 'no-address', 'the From field holds no address'],
    [msg('From: alice'), 'no-domain', 'the From address alice (no "@domain") has no domain name'],
    [msg('From: alice@[192.0.2.1]'), 'no-domain', 'the From address [192.0.2.1] has no domain name'],
  ])('reports %#: %s', (m, problem, message) => {
    const r = fromDomainOf(m);
    expect(r).toMatchObject({ kind: 'error', problem });
    expect(r.kind === 'error' && r.message).toContain(message);
  });

  it('strictestResult picks the strictest failing disposition (RFC 7489 §6.6.1)', () => {
    const r = (result: DmarcResult['result'], disposition: DmarcResult['disposition']) =>
      ({ result, disposition }) as DmarcResult;
    expect(strictestResult([r('pass', 'none'), r('fail', 'quarantine'), r('fail', 'reject')])).toEqual(
      r('fail', 'reject'),
    );
    expect(strictestResult([r('pass', 'none'), r('none', 'none')])).toEqual(r('pass', 'none'));
    expect(() => strictestResult([])).toThrow(RangeError);
  });
});
