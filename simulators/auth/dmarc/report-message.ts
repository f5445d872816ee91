/**
 * An aggregate report as email (RFC 9990 §3.5.2, RFC 7489 §7.2.1.1): an
 * RFC 5322 message with a short text part and the XML as a gzip attachment,
 * `application/gzip` (RFC 6713), named
 * `receiver!policy-domain!begin!end!unique-id.xml.gz`, under the subject
 * `Report Domain: <policy domain> Submitter: <receiver> Report-ID: <id>`.
 * The unique-id of the file name and the Report-ID are the same string, as
 * §3.1.4 asks.
 *
 * Compression is an effect, like crypto (STYLE.md §S3): {@link gzipReport}
 * returns a promise and loads fflate on first use, so the app does not load
 * a compressor with the page for something that happens once a simulated
 * day. The gzip header carries the period's end as its time, so the bytes
 * depend on the virtual clock only.
 */
import { base64Encode, utf8Bytes } from '../../core/bytes.ts';
import { formatRfc5322Date, toCivil } from '../../core/civil-time.ts';
import { formatReportXml } from './report-xml.ts';
import type { FeedbackReport } from './report-types.ts';

/** The RFC 9990 §3.5.2 attachment name. */
export function reportFilename(
  receiver: string,
  policyDomain: string,
  begin: number,
  end: number,
  uniqueId: string,
  extension: 'xml' | 'xml.gz' = 'xml.gz',
): string {
  return `${receiver}!${policyDomain}!${begin}!${end}!${uniqueId}.${extension}`;
}

/** `2026-11-30 00:00:00 UTC`, for the text part. */
function utc(seconds: number): string {
  const t = toCivil(seconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)}:${two(t.second)} UTC`;
}

/** Base64 in lines of 76 characters (RFC 2045 §6.8). */
function base64Lines(bytes: Uint8Array): string[] {
  const text = base64Encode(bytes);
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 76) lines.push(text.slice(i, i + 76));
  return lines;
}

/** The attachment: its RFC 9990 §3.5.2 name and the XML it holds. */
export interface ReportFile {
  readonly filename: string;
  readonly xml: string;
}

/** The report's file, for the Mail Receiver `receiver` (its domain). */
export function reportFile(report: FeedbackReport, receiver: string): ReportFile {
  const m = report.metadata;
  return {
    filename: reportFilename(receiver, report.policy.domain, m.begin, m.end, m.reportId),
    xml: formatReportXml(report),
  };
}

/** Gzips a report file (RFC 1952), stamped with the end of the report's period. */
export async function gzipReport(report: FeedbackReport, file: ReportFile): Promise<Uint8Array> {
  const { gzipSync } = await import('fflate');
  return gzipSync(utf8Bytes(file.xml), {
    mtime: (report.metadata.end + 1) * 1000,
    filename: file.filename.replace(/\.gz$/, ''),
  });
}

/** A composed report message. */
export interface ReportEmail {
  readonly subject: string;
  readonly messageId: string;
  /** The whole message, CRLF line ends. */
  readonly data: Uint8Array;
}

/**
 * Writes the report message from `from` (the reporting organisation's
 * address) to `to` (a `rua` destination), with `gz`, the gzipped `file`,
 * attached. The report's Report-ID must be letters and digits, so that it
 * can be the file name's unique-id too.
 */
export function composeReportEmail(
  report: FeedbackReport,
  file: ReportFile,
  gz: Uint8Array,
  options: {
    /** The Mail Receiver's domain: the Subject's Submitter. */
    readonly receiver: string;
    readonly from: string;
    readonly to: string;
    /** Epoch ms, for Date:. */
    readonly date: number;
  },
): ReportEmail {
  const { metadata: m, policy } = report;
  const id = m.reportId;
  const { filename } = file;
  const subject = `Report Domain: ${policy.domain} Submitter: ${options.receiver} Report-ID: <${id}>`;
  const messageId = `<${id}@${options.receiver}>`;
  const boundary = `----=_dmarc_${id}`;
  const messages = report.records.reduce((n, r) => n + r.count, 0);
  const spec = report.format === 'rfc9990' ? 'RFC 9990' : 'RFC 7489';
  const lines = [
    `From: "${`${m.orgName} DMARC reports`.replace(/["\\\r\n]/g, '').trim()}" <${options.from}>`,
    `To: ${options.to}`,
    // RFC 9990 §3.5.2 dmarc-subject, folded at its spaces as the RFC's own example is.
    `Subject: Report Domain: ${policy.domain}`,
    ` Submitter: ${options.receiver}`,
    ` Report-ID: <${id}>`,
    `Date: ${formatRfc5322Date(options.date)}`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    'This is a multi-part message in MIME format.',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    'Content-Transfer-Encoding: 7bit',
    '',
    `This is an aggregate DMARC report (${spec}) from ${m.orgName} for ${policy.domain}:`,
    `${messages} message${messages === 1 ? '' : 's'} from ${report.records.length} source${report.records.length === 1 ? '' : 's'},`,
    `received from ${utc(m.begin)} to ${utc(m.end)}.`,
    'The report is the attached XML, compressed with gzip.',
    '',
    `--${boundary}`,
    // Folded before the names, which alone pass 78 characters (RFC 5322 §2.1.1 allows up to 998).
    'Content-Type: application/gzip;',
    ` name="${filename}"`,
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment;',
    ` filename="${filename}"`,
    '',
    ...base64Lines(gz),
    '',
    `--${boundary}--`,
    '',
  ];
  return { subject, messageId, data: utf8Bytes(lines.join('\r\n')) };
}
