/**
 * What an agent may use of its world: the clock, the trace, DNS, the network
 * and the driver, asynchronous effects and the crypto provider, and the
 * seeded random source. The World implements it;
 * agents never see the World itself, so they cannot reach other hosts'
 * state except over the network.
 */
import type { HostId } from '../core/ids.ts';
import type { SeededRandom } from '../core/random.ts';
import type { Driver } from '../net/driver.ts';
import type { Network } from '../net/network.ts';
import type { Scheduler } from '../net/scheduler.ts';
import type { Trace } from '../trace/trace.ts';
import type { DkimCrypto } from '../auth/dkim/types.ts';
import type { DnsService } from '../world/dns-service.ts';
import type { Effects } from '../world/effects.ts';
import type { IdentityProvider } from './identity-provider.ts';

/** An agent's view of the world. */
export interface AgentEnv {
  readonly scheduler: Scheduler;
  readonly trace: Trace;
  readonly network: Network;
  readonly driver: Driver;
  readonly dns: DnsService;
  readonly identity: IdentityProvider;
  /** Asynchronous work (WebCrypto) that holds the virtual clock and resumes at the same instant. */
  readonly effects: Effects;
  /** DKIM's crypto provider; undefined when the world was built without one (DKIM is then skipped). */
  readonly crypto: DkimCrypto | undefined;
  /** A random source for this purpose, independent of every other purpose's draws. */
  random(purpose: string): SeededRandom;
  /** Wall-clock time now, epoch ms (the scenario's start time plus virtual time). */
  wallClock(): number;
}

/** Appends an `agent` trace event. */
export function traceAgent(
  env: AgentEnv,
  host: HostId,
  agent: string,
  action: string,
  detail: Readonly<Record<string, string | number | boolean | readonly string[]>>,
): void {
  env.trace.append({ type: 'agent', host, agent, action, detail });
}
