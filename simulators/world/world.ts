/**
 * The World: a scenario made live. It owns the scheduler (virtual clock), the
 * trace, the seeded random source, the network with its hosts and links, and
 * the DNS. A world is a pure function of (scenario, seed, inputs): build two
 * from the same scenario, feed them the same inputs, and their traces are
 * identical, which is what replay and time travel rely on.
 */
import { hostId, type HostId, type VirtualMs } from '../core/ids.ts';
import { SeededRandom } from '../core/random.ts';
import type { DnsQuery } from '../dns/records.ts';
import { SimResolver } from '../dns/resolver.ts';
import { ZoneData } from '../dns/zone-data.ts';
import { parseZone, type ZoneDiagnostic } from '../dns/zone-file.ts';
import { Driver } from '../net/driver.ts';
import { Network, type Host } from '../net/network.ts';
import { Scheduler } from '../net/scheduler.ts';
import { traceToPcapng, type PcapCapture } from '../trace/pcap.ts';
import type { SubtleForTls } from '../net/tls-wire.ts';
import { Trace } from '../trace/trace.ts';
import { IdentityProvider } from '../agents/identity-provider.ts';
import { MailServer } from '../agents/mail-server.ts';
import {
  Mua,
  type CheckResult,
  type Draft,
  type ImapSyncOptions,
  type ImapSyncResult,
  type Pop3CheckOptions,
  type SubmissionResult,
} from '../agents/mua.ts';
import type { AgentEnv } from '../agents/env.ts';
import type { ImapMailClient, ImapMailClientOptions } from '../agents/mua-imap.ts';
import { DirectSender, type DirectMessage, type DirectRecipientResult } from '../agents/direct-sender.ts';
import { DEFAULT_REPORT_INTERVAL_MS, type DmarcReportSettings } from '../agents/dmarc-reporter.ts';
import { startTraffic } from '../agents/traffic.ts';
import type { DkimCrypto } from '../auth/dkim/types.ts';
import { parseIsoTime } from '../core/civil-time.ts';
import { DnsService } from './dns-service.ts';
import { Effects } from './effects.ts';
import { parseScenario, type Scenario } from './scenario.ts';

/** Options for building a world. */
export interface WorldOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: string | number;
  /**
   * The crypto DKIM signs and verifies with, e.g. `webCryptoDkim(globalThis.crypto.subtle)`.
   * The engine never reaches for the global `crypto` itself (STYLE.md §S2), so
   * the app, the CLI and tests pass it in; without it, DKIM is skipped and
   * said so in the trace.
   */
  readonly crypto?: DkimCrypto;
}

/** A zone's parse problems, when the scenario's zone text has errors. */
export interface ZoneReport {
  readonly origin: string;
  /** How many records the zone serves now. */
  readonly records: number;
  readonly diagnostics: readonly ZoneDiagnostic[];
}

/** Host roles that make a host a mail server. */
const MAIL_SERVER_ROLES = ['msa', 'mta', 'mda', 'pop3', 'imap', 'list', 'forwarder'];

/** A running simulation of one scenario. */
export class World implements AgentEnv {
  readonly scenario: Scenario;
  readonly seed: string | number;
  readonly scheduler = new Scheduler();
  readonly trace = new Trace(() => this.scheduler.now);
  readonly #random: SeededRandom;
  readonly network: Network;
  readonly driver: Driver;
  readonly zones = new ZoneData();
  readonly resolver: SimResolver;
  readonly dns: DnsService;
  /** Diagnostics of every zone, as last applied. */
  readonly zoneReports = new Map<string, ZoneReport>();
  readonly identity: IdentityProvider;
  /** Asynchronous effects (WebCrypto) that hold the clock while they run. */
  readonly effects = new Effects(this.scheduler);
  /** DKIM's crypto provider (WorldOptions.crypto), if any. */
  readonly crypto: DkimCrypto | undefined;
  /** The mail server of each host that has one. */
  readonly mailServers = new Map<string, MailServer>();
  /** The mail program of each user that has one, by address. */
  readonly muas = new Map<string, Mua>();
  /** Hosts' sending scripts (see {@link sendDirect}), made on first use. */
  readonly #directSenders = new Map<string, DirectSender>();
  /** Epoch ms at virtual time 0. */
  readonly startTime: number;

  /** Builds a world from scenario data (validated: throws ScenarioError naming bad fields). */
  constructor(scenario: unknown, options: WorldOptions = {}) {
    this.scenario = parseScenario(scenario);
    this.seed = options.seed ?? this.scenario.seed;
    this.crypto = options.crypto;
    this.#random = new SeededRandom(this.seed);
    const { defaultLatencyMs, defaultJitterMs } = this.scenario.network;
    this.network = new Network(this.scheduler, this.trace, this.#random.fork('network'), {
      latencyMs: defaultLatencyMs,
      jitterMs: defaultJitterMs,
    });
    this.driver = new Driver(this.trace);
    for (const h of this.scenario.hosts) this.network.addHost(hostId(h.id), h.addresses);
    for (const l of this.scenario.links)
      this.network.link(hostId(l.between[0]), hostId(l.between[1]), {
        latencyMs: l.latencyMs,
        jitterMs: l.jitterMs,
      });
    this.resolver = new SimResolver(this.zones);
    for (const z of this.scenario.dns.zones) this.applyZone(z.origin, z.text);
    this.dns = new DnsService(this.network, this.trace, this.resolver, hostId(this.scenario.dns.server));
    this.startTime = parseIsoTime(this.scenario.startTime) ?? 0;
    this.identity = new IdentityProvider(this.#random.fork('identity'));
    this.#buildAgents();
  }

  #buildAgents(): void {
    const { hosts, users } = this.scenario;
    for (const h of hosts) {
      if (!h.roles.some((r) => MAIL_SERVER_ROLES.includes(r))) continue;
      const mine = users.filter((u) => u.host === h.id);
      const mediated = [...(h.aliases ?? []), ...(h.lists ?? [])].map((m) => m.address);
      const { dmarcMode, dmarcRejectAsQuarantine, dmarcTrustedForwarders, ...smtp } = h.smtp ?? {};
      const localDomains = [...new Set([...mine.map((u) => u.address), ...mediated].map(domainOf))];
      const forwards = new Map(
        mine.flatMap((u) => (u.forwardTo ? [[u.address.toLowerCase(), u.forwardTo] as const] : [])),
      );
      const server = new MailServer(this, this.host(h.id), {
        roles: h.roles,
        localDomains,
        ...(h.aliases ? { aliases: h.aliases } : {}),
        ...(h.lists ? { lists: h.lists } : {}),
        dkimKeys: this.scenario.dkim.filter((k) => k.signer === h.id),
        ...(dmarcMode ? { dmarcMode } : {}),
        ...(dmarcRejectAsQuarantine || dmarcTrustedForwarders
          ? {
              dmarcLocalPolicy: {
                ...(dmarcRejectAsQuarantine ? { rejectAsQuarantine: true } : {}),
                ...(dmarcTrustedForwarders ? { trustedForwarders: dmarcTrustedForwarders } : {}),
              },
            }
          : {}),
        ...(forwards.size > 0 ? { forwards } : {}),
        ...(h.dmarcReports ? { dmarcReports: reportSettings(h.id, localDomains, h.dmarcReports) } : {}),
        ...(h.smtp ? { smtp } : {}),
        ...(h.mta ? { mta: h.mta } : {}),
        ...(h.pop3 ? { pop3: h.pop3 } : {}),
        ...(h.imap ? { imap: h.imap } : {}),
      });
      for (const u of mine) {
        const account = server.store.createAccount(u.address, u.password, u.name ?? '');
        if (u.quota) account.quota = u.quota;
      }
      this.mailServers.set(h.id, server);
    }
    for (const u of users) {
      if (!u.mua) continue;
      this.muas.set(
        u.address.toLowerCase(),
        new Mua(this, this.host(u.mua), {
          address: u.address,
          password: u.password,
          ...(u.name ? { name: u.name } : {}),
          submissionHost: u.submission ?? u.host,
          submissionPort: 587,
          mailboxHost: u.host,
        }),
      );
    }
    startTraffic(this, this.scenario.traffic, {
      send: (user, draft) => this.send(user, draft),
      inject: (host, message) => this.mailServers.get(host)?.queue.enqueue(message),
      keys: (host) => this.scenario.dkim.filter((k) => k.signer === host),
    });
  }

  /** A random source for one purpose (AgentEnv). */
  random(purpose: string): SeededRandom {
    return this.#random.fork(purpose);
  }

  /** The scenario's start time plus virtual time, epoch ms (AgentEnv). */
  wallClock(): number {
    return this.startTime + this.scheduler.now;
  }

  /**
   * The trace so far as a packet capture (pcapng) for Wireshark and tshark;
   * `includeTlsKeys: false` leaves out the secrets that let Wireshark look inside TLS.
   */
  pcap(subtle: SubtleForTls, options: { includeTlsKeys?: boolean } = {}): Promise<PcapCapture> {
    const addresses = new Map(this.scenario.hosts.map((h) => [h.id, h.addresses]));
    return traceToPcapng(this.trace.events, {
      addressesOf: (host) => addresses.get(host) ?? [],
      startTime: this.startTime,
      subtle,
      includeTlsKeys: options.includeTlsKeys,
    });
  }

  /** The user at `from` writes and sends a message through their MUA. */
  send(from: string, draft: Draft, done?: (result: SubmissionResult) => void): string {
    const mua = this.muas.get(from.toLowerCase());
    if (!mua) throw new Error(`${from} has no mail program in this scenario`);
    return mua.send(draft, done);
  }

  /**
   * Host `from` sends a message straight to the recipients' MX, with the
   * envelope and From: it likes: a spoofer, or a bulk-mail service (see
   * direct-sender.ts). Returns the Message-ID.
   */
  sendDirect(
    from: string,
    message: DirectMessage,
    done?: (results: readonly DirectRecipientResult[]) => void,
  ): string {
    let sender = this.#directSenders.get(from);
    if (!sender) {
      sender = new DirectSender(this, this.host(from));
      this.#directSenders.set(from, sender);
    }
    return sender.send(message, done);
  }

  /** The user at `address` checks for mail over POP3 with their mail program. */
  checkMail(address: string, options: Pop3CheckOptions, done?: (result: CheckResult) => void): void {
    const mua = this.muas.get(address.toLowerCase());
    if (!mua) throw new Error(`${address} has no mail program in this scenario`);
    mua.checkMail(options, done);
  }

  /** The user at `address` syncs a mailbox over IMAP with their mail program (see `Mua.syncImap`). */
  syncImap(address: string, options: ImapSyncOptions = {}, done?: (result: ImapSyncResult) => void): void {
    const mua = this.muas.get(address.toLowerCase());
    if (!mua) throw new Error(`${address} has no mail program in this scenario`);
    mua.syncImap(options, done);
  }

  /** The user at `address` opens their mail program's IMAP view (see `ImapMailClient`). */
  openImapClient(address: string, options?: ImapMailClientOptions): ImapMailClient {
    const mua = this.muas.get(address.toLowerCase());
    if (!mua) throw new Error(`${address} has no mail program in this scenario`);
    return mua.openImapClient(options);
  }

  /** The mailbox store account of `address`, wherever it lives. */
  account(address: string) {
    for (const server of this.mailServers.values()) {
      const account = server.store.account(address);
      if (account) return account;
    }
    return undefined;
  }

  /** Current virtual time. */
  get now(): VirtualMs {
    return this.scheduler.now;
  }

  /** The host called `id`. */
  host(id: string): Host {
    return this.network.host(id as HostId);
  }

  /**
   * Replaces one zone's data with the records of `text` (a master file);
   * records from lines with errors are left out, and the diagnostics returned.
   */
  applyZone(origin: string, text: string): ZoneReport {
    const parsed = parseZone(text, { origin });
    this.zones.replaceZone(parsed.origin, parsed.records);
    this.resolver.setFaults(parsed.origin, parsed.faults ?? []);
    const report = { origin: parsed.origin, records: parsed.records.length, diagnostics: parsed.diagnostics };
    this.zoneReports.set(parsed.origin, report);
    return report;
  }

  /**
   * A zone edited while the world runs (the zone editor's Save): applied as
   * {@link applyZone} does, and noted in the trace at the name server, so
   * the verdicts that follow can be read against the change. Lookups already
   * on their way are answered from the new data when they arrive.
   */
  reloadZone(origin: string, text: string): ZoneReport {
    const report = this.applyZone(origin, text);
    const errors = new Set(report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line)).size;
    const server = this.scenario.dns.server;
    this.trace.append({
      type: 'note',
      host: hostId(server),
      text: `${server} reloaded zone ${report.origin}: ${report.records} ${report.records === 1 ? 'record' : 'records'}${errors > 0 ? `, ${errors} ${errors === 1 ? 'line' : 'lines'} with errors left out` : ''}`,
    });
    return report;
  }

  /**
   * Replaces the zone that `text` is the master file of, named by its
   * `$ORIGIN` or else its SOA owner: what a learner's zone editor calls
   * with the whole text. The change is live: the next query sees it.
   */
  setZoneText(text: string): ZoneReport {
    const origin = parseZone(text).origin;
    if (origin === '')
      return {
        origin,
        records: 0,
        diagnostics: [
          {
            severity: 'error',
            line: 1,
            column: 1,
            endColumn: 2,
            code: 'no-origin',
            message: 'this text names no zone: start it with $ORIGIN or an SOA record',
          },
        ],
      };
    return this.applyZone(origin, text);
  }

  /** A lookup from a host, with latency and trace (see DnsService). */
  lookup(from: string, query: DnsQuery, purpose: string, done: Parameters<DnsService['lookup']>[3]): void {
    this.dns.lookup(from as HostId, query, purpose, done);
  }

  /** Runs one event; false when nothing is scheduled. */
  step(): boolean {
    return this.scheduler.step();
  }

  /** Runs for `duration` virtual ms. */
  runFor(duration: number): number {
    return this.scheduler.runFor(duration);
  }

  /**
   * Runs until nothing is scheduled (or the limits in options are reached).
   * It stops early while an asynchronous effect holds the clock: use
   * {@link settle} when a world signs or verifies with WebCrypto.
   */
  runUntilIdle(options?: { maxEvents?: number; until?: number }): number {
    return this.scheduler.runUntilIdle(options);
  }

  /** Runs until nothing is scheduled and no effect is pending, awaiting effects as they come. */
  async settle(options: { maxEvents?: number; until?: number } = {}): Promise<number> {
    let n = 0;
    for (;;) {
      n += this.scheduler.runUntilIdle(options);
      if (this.effects.pending === 0) return n;
      await this.effects.next();
    }
  }
}

/** A host's reporting settings, defaults filled in: the contact is `dmarc-noreply@` its first local domain. */
function reportSettings(
  host: string,
  localDomains: readonly string[],
  given: NonNullable<Scenario['hosts'][number]['dmarcReports']>,
): DmarcReportSettings {
  const email = given.email ?? `dmarc-noreply@${localDomains[0] ?? host}`;
  return {
    orgName: given.orgName ?? domainOf(email),
    email,
    intervalMs: given.intervalMs ?? DEFAULT_REPORT_INTERVAL_MS,
  };
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
