import { describe, expect, it } from 'vitest';
import { loadReportReader, PRESETS, type ReportRecord } from '../../../simulators/index.ts';
import { Simulation } from '../sim/simulation.svelte.ts';
import { describeDay, guessSender, nextDayStop, receivedReports } from './reports.ts';

const START = Date.parse('2026-11-30T00:00:00Z');

const record = (over: Partial<ReportRecord>): ReportRecord => ({
  sourceIp: '192.0.2.1',
  count: 1,
  disposition: 'none',
  dkim: 'fail',
  spf: 'fail',
  reasons: [],
  headerFrom: 'example.com',
  dkimResults: [],
  spfResults: [],
  ...over,
});

describe('guessSender', () => {
  it.each([
    [record({ dkim: 'pass', spf: 'pass' }), 'authorised: SPF and DKIM pass for example.com'],
    [
      record({
        dkim: 'pass',
        dkimResults: [{ domain: 'example.com', selector: 's', result: 'pass' }],
        spfResults: [{ domain: 'example.com', result: 'fail' }],
      }),
      "probably a forwarder or a mailing list: example.com's DKIM signature survived, SPF failed at this hop",
    ],
    [
      record({ dkim: 'pass', spfResults: [{ domain: 'newsletter.example', result: 'pass' }] }),
      "a service signing with example.com's key; its SPF passes only for its own newsletter.example",
    ],
    [record({ spf: 'pass' }), "a sender in example.com's SPF record that does not sign as example.com"],
    [
      record({
        dkimResults: [
          { domain: 'newsletter.example', selector: 'esp', result: 'pass' },
          { domain: 'example.com', selector: 'nl', result: 'permerror' },
        ],
        spfResults: [{ domain: 'newsletter.example', result: 'pass' }],
      }),
      'a third party sending as example.com: it authenticates as newsletter.example, not as example.com',
    ],
    [
      record({ spfResults: [{ domain: 'phish.example', result: 'none' }] }),
      'probably spoofing: nothing authenticates it',
    ],
  ])('reads %j as “%s”', (r, guess) => {
    expect(guessSender(r)).toBe(guess);
  });
});

describe('nextDayStop and describeDay', () => {
  it('stops a minute after the first UTC midnight to come, so the day’s reports have arrived', () => {
    expect(nextDayStop(0, START)).toBe(86_460_000);
    expect(nextDayStop(86_460_000, START)).toBe(2 * 86_400_000 + 60_000);
    expect(nextDayStop(86_399_999, START)).toBe(86_460_000);
    expect(nextDayStop(86_400_000, START)).toBe(2 * 86_400_000 + 60_000);
    // A world that starts at 09:00 stops at 00:01 the next day.
    expect(nextDayStop(0, START + 9 * 3_600_000)).toBe(15 * 3_600_000 + 60_000);
  });

  it('names the virtual day and the UTC time', () => {
    expect(describeDay(0, START)).toBe('day 1, 00:00 UTC');
    expect(describeDay(86_460_000, START)).toBe('day 2, 00:01 UTC');
  });
});

describe('receivedReports', () => {
  it('finds the day’s report in the owner’s mailbox after one simulated day of dmarc-rollout', async () => {
    // jsdom has no WebCrypto, so DKIM is skipped: the forwarder then looks like a spoofer, as it
    // would to a receiver that does not verify signatures.
    const sim = new Simulation(PRESETS['dmarc-rollout'], {
      crypto: null,
      frames: { request: () => 0, cancel: () => {} },
    });
    await sim.fastForward(nextDayStop(sim.now, START));
    expect(sim.now).toBe(86_460_000);
    const { readReportEmail } = await loadReportReader();
    const reports = receivedReports(sim.mailboxes, sim.scenario.hosts, readReportEmail);
    expect(
      reports.map((r) => [r.mailbox, r.day, r.period, r.reporter, r.policyDomain, r.policy, r.messages]),
    ).toEqual([
      [
        'dmarc-reports@example.com',
        'Mon 30 Nov 2026',
        '30 Nov, 00:00:00 – 30 Nov, 23:59:59 UTC',
        'example.net',
        'example.com',
        'p=none sp=none np=none t=n adkim=r aspf=r',
        11,
      ],
    ]);
    expect(
      reports[0]?.rows.map((r) => [r.sourceIp, r.count, r.dkim, r.dkimAligned, r.host, r.guess]),
    ).toEqual([
      [
        '192.0.2.25',
        4,
        'none',
        false,
        'example.com mail server (smtp.example.com)',
        "a sender in example.com's SPF record that does not sign as example.com",
      ],
      [
        '203.0.113.66',
        3,
        'none',
        false,
        'Spoofer (mail.phish.example)',
        'probably spoofing: nothing authenticates it',
      ],
      [
        '203.0.113.80',
        2,
        'none',
        false,
        'Newsletter service (mta.newsletter.example)',
        'a third party sending as example.com: it authenticates as newsletter.example, not as example.com',
      ],
      [
        '203.0.113.40',
        2,
        'none',
        false,
        'Alumni forwarder (mx.alumni.example)',
        'probably spoofing: nothing authenticates it',
      ],
    ]);
    expect(reports[0]?.rows[2]).toEqual({
      sourceIp: '203.0.113.80',
      count: 2,
      disposition: 'none',
      spfAligned: false,
      dkimAligned: false,
      spf: 'pass for newsletter.example',
      dkim: 'none',
      reasons: '',
      host: 'Newsletter service (mta.newsletter.example)',
      guess:
        'a third party sending as example.com: it authenticates as newsletter.example, not as example.com',
    });
    expect(reports[0]?.xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">/,
    );
    sim.destroy();
  }, 60_000);
});
