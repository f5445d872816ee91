import { gzipSync, zipSync } from 'fflate';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { base64Encode, utf8Bytes, utf8Text } from '../../core/bytes.ts';
import { parseDmarcRecord } from './record.ts';
import { authorizeReportDestinations, mailtoAddress } from './report-destination.ts';
import { composeReportEmail, gzipReport, reportFile, reportFilename } from './report-message.ts';
import { readReportEmail } from './report-reader.ts';
import { formatReportXml } from './report-xml.ts';
import type { FeedbackReport } from './report-types.ts';
import { runDmarc } from './evaluate.ts';
import { reportArb } from './testing/reports.ts';
import { zone } from './testing/zone.ts';
import { loadPublicSuffixList } from './org-domain.ts';

// RFC 7489's organizational domain needs the Public Suffix List, loaded on first need.
beforeAll(() => loadPublicSuffixList());

const REPORT: FeedbackReport = {
  format: 'rfc9990',
  version: '1.0',
  metadata: {
    orgName: 'example.net',
    email: 'dmarc-noreply@example.net',
    reportId: '9f2c4d1e0b3a5f68',
    begin: 1796083200,
    end: 1796169599,
    errors: [],
  },
  policy: { domain: 'example.com', p: 'none' },
  records: [
    {
      sourceIp: '192.0.2.25',
      count: 4,
      disposition: 'none',
      dkim: 'pass',
      spf: 'pass',
      reasons: [],
      headerFrom: 'example.com',
      dkimResults: [],
      spfResults: [],
    },
  ],
};

/** The report's file, gzipped, and the message that carries it. */
async function compose(report: FeedbackReport) {
  const file = reportFile(report, 'example.net');
  const gz = await gzipReport(report, file);
  return { file, gz, email: composeReportEmail(report, file, gz, OPTIONS) };
}

const OPTIONS = {
  receiver: 'example.net',
  from: 'dmarc-noreply@example.net',
  to: 'r@example.com',
  date: 1796169600_000,
};

/** A message with one attachment. */
function withAttachment(name: string, type: string, content: Uint8Array): Uint8Array {
  return utf8Bytes(
    [
      'From: a@example.net',
      'Subject: report',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'hello',
      '--b',
      `Content-Type: ${type}; name="${name}"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${name}"`,
      '',
      base64Encode(content),
      '--b--',
      '',
    ].join('\r\n'),
  );
}

describe('composeReportEmail', () => {
  it('names the file receiver!policy-domain!begin!end!unique-id.xml.gz and writes the RFC 9990 §3.5.2 subject', async () => {
    const { file, email } = await compose(REPORT);
    expect(file.filename).toBe('example.net!example.com!1796083200!1796169599!9f2c4d1e0b3a5f68.xml.gz');
    expect(email.subject).toBe(
      'Report Domain: example.com Submitter: example.net Report-ID: <9f2c4d1e0b3a5f68>',
    );
    const text = utf8Text(email.data);
    expect(text.split('\r\n\r\n')[0]).toBe(
      [
        'From: "example.net DMARC reports" <dmarc-noreply@example.net>',
        'To: r@example.com',
        'Subject: Report Domain: example.com',
        ' Submitter: example.net',
        ' Report-ID: <9f2c4d1e0b3a5f68>',
        'Date: Wed, 2 Dec 2026 00:00:00 +0000',
        'Message-ID: <9f2c4d1e0b3a5f68@example.net>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="----=_dmarc_9f2c4d1e0b3a5f68"',
      ].join('\r\n'),
    );
    expect(text).toContain(
      'Content-Type: application/gzip;\r\n name="example.net!example.com!1796083200!1796169599!9f2c4d1e0b3a5f68.xml.gz"',
    );
    expect(text).toContain(
      '4 messages from 1 source,\r\nreceived from 2026-12-01 00:00:00 UTC to 2026-12-01 23:59:59 UTC.',
    );
    // RFC 5322 §2.1.1: 78 characters a line, but for the file names.
    expect(text.split('\r\n').filter((line) => line.length > 78)).toEqual([
      ' filename="example.net!example.com!1796083200!1796169599!9f2c4d1e0b3a5f68.xml.gz"',
    ]);
  });

  it('is a function of the report and the time: the gzip header holds the period end, not the real clock', async () => {
    const { gz, email } = await compose(REPORT);
    // RFC 1952 §2.3.1: MTIME, little-endian seconds, at offset 4.
    expect(new DataView(gz.buffer, gz.byteOffset).getUint32(4, true)).toBe(REPORT.metadata.end + 1);
    expect((await compose(REPORT)).email.data).toEqual(email.data);
  });

  it('is read back by readReportEmail: the same XML, the same report (property)', async () => {
    await fc.assert(
      fc.asyncProperty(reportArb('rfc9990'), async (report) => {
        const safe = { ...report, metadata: { ...report.metadata, reportId: '0a1b2c' } };
        const { file, email } = await compose(safe);
        expect(readReportEmail(email.data)).toEqual({
          ok: true,
          filename: file.filename,
          xml: file.xml,
          parse: { ok: true, report: safe, warnings: [] },
        });
      }),
      { numRuns: 100 },
    );
  });
});

describe('reportFilename', () => {
  it('follows the RFC 9990 §3.5.2 ABNF example', () => {
    expect(reportFilename('mail.receiver.example', 'example.com', 1013662812, 1013749130, 'x1', 'xml')).toBe(
      'mail.receiver.example!example.com!1013662812!1013749130!x1.xml',
    );
  });
});

describe('readReportEmail', () => {
  const xml = utf8Bytes(formatReportXml(REPORT));

  it('reads gzip, zip (RFC 7489 §7.2.1.1) and plain XML attachments', () => {
    for (const [name, type, content] of [
      ['r.xml.gz', 'application/gzip', gzipSync(xml, { mtime: 0 })],
      ['r.zip', 'application/zip', zipSync({ 'r.xml': xml }, { mtime: '2026-01-01' })],
      ['r.xml', 'text/xml', xml],
    ] as const) {
      const read = readReportEmail(withAttachment(name, type, content));
      expect(read?.ok && read.parse.ok && read.parse.report).toEqual(REPORT);
    }
  });

  it('refuses to inflate past its limit (RFC 9990 §8.1, "zip bombs")', () => {
    const bomb = gzipSync(new Uint8Array(5_000_000), { mtime: 0 });
    expect(bomb.length).toBeLessThan(10_000);
    expect(readReportEmail(withAttachment('b.xml.gz', 'application/gzip', bomb), 1_000_000)).toEqual({
      ok: false,
      filename: 'b.xml.gz',
      reason: 'the report decompresses to more than 1000000 octets; it is not read',
    });
  });

  it('says what is wrong with damaged archives, and ignores messages without a report', () => {
    const gz = gzipSync(xml, { mtime: 0 });
    expect(readReportEmail(withAttachment('r.xml.gz', 'application/gzip', gz.subarray(0, 40)))).toEqual({
      ok: false,
      filename: 'r.xml.gz',
      reason: 'the gzip data is damaged (unexpected EOF)',
    });
    expect(readReportEmail(withAttachment('r.zip', 'application/zip', utf8Bytes('PK not a zip')))?.ok).toBe(
      false,
    );
    expect(readReportEmail(withAttachment('photo.png', 'image/png', new Uint8Array([1, 2])))).toBeUndefined();
    expect(readReportEmail(utf8Bytes('Subject: hi\r\n\r\nno attachment\r\n'))).toBeUndefined();
  });

  it('never throws on random attachments (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('a.xml.gz', 'a.zip', 'a.xml'),
        (bytes, name) => {
          readReportEmail(withAttachment(name, 'application/octet-stream', bytes));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('authorizeReportDestinations (RFC 9990 §4, RFC 7489 §7.1)', () => {
  const dns = zone({
    '_dmarc.example.com': ['v=DMARC1; p=none'],
    'example.com._report._dmarc.reports.example.org': ['v=DMARC1'],
    '_dmarc.example.org': ['v=DMARC1; p=none'],
  });
  const check = (rua: string, mode: 'rfc9989' | 'rfc7489' = 'rfc9989') => {
    const parsed = parseDmarcRecord(`v=DMARC1; p=none; rua=${rua}`, mode);
    if (!parsed.ok) throw new Error('bad record');
    const asked: string[] = [];
    const result = runDmarc(authorizeReportDestinations('example.com', parsed.record.rua, mode), (q) => {
      asked.push(`${q.type} ${q.name}`);
      return dns.resolve(q);
    });
    return { uris: result.uris, warnings: result.warnings, asked };
  };

  it('uses a destination inside the policy domain without asking it', () => {
    expect(check('mailto:dmarc@example.com', 'rfc7489')).toEqual({
      uris: ['mailto:dmarc@example.com'],
      warnings: [],
      asked: [],
    });
  });

  it('uses an external destination that publishes <domain>._report._dmarc.<host>', () => {
    expect(check('mailto:agg@reports.example.org', 'rfc7489')).toEqual({
      uris: ['mailto:agg@reports.example.org'],
      warnings: [],
      asked: ['TXT example.com._report._dmarc.reports.example.org'],
    });
  });

  it('drops an external destination that does not authorise the reports', () => {
    expect(check('mailto:victim@example.net', 'rfc7489')).toEqual({
      uris: [],
      warnings: [
        'rua: mailto:victim@example.net dropped: example.net is another organization and publishes no "v=DMARC1" record at example.com._report._dmarc.example.net (RFC 7489 §7.1)',
      ],
      asked: ['TXT example.com._report._dmarc.example.net'],
    });
  });

  it('finds the organizational domain by tree walk under RFC 9989', () => {
    expect(check('mailto:a@example.com,mailto:agg@reports.example.org').uris).toEqual([
      'mailto:a@example.com',
      'mailto:agg@reports.example.org',
    ]);
  });
});

describe('mailtoAddress', () => {
  it.each([
    ['mailto:dmarc@example.com', 'dmarc@example.com'],
    // Two @ once decoded: not an address.
    ['MAILTO:d%40x@example.com?subject=hi', undefined],
    ['mailto:r%2Bdmarc@example.com?subject=x', 'r+dmarc@example.com'],
    ['https://example.com/report', undefined],
    ['mailto:%zz@example.com', '%zz@example.com'],
  ])('%s → %s', (uri, address) => {
    expect(mailtoAddress(uri)).toBe(address);
  });
});
