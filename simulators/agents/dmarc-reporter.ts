/**
 * A receiver's DMARC reporting agent (RFC 9990; RFC 7489 §7.2): it keeps the
 * DMARC evaluations its MTA traces (`dmarc.evaluated`, OpenDMARC's history
 * file in small), and at the end of each reporting interval of virtual time
 * it aggregates them into one report per Policy Domain, checks each `rua`
 * destination (external ones must authorise the reports in DNS, RFC 9990
 * §4), and mails the report through its own MTA queue, so it travels over
 * the simulated network like any other message.
 *
 * Theory of operation:
 * - Intervals are aligned on the wall clock from the epoch (a UTC day by
 *   default, as RFC 9990 §3.1.1.4 says they typically are); `end` is the
 *   interval's last second, so periods never overlap.
 * - Only an interval that saw an evaluation gets a timer, and nothing is
 *   scheduled after the last report: a world with reporting still comes to
 *   rest (`runUntilIdle` ends).
 * - The destinations come from the record as last discovered in the period;
 *   a record without `rua` asks for no report.
 * - The report follows the receiver's DMARC mode: RFC 9990 for RFC 9989,
 *   RFC 7489 Appendix C for RFC 7489, where a destination's `!size` limit
 *   also applies to the whole message (§7.2.1; RFC 9989 dropped it).
 */
import { toHex } from '../core/bytes.ts';
import type { HostId } from '../core/ids.ts';
import { aggregateReports, formatFor } from '../auth/dmarc/aggregate-report.ts';
import { parseDmarcRecord, type DmarcMode } from '../auth/dmarc/record.ts';
import { loadPublicSuffixList, publicSuffixListLoaded } from '../auth/dmarc/org-domain.ts';
import { authorizeReportDestinations, mailtoAddress } from '../auth/dmarc/report-destination.ts';
import { composeReportEmail, gzipReport, reportFile, type ReportFile } from '../auth/dmarc/report-message.ts';
import type { DmarcEvaluationEntry, FeedbackReport } from '../auth/dmarc/report-types.ts';
import type { Host } from '../net/network.ts';
import { driveDns } from './auth-driver.ts';
import { traceAgent, type AgentEnv } from './env.ts';

/** How a receiver reports (a host's `dmarcReports` in the scenario). */
export interface DmarcReportSettings {
  /** `org_name`, and the `receiver` part of file names. */
  readonly orgName: string;
  /** The contact address, and the sender of the reports. */
  readonly email: string;
  /** Reporting interval, virtual ms (default one day). */
  readonly intervalMs: number;
}

/** One day, the interval RFC 9990 §3.1.1.4 calls typical (RFC 7489 `ri` defaults to it too). */
export const DEFAULT_REPORT_INTERVAL_MS = 86_400_000;

/** The name the reports give as their generator (RFC 9990 §3.1.1.3). */
export const REPORT_GENERATOR = 'Mailroom';

/** What the reporter needs of its host's mail server. */
export interface ReporterDeps {
  readonly mode: DmarcMode;
  /** Puts a message in the host's outbound queue; returns its queue id. */
  enqueue(message: { mailFrom: string; rcptTo: readonly string[]; data: Uint8Array }): string;
}

/** The reporting agent of one receiving host. */
export class DmarcReporter {
  readonly #pending: { readonly wall: number; readonly entry: DmarcEvaluationEntry }[] = [];
  readonly #scheduled = new Set<number>();
  readonly #random;
  /** Reports mailed so far, oldest first (for tests and views; the trace has them too). */
  readonly sent: { readonly filename: string; readonly to: string; readonly queueId: string }[] = [];

  constructor(
    readonly env: AgentEnv,
    readonly host: Host,
    readonly settings: DmarcReportSettings,
    readonly deps: ReporterDeps,
  ) {
    this.#random = env.random(`dmarc-report:${host.id}`);
    env.trace.subscribe((event) => {
      if (event.type === 'dmarc.evaluated' && event.host === host.id) this.#record(event.evaluation);
    });
  }

  /** The receiver's domain: the part of the contact address after `@`. */
  get receiver(): string {
    return this.settings.email.slice(this.settings.email.lastIndexOf('@') + 1).toLowerCase();
  }

  #record(entry: DmarcEvaluationEntry): void {
    const wall = this.env.wallClock();
    const interval = this.settings.intervalMs;
    const start = Math.floor(wall / interval) * interval;
    this.#pending.push({ wall, entry });
    if (this.#scheduled.has(start)) return;
    this.#scheduled.add(start);
    this.env.scheduler.schedule(
      start + interval - wall,
      () => this.#report(start),
      `dmarc report ${this.host.id}`,
    );
  }

  /** Aggregates and mails the reports of the interval that starts at `start` (epoch ms). */
  #report(start: number): void {
    this.#scheduled.delete(start);
    const end = start + this.settings.intervalMs;
    const entries: DmarcEvaluationEntry[] = [];
    for (let i = 0; i < this.#pending.length;) {
      const p = this.#pending[i]!;
      if (p.wall >= start && p.wall < end) {
        entries.push(p.entry);
        this.#pending.splice(i, 1);
      } else i++;
    }
    if (entries.length === 0) return;
    const host = this.host.id as HostId;
    const reports = aggregateReports(entries, {
      format: formatFor(this.deps.mode),
      orgName: this.settings.orgName,
      email: this.settings.email,
      begin: start / 1000,
      end: end / 1000 - 1,
      // Letters and digits only, so it is also the file name's unique-id (RFC 9990 §3.1.4).
      reportId: () => toHex(this.#random.bytes(8)),
      generator: REPORT_GENERATOR,
    });
    for (const report of reports) {
      const domain = report.policy.domain;
      const last = entries.filter((e) => e.policyDomain === domain).at(-1)!;
      const parsed = parseDmarcRecord(last.record, last.mode);
      const rua = parsed.ok ? parsed.record.rua : [];
      if (rua.length === 0) {
        traceAgent(this.env, host, 'dmarc-reports', 'not requested', {
          domain,
          reason: `the DMARC record of ${domain} has no rua= tag`,
        });
        continue;
      }
      const authorize = () =>
        driveDns(
          this.env,
          host,
          (q) => `DMARC report destination ${q.type} ${q.name}`,
          authorizeReportDestinations(domain, rua, last.mode),
          (check) => {
            for (const w of check.warnings)
              traceAgent(this.env, host, 'dmarc-reports', 'destination refused', { domain, reason: w });
            const destinations = check.uris.flatMap((uri) => {
              const to = mailtoAddress(uri);
              const maxSize = rua.find((u) => u.uri === uri)?.maxSize;
              return to === undefined ? [] : [{ to, maxSize }];
            });
            if (destinations.length === 0) return;
            const file = reportFile(report, this.receiver);
            // Compression is an effect (report-message.ts): the clock holds while fflate works.
            this.env.effects.run(
              () => gzipReport(report, file),
              (outcome) => {
                if (!outcome.ok) {
                  traceAgent(this.env, host, 'dmarc-reports', 'report failed', {
                    domain,
                    reason: outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
                  });
                  return;
                }
                for (const d of destinations) this.#send(report, file, outcome.value, d.to, d.maxSize);
              },
            );
          },
        );
      // RFC 7489's organizational domain needs the Public Suffix List: loading it holds the clock.
      if (last.mode === 'rfc7489' && !publicSuffixListLoaded())
        this.env.effects.run(loadPublicSuffixList, authorize);
      else authorize();
    }
  }

  /** Mails one report to one destination through the host's queue. */
  #send(report: FeedbackReport, file: ReportFile, gz: Uint8Array, to: string, maxSize?: number): void {
    const email = composeReportEmail(report, file, gz, {
      receiver: this.receiver,
      from: this.settings.email,
      to,
      date: this.env.wallClock(),
    });
    // RFC 7489 §7.2.1: a URI whose size limit the report exceeds, once compressed and encoded, is not used.
    if (maxSize !== undefined && email.data.length > maxSize) {
      traceAgent(this.env, this.host.id as HostId, 'dmarc-reports', 'destination refused', {
        domain: report.policy.domain,
        reason: `rua: mailto:${to} dropped: the report message is ${email.data.length} octets, over its !size limit of ${maxSize} (RFC 7489 §7.2.1)`,
      });
      return;
    }
    const queueId = this.deps.enqueue({ mailFrom: this.settings.email, rcptTo: [to], data: email.data });
    this.sent.push({ filename: file.filename, to, queueId });
    traceAgent(this.env, this.host.id as HostId, 'dmarc-reports', 'report sent', {
      id: queueId,
      domain: report.policy.domain,
      to,
      file: file.filename,
      records: report.records.length,
      messages: report.records.reduce((n, r) => n + r.count, 0),
    });
  }
}
