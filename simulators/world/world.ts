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
import { Trace } from '../trace/trace.ts';
import { DnsService } from './dns-service.ts';
import { parseScenario, type Scenario } from './scenario.ts';

/** Options for building a world. */
export interface WorldOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: string | number;
}

/** A zone's parse problems, when the scenario's zone text has errors. */
export interface ZoneReport {
  readonly origin: string;
  readonly diagnostics: readonly ZoneDiagnostic[];
}

/** A running simulation of one scenario. */
export class World {
  readonly scenario: Scenario;
  readonly seed: string | number;
  readonly scheduler = new Scheduler();
  readonly trace = new Trace(() => this.scheduler.now);
  readonly random: SeededRandom;
  readonly network: Network;
  readonly driver: Driver;
  readonly zones = new ZoneData();
  readonly resolver: SimResolver;
  readonly dns: DnsService;
  /** Diagnostics of every zone, as last applied. */
  readonly zoneReports = new Map<string, ZoneReport>();

  /** Builds a world from scenario data (validated: throws ScenarioError naming bad fields). */
  constructor(scenario: unknown, options: WorldOptions = {}) {
    this.scenario = parseScenario(scenario);
    this.seed = options.seed ?? this.scenario.seed;
    this.random = new SeededRandom(this.seed);
    const { defaultLatencyMs, defaultJitterMs } = this.scenario.network;
    this.network = new Network(this.scheduler, this.trace, this.random.fork('network'), {
      latencyMs: defaultLatencyMs,
      jitterMs: defaultJitterMs,
    });
    this.driver = new Driver(this.trace);
    for (const h of this.scenario.hosts) this.network.addHost(hostId(h.id), h.addresses);
    for (const l of this.scenario.links)
      this.network.link(hostId(l.between[0]), hostId(l.between[1]), { latencyMs: l.latencyMs, jitterMs: l.jitterMs });
    for (const z of this.scenario.dns.zones) this.applyZone(z.origin, z.text);
    this.resolver = new SimResolver(this.zones);
    this.dns = new DnsService(this.network, this.trace, this.resolver, hostId(this.scenario.dns.server));
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
    const report = { origin: parsed.origin, diagnostics: parsed.diagnostics };
    this.zoneReports.set(parsed.origin, report);
    return report;
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

  /** Runs until nothing is scheduled (or the limits in options are reached). */
  runUntilIdle(options?: { maxEvents?: number; until?: number }): number {
    return this.scheduler.runUntilIdle(options);
  }
}
