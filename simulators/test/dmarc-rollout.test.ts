/**
 * The dmarc-rollout preset, a simulated week at a time: example.com starts at
 * p=none, reads mx.example.net's daily aggregate reports (RFC 9990), fixes
 * its newsletter service, then moves to quarantine and to reject. The
 * reports arrive as mail in dmarc-reports@example.com and are read back
 * from there, as the domain owner would.
 */
import { describe, expect, it } from 'vitest';
import { webCryptoDkim, type SubtleLike } from '../auth/dkim/index.ts';
import { checkFeedback } from '../auth/dmarc/report-schema.ts';
import { readReportEmail } from '../auth/dmarc/report-reader.ts';
import type { FeedbackReport } from '../auth/dmarc/report-types.ts';
import { parseXml } from '../auth/dmarc/xml-parser.ts';
import { utf8Text } from '../core/bytes.ts';
import { dmarcRolloutScenario } from '../world/presets/dmarc-rollout.ts';
import type { ScenarioInput } from '../world/scenario.ts';
import { World } from '../world/world.ts';

const DAY = 86_400_000;
const crypto = webCryptoDkim(globalThis.crypto.subtle as unknown as SubtleLike);
const START = 1_795_996_800; // 2026-11-30T00:00:00Z

const zoneText = (origin: string, scenario: ScenarioInput = dmarcRolloutScenario): string => {
  const z = scenario.dns.zones?.find((x) => x.origin === origin)?.text;
  return Array.isArray(z) ? z.join('\n') : (z ?? '');
};

/** example.com's zone with another DMARC record, and the newsletter's key delegated or not. */
function exampleCom(dmarc: string, fixed: boolean): string {
  let text = zoneText('example.com').replace(/^_dmarc .*$/m, `_dmarc  IN TXT  "${dmarc}"`);
  // The fix the zone's comment describes: point the service's selector at its key.
  if (fixed) text += 'nl2026._domainkey IN CNAME example-com.dkim.newsletter.example.\n';
  return text;
}

/** The reports in the domain owner's mailbox, parsed. */
function reports(world: World): { report: FeedbackReport; xml: string; raw: string }[] {
  const inbox = world.account('dmarc-reports@example.com')?.inbox.messages ?? [];
  return inbox.map((m) => {
    const read = readReportEmail(m.raw);
    if (!read?.ok || !read.parse.ok) throw new Error(`unreadable report: ${JSON.stringify(read)}`);
    expect(read.parse.warnings).toEqual([]);
    return { report: read.parse.report, xml: read.xml, raw: utf8Text(m.raw) };
  });
}

/** A record as `ip count disposition dkim/spf`, with its reasons. */
const rows = (r: FeedbackReport) =>
  r.records.map(
    (x) =>
      `${x.sourceIp} ${x.count} ${x.disposition} dkim=${x.dkim} spf=${x.spf}${x.reasons.map((y) => ` ${y.type}`).join('')}`,
  );

describe('the dmarc-rollout week', () => {
  it('reports daily while the owner moves from none to quarantine to reject (RFC 9990, RFC 9989)', async () => {
    const world = new World(dmarcRolloutScenario, { crypto });
    // Days 1–2: monitoring.
    await world.settle({ until: 2 * DAY + 60_000 });
    world.applyZone(
      'example.com',
      exampleCom('v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@example.com', true),
    );
    // Days 3–4: quarantine, the newsletter fixed.
    await world.settle({ until: 4 * DAY + 60_000 });
    world.applyZone(
      'example.com',
      exampleCom('v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com', true),
    );
    // Days 5–7: reject, and the week's last report.
    await world.settle();
    expect(world.now).toBeLessThan(7 * DAY + 60_000);

    const week = reports(world);
    expect(week.map(({ report }) => [report.metadata.begin, report.metadata.end, report.policy.p])).toEqual(
      [0, 1, 2, 3, 4, 5, 6].map((d) => [
        START + d * 86_400,
        START + (d + 1) * 86_400 - 1,
        d < 2 ? 'none' : d < 4 ? 'quarantine' : 'reject',
      ]),
    );
    const monitoring = [
      '192.0.2.25 4 none dkim=pass spf=pass',
      '203.0.113.66 3 none dkim=fail spf=fail',
      '203.0.113.80 2 none dkim=fail spf=fail',
      '203.0.113.40 2 none dkim=pass spf=fail',
    ];
    const enforcing = (spoofed: string) => [
      '192.0.2.25 4 pass dkim=pass spf=pass',
      `203.0.113.66 3 ${spoofed} dkim=fail spf=fail`,
      '203.0.113.80 2 pass dkim=pass spf=fail',
      '203.0.113.40 2 pass dkim=pass spf=fail',
    ];
    expect(week.map(({ report }) => rows(report))).toEqual([
      monitoring,
      monitoring,
      enforcing('quarantine'),
      enforcing('quarantine'),
      enforcing('reject'),
      enforcing('reject'),
      enforcing('reject'),
    ]);

    // Under p=none the report shows who sends as example.com, and why each fails or passes.
    const first = week[0]!.report;
    expect(first.metadata).toMatchObject({
      orgName: 'example.net',
      email: 'dmarc-noreply@example.net',
      generator: 'Mailroom',
    });
    expect(first.policy).toEqual({
      domain: 'example.com',
      discoveryMethod: 'treewalk',
      adkim: 'r',
      aspf: 'r',
      p: 'none',
      sp: 'none',
      np: 'none',
      fo: '0',
      testing: 'n',
    });
    expect(first.records.map((r) => [r.envelopeFrom, r.dkimResults, r.spfResults])).toEqual([
      [
        'example.com',
        [{ domain: 'example.com', selector: 'ed2026', result: 'pass' }],
        [{ domain: 'example.com', scope: 'mfrom', result: 'pass' }],
      ],
      ['phish.example', [], [{ domain: 'phish.example', scope: 'mfrom', result: 'none' }]],
      [
        'newsletter.example',
        [
          { domain: 'newsletter.example', selector: 'esp2026', result: 'pass' },
          {
            domain: 'example.com',
            selector: 'nl2026',
            result: 'permerror',
            humanResult:
              'no key for signature: no TXT record at nl2026._domainkey.example.com (RFC 6376 §6.1.2)',
          },
        ],
        [{ domain: 'newsletter.example', scope: 'mfrom', result: 'pass' }],
      ],
      [
        'example.com',
        [{ domain: 'example.com', selector: 'ed2026', result: 'pass' }],
        [{ domain: 'example.com', scope: 'mfrom', result: 'fail' }],
      ],
    ]);
    // Once fixed, the service's example.com signature passes and comes first.
    expect(week[2]!.report.records[2]?.dkimResults.map((d) => `${d.domain} ${d.result}`)).toEqual([
      'example.com pass',
      'newsletter.example pass',
    ]);

    // Every report conforms to RFC 9990's schema and came as RFC 9990 §3.5.2 mail.
    for (const { report, xml, raw } of week) {
      const tree = parseXml(xml);
      expect(tree.ok && checkFeedback(tree.root, 'rfc9990')).toEqual([]);
      const file = `example.net!example.com!${report.metadata.begin}!${report.metadata.end}!${report.metadata.reportId}.xml.gz`;
      expect(raw).toContain(`filename="${file}"`);
      expect(raw).toContain(
        `Subject: Report Domain: example.com\r\n Submitter: example.net\r\n Report-ID: <${report.metadata.reportId}>`,
      );
      // RFC 9990 §3.5.2: report mail must itself pass DMARC.
      expect(raw).toMatch(/dmarc=pass \(p=none dis=none\) header\.from=example\.net/);
    }

    // The dispositions really happened: bob's Junk holds the quarantined forgeries, the rejected ones never came.
    const bob = world.account('bob@example.net')!;
    expect(bob.inbox.messages.length).toBe(77 - 6 - 9);
    expect(
      bob.specialMailbox('\\Junk')?.messages.map((m) => /Subject: (.*)/.exec(utf8Text(m.raw))?.[1]),
    ).toEqual([7, 8, 9, 10, 11, 12].map((k) => `Invoice overdue: pay today (${k}/21)`));
    const rejected = world.trace.events.filter((e) => e.type === 'agent' && e.action === 'rejected');
    expect(rejected.length).toBe(9);
    // Every receiver evaluates: the MX 77 times, the forwarder alice's 14, example.com the 7 reports.
    const evaluated = new Map<string, number>();
    for (const e of world.trace.events)
      if (e.type === 'dmarc.evaluated') evaluated.set(e.host, (evaluated.get(e.host) ?? 0) + 1);
    expect(Object.fromEntries(evaluated)).toEqual({
      'mx.example.net': 77,
      'mx.alumni.example': 14,
      'smtp.example.com': 7,
    });
  }, 120_000);

  it('is deterministic: the same scenario and seed mail the same report, byte for byte', async () => {
    const day = async () => {
      const world = new World(dmarcRolloutScenario, { crypto });
      await world.settle({ until: DAY + 60_000 });
      return world.account('dmarc-reports@example.com')?.inbox.messages.map((m) => utf8Text(m.raw));
    };
    const [a, b] = [await day(), await day()];
    expect(a).toHaveLength(1);
    expect(b).toEqual(a);
  }, 60_000);

  it.each([
    ['none', false, 'delivered', { inbox: 77, junk: 0, rejected: 0 }],
    ['quarantine', true, 'quarantined', { inbox: 56, junk: 21, rejected: 0 }],
    ['reject', true, 'rejected', { inbox: 56, junk: 0, rejected: 21 }],
  ] as const)(
    'a whole week at p=%s (newsletter fixed: %s): seven reports, the forgeries %s',
    async (p, fixed, _done, mail) => {
      const scenario: ScenarioInput = {
        ...dmarcRolloutScenario,
        dns: {
          ...dmarcRolloutScenario.dns,
          zones: dmarcRolloutScenario.dns.zones?.map((z) =>
            z.origin === 'example.com'
              ? { ...z, text: exampleCom(`v=DMARC1; p=${p}; rua=mailto:dmarc-reports@example.com`, fixed) }
              : z,
          ),
        },
      };
      const world = new World(scenario, { crypto });
      await world.settle();
      const enforcing = p !== 'none';
      const ok = enforcing ? 'pass' : 'none';
      const expected = [
        `192.0.2.25 4 ${ok} dkim=pass spf=pass`,
        `203.0.113.66 3 ${p} dkim=fail spf=fail`,
        `203.0.113.80 2 ${fixed ? `${ok} dkim=pass` : 'none dkim=fail'} spf=fail`,
        `203.0.113.40 2 ${ok} dkim=pass spf=fail`,
      ];
      expect(reports(world).map(({ report }) => [report.policy.p, rows(report)])).toEqual(
        Array.from({ length: 7 }, () => [p, expected]),
      );
      const bob = world.account('bob@example.net')!;
      expect({
        inbox: bob.inbox.messages.length,
        junk: bob.specialMailbox('\\Junk')?.messages.length,
        rejected: world.trace.events.filter((e) => e.type === 'agent' && e.action === 'rejected').length,
      }).toEqual(mail);
    },
    120_000,
  );

  it('reports a receiver that quarantines what p=reject asks to refuse, with reason local_policy', async () => {
    const scenario: ScenarioInput = {
      ...dmarcRolloutScenario,
      hosts: dmarcRolloutScenario.hosts.map((h) =>
        h.id === 'mx.example.net' ? { ...h, smtp: { dmarcRejectAsQuarantine: true } } : h,
      ),
      dns: {
        ...dmarcRolloutScenario.dns,
        zones: dmarcRolloutScenario.dns.zones?.map((z) =>
          z.origin === 'example.com'
            ? { ...z, text: exampleCom('v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com', true) }
            : z,
        ),
      },
    };
    const world = new World(scenario, { crypto });
    await world.settle({ until: DAY + 60_000 });
    const [day] = reports(world);
    expect(day?.report.records.find((r) => r.sourceIp === '203.0.113.66')).toMatchObject({
      count: 3,
      disposition: 'quarantine',
      reasons: [{ type: 'local_policy', comment: 'this receiver quarantines instead of rejecting' }],
    });
    const junk = world.account('bob@example.net')?.specialMailbox('\\Junk')?.messages ?? [];
    expect(junk.map((m) => /dmarc=fail \(p=reject dis=quarantine\)/.test(utf8Text(m.raw)))).toEqual([
      true,
      true,
      true,
    ]);
  }, 60_000);

  it('reports in the RFC 7489 shape with pct sampling, and refuses an unauthorised external destination and one too small', async () => {
    const scenario: ScenarioInput = {
      ...dmarcRolloutScenario,
      hosts: dmarcRolloutScenario.hosts.map((h) =>
        h.id === 'mx.example.net' ? { ...h, smtp: { dmarcMode: 'rfc7489' as const } } : h,
      ),
      dns: {
        ...dmarcRolloutScenario.dns,
        zones: dmarcRolloutScenario.dns.zones?.map((z) =>
          z.origin === 'example.com'
            ? {
                ...z,
                text: exampleCom(
                  'v=DMARC1; p=reject; pct=50; rua=mailto:dmarc-reports@example.com,mailto:dmarc@reports.example.org,mailto:postmaster@example.com!1k',
                  false,
                ),
              }
            : z,
        ),
      },
    };
    const world = new World(scenario, { crypto });
    await world.settle({ until: DAY + 60_000 });

    const [day, ...rest] = reports(world);
    expect(rest).toEqual([]);
    const tree = parseXml(day!.xml);
    expect(tree.ok && checkFeedback(tree.root, 'rfc7489')).toEqual([]);
    const report = day!.report;
    expect(report.format).toBe('rfc7489');
    expect(report.policy).toEqual({
      domain: 'example.com',
      adkim: 'r',
      aspf: 'r',
      p: 'reject',
      sp: 'reject',
      pct: 50,
      fo: '0',
    });
    // Failing mail is rejected, or left out of the sample and quarantined instead, with the reason (RFC 7489 §6.6.4).
    const failing = report.records.filter((r) => r.dkim === 'fail' && r.spf === 'fail');
    expect(failing.reduce((n, r) => n + r.count, 0)).toBe(5);
    for (const r of failing) {
      expect(r.reasons).toEqual(
        r.disposition === 'quarantine' ? [{ type: 'sampled_out', comment: 'pct=50' }] : [],
      );
      expect(['reject', 'quarantine']).toContain(r.disposition);
    }
    expect(new Set(failing.map((r) => r.disposition))).toEqual(new Set(['reject', 'quarantine']));

    const refused = world.trace.events.flatMap((e) =>
      e.type === 'agent' && e.action === 'destination refused' ? [e.detail['reason']] : [],
    );
    expect(refused).toEqual([
      'rua: mailto:dmarc@reports.example.org dropped: reports.example.org is another organization and publishes no "v=DMARC1" record at example.com._report._dmarc.reports.example.org (RFC 7489 §7.1)',
      expect.stringMatching(
        /^rua: mailto:postmaster@example\.com dropped: the report message is \d+ octets, over its !size limit of 1024 \(RFC 7489 §7\.2\.1\)$/,
      ),
    ]);
    const asked = world.trace.events.flatMap((e) =>
      e.type === 'dns.query' && e.purpose.startsWith('DMARC report') ? [e.purpose] : [],
    );
    expect(asked).toEqual(['DMARC report destination TXT example.com._report._dmarc.reports.example.org']);
  }, 120_000);
});
