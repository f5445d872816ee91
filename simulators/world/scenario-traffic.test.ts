import { describe, expect, it } from 'vitest';
import { dmarcRolloutScenario } from './presets/dmarc-rollout.ts';
import { parseScenario, ScenarioError, type ScenarioInput } from './scenario.ts';

function problems(data: ScenarioInput): readonly string[] {
  try {
    parseScenario(data);
    return [];
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
}

describe('scenario traffic, forwarding and DMARC reports', () => {
  it('accepts the dmarc-rollout preset and fills in stream defaults', () => {
    const s = parseScenario(dmarcRolloutScenario);
    expect(s.traffic.map((t) => [t.user ?? t.host, t.count, t.dkim.length])).toEqual([
      ['alice@example.com', 28, 0],
      ['alice@example.com', 14, 0],
      ['mta.newsletter.example', 14, 2],
      ['mail.phish.example', 21, 0],
    ]);
    expect(s.hosts.find((h) => h.id === 'mx.example.net')?.dmarcReports).toEqual({ orgName: 'example.net' });
    expect(s.users.find((u) => u.address === 'bob@alumni.example')?.forwardTo).toEqual(['bob@example.net']);
  });

  it('names what is wrong with a stream', () => {
    const base = dmarcRolloutScenario;
    const bad: ScenarioInput = {
      ...base,
      traffic: [
        {
          user: 'alice@example.com',
          host: 'mail.phish.example',
          to: ['bob@example.net'],
          subject: 's',
          everyMs: 1000,
          count: 1,
        },
        { user: 'bob@example.net', to: ['x@example.com'], subject: 's', everyMs: 1000, count: 1 },
        {
          user: 'alice@example.com',
          mailFrom: 'x@example.org',
          to: ['bob@example.net'],
          subject: 's',
          everyMs: 1000,
          count: 1,
        },
        { host: 'alice-laptop', to: ['bob@example.net'], subject: 's', everyMs: 1000, count: 1 },
        {
          host: 'mail.phish.example',
          dkim: [{ domain: 'example.com', selector: 'ed2026' }],
          to: ['not an address'],
          subject: 's',
          everyMs: 10,
          count: 0,
        },
      ],
    };
    expect(problems(bad)).toEqual([
      'traffic[4].to[0]: must be an address like bob@example.net',
      'traffic[4].everyMs: Too small: expected number to be >=1000',
      'traffic[4].count: Too small: expected number to be >=1',
      'traffic[0]: a stream has either a user or a host',
      'traffic[1].user: bob@example.net has no mail program (mua)',
      'traffic[2].user: from, mailFrom and dkim are for host streams; a user sends as themselves',
      "traffic[3].host: no host 'alice-laptop' with the mta role",
      'traffic[4].dkim[0]: no DKIM key ed2026._domainkey.example.com signed by mail.phish.example in dkim',
    ]);
  });
});
