/**
 * The default world of DESIGN.md: alice@example.com writes to bob@example.net.
 * Addresses come from the documentation ranges only (RFC 5737), so nothing
 * here can be mistaken for a real network.
 */
import type { ScenarioInput } from '../scenario.ts';

const exampleCom = `$ORIGIN example.com.
$TTL 3600
@       IN SOA  ns.example.com. hostmaster.example.com. (
                2026112901 ; serial
                3600       ; refresh
                900        ; retry
                604800     ; expire
                300 )      ; negative-answer TTL (RFC 2308)
        IN NS   ns.example.com.
        IN MX   10 smtp.example.com.
ns      IN A    203.0.113.53
smtp    IN A    192.0.2.25
alice-laptop IN A 192.0.2.10
`;

const exampleNet = `$ORIGIN example.net.
$TTL 3600
@       IN SOA  ns.example.com. hostmaster.example.net. (
                2026112901 3600 900 604800 300 )
        IN NS   ns.example.com.
        IN MX   10 mx.example.net.
mx      IN A    198.51.100.25
imap    IN CNAME mx
pop     IN CNAME mx
bob-laptop IN A 198.51.100.10
`;

// Reverse zones (RFC 1035 §3.5), so that a receiving MTA can name its peer in
// Received: headers and SPF's ptr mechanism has data to find.
const reverse192 = `$ORIGIN 2.0.192.in-addr.arpa.
$TTL 3600
@   IN SOA ns.example.com. hostmaster.example.com. ( 1 3600 900 604800 300 )
    IN NS  ns.example.com.
10  IN PTR alice-laptop.example.com.
25  IN PTR smtp.example.com.
`;

const reverse198 = `$ORIGIN 100.51.198.in-addr.arpa.
$TTL 3600
@   IN SOA ns.example.com. hostmaster.example.net. ( 1 3600 900 604800 300 )
    IN NS  ns.example.com.
10  IN PTR bob-laptop.example.net.
25  IN PTR mx.example.net.
`;

/** The default scenario. */
export const defaultScenario: ScenarioInput = {
  name: 'default',
  description: 'alice@example.com writes to bob@example.net: MUA → MSA → MTA → MDA → MUA.',
  seed: 'mailroom',
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
      roles: ['mta', 'msa', 'mda', 'imap', 'pop3'],
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
  dns: {
    server: 'ns',
    zones: [
      { origin: 'example.com', text: exampleCom },
      { origin: 'example.net', text: exampleNet },
      { origin: '2.0.192.in-addr.arpa', text: reverse192 },
      { origin: '100.51.198.in-addr.arpa', text: reverse198 },
    ],
  },
  users: [
    {
      address: 'alice@example.com',
      password: 'alice-password',
      host: 'smtp.example.com',
      name: 'Alice',
      mua: 'alice-laptop',
    },
    {
      address: 'bob@example.net',
      password: 'bob-password',
      host: 'mx.example.net',
      name: 'Bob',
      mua: 'bob-laptop',
    },
  ],
};
