import { describe, expect, it } from 'vitest';
import type { DmarcResult } from '../auth/dmarc/types.ts';
import { applyLocalPolicy } from './inbound-auth.ts';

/** A DMARC result with what applyLocalPolicy reads. */
const result = (r: Pick<DmarcResult, 'result' | 'disposition'>): DmarcResult => ({
  mode: 'rfc9989',
  fromDomain: 'example.com',
  alignment: {
    spf: { domain: 'example.com', authenticated: false, aligned: false, mode: 'r', reason: '' },
    dkim: [],
  },
  reportTo: { rua: [], ruf: [] },
  reason: '',
  warnings: [],
  queries: 0,
  steps: [],
  ...r,
});

describe('applyLocalPolicy (RFC 9990 §3.1.6 override reasons)', () => {
  it('delivers failing mail from a trusted forwarder, saying so', () => {
    expect(
      applyLocalPolicy(result({ result: 'fail', disposition: 'reject' }), '203.0.113.40', {
        trustedForwarders: ['203.0.113.40'],
      }),
    ).toEqual({
      disposition: 'none',
      reason: { type: 'trusted_forwarder', comment: '203.0.113.40 is a forwarder this receiver trusts' },
    });
  });

  it('quarantines instead of rejecting when told to, as local policy', () => {
    expect(
      applyLocalPolicy(result({ result: 'fail', disposition: 'reject' }), '203.0.113.66', {
        rejectAsQuarantine: true,
      }),
    ).toEqual({
      disposition: 'quarantine',
      reason: { type: 'local_policy', comment: 'this receiver quarantines instead of rejecting' },
    });
    expect(
      applyLocalPolicy(result({ result: 'fail', disposition: 'quarantine' }), '203.0.113.66', {
        rejectAsQuarantine: true,
      }),
    ).toEqual({
      disposition: 'quarantine',
    });
  });

  it('leaves passing mail, p=none and receivers without local rules alone', () => {
    const policy = { rejectAsQuarantine: true, trustedForwarders: ['203.0.113.40'] };
    expect(applyLocalPolicy(result({ result: 'pass', disposition: 'none' }), '203.0.113.40', policy)).toEqual(
      { disposition: 'none' },
    );
    expect(applyLocalPolicy(result({ result: 'fail', disposition: 'none' }), '203.0.113.40', policy)).toEqual(
      { disposition: 'none' },
    );
    expect(applyLocalPolicy(result({ result: 'fail', disposition: 'reject' }), '203.0.113.40')).toEqual({
      disposition: 'reject',
    });
  });
});
