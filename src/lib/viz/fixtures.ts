/**
 * A fixed two-site world for the layout tests: the default world's shape,
 * frozen here so that the engine's presets can evolve (new roles, new hosts)
 * without moving the numbers these tests pin down.
 */
import { parseScenario, type ScenarioInput } from '../../../simulators/index.ts';
import type { MapInput } from './map-layout.ts';

/** alice@example.com → bob@example.net, one name server. */
export const TWO_SITES: ScenarioInput = {
  name: 'two sites',
  network: { defaultLatencyMs: 20, defaultJitterMs: 0 },
  hosts: [
    {
      id: 'alice-laptop',
      label: "Alice's laptop",
      addresses: ['192.0.2.10'],
      roles: ['mua'],
      site: 'example.com',
    },
    {
      id: 'smtp.example.com',
      label: 'Outgoing mail server',
      addresses: ['192.0.2.25'],
      roles: ['msa', 'mta', 'mda'],
      site: 'example.com',
    },
    {
      id: 'mx.example.net',
      label: 'Incoming mail server',
      addresses: ['198.51.100.25'],
      roles: ['mta', 'mda', 'imap', 'pop3'],
      site: 'example.net',
    },
    {
      id: 'bob-laptop',
      label: "Bob's laptop",
      addresses: ['198.51.100.10'],
      roles: ['mua'],
      site: 'example.net',
    },
    { id: 'ns', label: 'Name server', addresses: ['203.0.113.53'], roles: ['dns'], site: 'internet' },
  ],
  links: [
    { between: ['alice-laptop', 'smtp.example.com'], latencyMs: 5 },
    { between: ['smtp.example.com', 'mx.example.net'], latencyMs: 40 },
    { between: ['mx.example.net', 'bob-laptop'], latencyMs: 5 },
    { between: ['smtp.example.com', 'ns'], latencyMs: 15 },
    { between: ['mx.example.net', 'ns'], latencyMs: 15 },
  ],
  dns: { server: 'ns' },
};

/** The map's input for scenario data, every link up and the hosts in `down` down (no running world needed). */
export function mapInputOf(data: unknown, down: readonly string[] = []): MapInput {
  const scenario = parseScenario(data);
  return {
    hosts: scenario.hosts.map((h) => ({ id: h.id, addresses: h.addresses, isUp: !down.includes(h.id) })),
    links: scenario.links.map((l) => ({
      a: l.between[0],
      b: l.between[1],
      latencyMs: l.latencyMs,
      up: true,
    })),
    info: scenario.hosts,
  };
}
