/**
 * Text formats the views share: the virtual clock, durations, and DNS records
 * and answers in the presentation `dig` uses, so a learner can compare what the
 * lab shows with what a real resolver prints.
 */
import type { DnsAnswer, ResourceRecord } from '../../../simulators/index.ts';

/** Virtual time as `mm:ss.mmm` (with `h:` in front from one hour on): `150` → `00:00.150`. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms));
  const millis = total % 1000;
  const seconds = Math.floor(total / 1000) % 60;
  const minutes = Math.floor(total / 60_000) % 60;
  const hours = Math.floor(total / 3_600_000);
  const mmss = `${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(millis, 3)}`;
  return hours > 0 ? `${hours}:${mmss}` : mmss;
}

/** A duration or instant in virtual ms for prose: `15 ms`, `2.5 ms`. */
export function formatMs(ms: number): string {
  // Jitter makes fractional times; one decimal is as precise as a learner needs.
  const rounded = Math.round(ms * 10) / 10;
  return `${rounded} ms`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A domain name as written in a zone file: absolute, with its trailing dot (`mx.example.net.`, root `.`). */
export function absoluteName(name: string): string {
  return name === '' || name.endsWith('.') ? name || '.' : `${name}.`;
}

/** A record's data as `dig` prints it: `10 mx.example.net.`, `"v=spf1 -all"`. */
export function formatRdata(record: ResourceRecord): string {
  switch (record.type) {
    case 'A':
    case 'AAAA':
      return record.address;
    case 'MX':
      return `${record.preference} ${absoluteName(record.exchange)}`;
    case 'TXT':
      return record.strings.map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(' ');
    case 'CNAME':
    case 'PTR':
      return absoluteName(record.target);
    case 'NS':
      return absoluteName(record.host);
    case 'SOA':
      return [
        absoluteName(record.mname),
        absoluteName(record.rname),
        record.serial,
        record.refresh,
        record.retry,
        record.expire,
        record.minimum,
      ].join(' ');
  }
}

/** One record on one line, without TTL and class: `example.net. MX 10 mx.example.net.` */
export function formatRecordLine(record: ResourceRecord): string {
  return `${absoluteName(record.name)} ${record.type} ${formatRdata(record)}`;
}

/**
 * An answer in one line: its records joined with `; `, or the outcome when
 * there are none (`NXDOMAIN`, `NODATA`, `SERVFAIL`, `TIMEOUT`).
 */
export function formatAnswer(answer: DnsAnswer): string {
  if (answer.answers.length > 0 && answer.rcode === 'NOERROR')
    return answer.answers.map(formatRecordLine).join('; ');
  // RFC 2308 §2.2: NOERROR with an empty answer section is called NODATA.
  return answer.rcode === 'NOERROR' ? 'NODATA' : answer.rcode;
}
