/**
 * What a Report Consumer does with a message that arrived at its `rua`
 * address: find the report attachment (gzip per RFC 9990 §3.5.2, zip as
 * RFC 7489 §7.2.1.1 also allowed, or plain XML), decompress it within a
 * size limit (RFC 9990 §8.1: decompressors are at risk of "zip bombs"),
 * and parse it. Never throws.
 */
import { Gunzip, unzipSync } from 'fflate';
import { listAttachments, partBytes } from '../../mime/decode.ts';
import { parseAggregateReport, decodeReportBytes, type ReportParse } from './report-parser.ts';

/** The most XML a report may decompress to. */
export const MAX_REPORT_XML_BYTES = 16 * 1024 * 1024;

/** What was found in a message. */
export type ReportEmailRead =
  | {
      readonly ok: true;
      readonly filename: string;
      /** The decompressed XML. */
      readonly xml: string;
      readonly parse: ReportParse;
    }
  | { readonly ok: false; readonly filename: string; readonly reason: string };

/** Gunzips, stopping once the output passes `limit`. */
function gunzipLimited(data: Uint8Array, limit: number): Uint8Array | string {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const stream = new Gunzip((chunk, final) => {
    total += chunk.length;
    if (total <= limit) chunks.push(chunk);
    if (final) ended = true;
  });
  try {
    for (let i = 0; i < data.length && total <= limit; i += 65_536)
      stream.push(data.subarray(i, i + 65_536), i + 65_536 >= data.length);
  } catch (e) {
    return `the gzip data is damaged (${e instanceof Error ? e.message : String(e)})`;
  }
  if (total > limit) return `the report decompresses to more than ${limit} octets; it is not read`;
  if (!ended) return 'the gzip data ends early';
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The first `.xml` file of a zip archive. */
function unzipLimited(data: Uint8Array, limit: number): Uint8Array | string {
  try {
    const files = unzipSync(data, {
      filter: (f) => f.name.toLowerCase().endsWith('.xml') && f.originalSize <= limit,
    });
    const first = Object.values(files)[0];
    return first ?? `the zip archive holds no .xml file of at most ${limit} octets`;
  } catch (e) {
    return `the zip archive is damaged (${e instanceof Error ? e.message : String(e)})`;
  }
}

/**
 * The aggregate report a message carries, or undefined when it carries
 * none (no attachment named `*.xml`, `*.xml.gz` or `*.zip`, and none of the
 * media types `application/gzip`, `application/zip` or `text/xml`).
 */
export function readReportEmail(raw: Uint8Array, limit = MAX_REPORT_XML_BYTES): ReportEmailRead | undefined {
  let attachments;
  try {
    attachments = listAttachments(raw);
  } catch {
    return undefined;
  }
  for (const a of attachments) {
    const name = (a.name ?? '').toLowerCase();
    const type = a.mediaType;
    const kind =
      name.endsWith('.gz') || type === 'application/gzip' || type === 'application/x-gzip'
        ? 'gzip'
        : name.endsWith('.zip') || type === 'application/zip' || type === 'application/x-zip-compressed'
          ? 'zip'
          : name.endsWith('.xml') || type === 'text/xml' || type === 'application/xml'
            ? 'xml'
            : undefined;
    if (kind === undefined) continue;
    const filename = a.name ?? '';
    const bytes = partBytes(raw, a.part).bytes;
    const xmlBytes =
      kind === 'gzip' ? gunzipLimited(bytes, limit) : kind === 'zip' ? unzipLimited(bytes, limit) : bytes;
    if (typeof xmlBytes === 'string') return { ok: false, filename, reason: xmlBytes };
    if (xmlBytes.length > limit)
      return { ok: false, filename, reason: `the report is larger than ${limit} octets` };
    const xml = decodeReportBytes(xmlBytes);
    return { ok: true, filename, xml, parse: parseAggregateReport(xml) };
  }
  return undefined;
}
