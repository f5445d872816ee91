/**
 * DMARC aggregate reports as the domain owner reads them: found in the
 * mailboxes they were delivered to, read by the engine (`readReportEmail`),
 * and turned into rows a learner can scan: where the mail came from, how
 * much, what the receiver did, whether SPF and DKIM aligned, and who that
 * probably is.
 *
 * "Who" comes from the lab's map (the host that owns the address, as
 * reverse DNS would tell a real owner) and a guess from the results, the
 * reasoning a postmaster applies to a report row.
 */
import type {
  FeedbackReport,
  ReportEmailRead,
  ReportRecord,
  StoredMessage,
} from '../../../simulators/index.ts';

/** The engine's reader of report mail (`loadReportReader`). */
export type ReadReportEmail = (raw: Uint8Array) => ReportEmailRead | undefined;

/** A host as the map knows it. */
export interface HostInfo {
  readonly id: string;
  readonly label?: string | undefined;
  readonly addresses: readonly string[];
}

/** One record of a report, for the table. */
export interface ReportRow {
  readonly sourceIp: string;
  readonly count: number;
  readonly disposition: string;
  readonly spfAligned: boolean;
  readonly dkimAligned: boolean;
  /** The raw SPF result, e.g. `pass for newsletter.example`. */
  readonly spf: string;
  /** The raw DKIM results, e.g. `pass for newsletter.example, permerror for example.com`. */
  readonly dkim: string;
  /** Override reasons, e.g. `sampled_out (pct=50)`. */
  readonly reasons: string;
  /** The host that owns the address on the map, e.g. `Newsletter service (mta.newsletter.example)`. */
  readonly host: string | undefined;
  readonly guess: string;
}

/** A report found in a mailbox. */
export interface ReceivedReport {
  /** `mailbox/uid`, unique on the page. */
  readonly key: string;
  readonly mailbox: string;
  readonly uid: number;
  readonly filename: string;
  /** The report's day, e.g. `Mon 30 Nov 2026`, or the file name when it could not be read. */
  readonly day: string;
  readonly period: string;
  readonly begin: number;
  readonly reporter: string;
  readonly policyDomain: string;
  /** The published policy as the report gives it, e.g. `p=none sp=none adkim=r aspf=r`. */
  readonly policy: string;
  readonly messages: number;
  readonly rows: readonly ReportRow[];
  readonly warnings: readonly string[];
  /** Why the report could not be read, when it could not. */
  readonly error?: string;
  /** The XML as it arrived (decompressed). */
  readonly xml: string;
}

const cache = new WeakMap<StoredMessage, ReportEmailRead | null>();

/** The report a stored message carries, read once per message. */
function read(message: StoredMessage, readReportEmail: ReadReportEmail): ReportEmailRead | undefined {
  let r = cache.get(message);
  if (r === undefined) {
    r = readReportEmail(message.raw) ?? null;
    cache.set(message, r);
  }
  return r ?? undefined;
}

const DAY = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

/** What a postmaster would make of a row. */
export function guessSender(r: ReportRecord): string {
  const from = r.headerFrom;
  const spfPass = r.spfResults.find((s) => s.result === 'pass');
  const foreign = [
    ...r.dkimResults.filter((d) => d.result === 'pass').map((d) => d.domain),
    ...(spfPass ? [spfPass.domain] : []),
  ].filter((d, i, all) => d !== from && all.indexOf(d) === i);
  if (r.dkim === 'pass' && r.spf === 'pass') return `authorised: SPF and DKIM pass for ${from}`;
  if (r.dkim === 'pass') {
    return spfPass !== undefined
      ? `a service signing with ${from}'s key; its SPF passes only for its own ${spfPass.domain}`
      : `probably a forwarder or a mailing list: ${from}'s DKIM signature survived, SPF failed at this hop`;
  }
  if (r.spf === 'pass') return `a sender in ${from}'s SPF record that does not sign as ${from}`;
  if (foreign.length > 0)
    return `a third party sending as ${from}: it authenticates as ${foreign.join(' and ')}, not as ${from}`;
  return 'probably spoofing: nothing authenticates it';
}

const results = (list: readonly { domain: string; result: string }[]) =>
  list.length === 0 ? 'none' : list.map((x) => `${x.result} for ${x.domain || '(no domain)'}`).join(', ');

function rowOf(r: ReportRecord, hosts: readonly HostInfo[]): ReportRow {
  const host = hosts.find((h) => h.addresses.includes(r.sourceIp));
  return {
    sourceIp: r.sourceIp,
    count: r.count,
    disposition: r.disposition,
    spfAligned: r.spf === 'pass',
    dkimAligned: r.dkim === 'pass',
    spf: results(r.spfResults),
    dkim: results(r.dkimResults),
    reasons: r.reasons.map((x) => (x.comment ? `${x.type} (${x.comment})` : x.type)).join(', '),
    host: host === undefined ? undefined : host.label ? `${host.label} (${host.id})` : host.id,
    guess: guessSender(r),
  };
}

function policyText(report: FeedbackReport): string {
  const p = report.policy;
  return [
    `p=${p.p}`,
    p.sp && `sp=${p.sp}`,
    p.np && `np=${p.np}`,
    p.pct !== undefined && `pct=${p.pct}`,
    p.testing && `t=${p.testing}`,
    p.adkim && `adkim=${p.adkim}`,
    p.aspf && `aspf=${p.aspf}`,
  ]
    .filter(Boolean)
    .join(' ');
}

/**
 * Every report in `mailboxes` (address → messages), oldest period first;
 * messages that carry no report are skipped, unreadable reports kept with
 * their error.
 */
export function receivedReports(
  mailboxes: Readonly<Record<string, readonly StoredMessage[]>>,
  hosts: readonly HostInfo[],
  readReportEmail: ReadReportEmail,
): ReceivedReport[] {
  const out: ReceivedReport[] = [];
  for (const [mailbox, messages] of Object.entries(mailboxes)) {
    for (const message of messages) {
      const r = read(message, readReportEmail);
      if (r === undefined) continue;
      const base = { key: `${mailbox}/${message.uid}`, mailbox, uid: message.uid, filename: r.filename };
      if (!r.ok || !r.parse.ok) {
        let error = '';
        if (!r.ok) error = r.reason;
        else if (!r.parse.ok) {
          const e = r.parse.error;
          error = e.line === undefined ? e.message : `${e.message} (line ${e.line}, column ${e.column ?? 1})`;
        }
        out.push({
          ...base,
          day: r.filename,
          period: '',
          begin: Number.POSITIVE_INFINITY,
          reporter: '',
          policyDomain: '',
          policy: '',
          messages: 0,
          rows: [],
          warnings: [],
          error,
          xml: r.ok ? r.xml : '',
        });
        continue;
      }
      const report = r.parse.report;
      const m = report.metadata;
      out.push({
        ...base,
        day: DAY.format(m.begin * 1000).replace(',', ''),
        period: `${TIME.format(m.begin * 1000)} – ${TIME.format(m.end * 1000)} UTC`,
        begin: m.begin,
        reporter: m.orgName,
        policyDomain: report.policy.domain,
        policy: policyText(report),
        messages: report.records.reduce((n, x) => n + x.count, 0),
        rows: report.records.map((x) => rowOf(x, hosts)),
        warnings: r.parse.warnings.map((w) => (w.path ? `${w.path}: ${w.message}` : w.message)),
        xml: r.xml,
      });
    }
  }
  return out.sort((a, b) => a.begin - b.begin || a.key.localeCompare(b.key));
}

/** One day of virtual time. */
export const DAY_MS = 86_400_000;
/** How long after midnight a run stops: reports are mailed at 00:00 and take a moment to arrive. */
export const REPORT_GRACE_MS = 60_000;

/**
 * Where "run one day" stops, as virtual time: the first UTC midnight after
 * `now`, plus {@link REPORT_GRACE_MS} (receivers report per UTC day,
 * RFC 9990 §3.1.1.4). `startEpochMs` is the wall-clock time at virtual 0.
 */
export function nextDayStop(now: number, startEpochMs: number): number {
  const wall = startEpochMs + now;
  return (Math.floor(wall / DAY_MS) + 1) * DAY_MS + REPORT_GRACE_MS - startEpochMs;
}

/** Virtual time as a day and a UTC clock time: `day 2, 00:01 UTC` (day 1 is the scenario's first). */
export function describeDay(now: number, startEpochMs: number): string {
  const day = Math.floor((startEpochMs + now) / DAY_MS) - Math.floor(startEpochMs / DAY_MS) + 1;
  const time = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: 'UTC',
  }).format(startEpochMs + now);
  return `day ${day}, ${time} UTC`;
}
