/**
 * A DMARC rollout, as a domain owner lives it: example.com publishes
 * `p=none` with a `rua` address and, for a simulated week, four kinds of
 * mail claim to come from it and reach mx.example.net, which sends a daily
 * aggregate report (RFC 9990) to dmarc-reports@example.com:
 *
 * - alice, through example.com's own MSA: SPF and DKIM pass and align;
 * - a newsletter service sending as news@example.com: SPF passes for its own
 *   bounce domain and its own DKIM signature verifies, but neither is
 *   example.com; its signature for example.com fails, because example.com
 *   has not published the key the service was given (the fix is one CNAME);
 * - an alumni forwarder relaying alice's mail: SPF fails at the next hop,
 *   alice's DKIM signature survives, so DMARC still passes;
 * - a spoofer: nothing authenticates.
 *
 * The reports under p=none show who sends as the domain; once the newsletter
 * is fixed, quarantine and then reject hit only the spoofer. Addresses come
 * from the documentation ranges (RFC 5737), names from RFC 2606.
 */
import type { ScenarioInput } from '../scenario.ts';
import { defaultScenario } from './default.ts';

const HOUR = 3_600_000;

const exampleCom = `$ORIGIN example.com.
$TTL 3600
@       IN SOA  ns.example.com. hostmaster.example.com. ( 2026113001 3600 900 604800 300 )
        IN NS   ns.example.com.
        IN MX   10 smtp.example.com.
        IN TXT  "v=spf1 ip4:192.0.2.25 -all"
ns      IN A    203.0.113.53
smtp    IN A    192.0.2.25
alice-laptop IN A 192.0.2.10
; The rollout starts in monitoring mode: reports, no enforcement.
_dmarc  IN TXT  "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com"
ed2026._domainkey IN TXT "v=DKIM1; k=ed25519; p=+0Z+o7uH4Ou6YswlmPgIIHwyZ/RKH0fn1QE3bRshG3I="
; The newsletter service signs as example.com with selector nl2026 and asks for this record:
; nl2026._domainkey IN CNAME example-com.dkim.newsletter.example.
`;

const exampleNet = `$ORIGIN example.net.
$TTL 3600
@       IN SOA  ns.example.com. hostmaster.example.net. ( 2026113001 3600 900 604800 300 )
        IN NS   ns.example.com.
        IN MX   10 mx.example.net.
        IN TXT  "v=spf1 mx -all"
mx      IN A    198.51.100.25
_dmarc  IN TXT  "v=DMARC1; p=none"
`;

const newsletter = `$ORIGIN newsletter.example.
$TTL 3600
@       IN SOA  ns.example.com. hostmaster.newsletter.example. ( 2026113001 3600 900 604800 300 )
        IN NS   ns.example.com.
        IN MX   10 mta.newsletter.example.
        IN TXT  "v=spf1 ip4:203.0.113.80 -all"
mta     IN A    203.0.113.80
_dmarc  IN TXT  "v=DMARC1; p=none"
; The service's own key, and the one it signs with for its customer example.com.
esp2026._domainkey IN TXT "v=DKIM1; k=ed25519; p=4WfPFRb414ne81EKpnBbZt3PRILlf2ZJ818Rcg+SN+U="
example-com.dkim   IN TXT "v=DKIM1; k=ed25519; p=7GSpyDsjSD+xDvVVqPMgP7jmRIrmdAUOnxFd5t2fAd8="
`;

const alumni = `$ORIGIN alumni.example.
$TTL 3600
@       IN SOA  ns.example.com. hostmaster.alumni.example. ( 2026113001 3600 900 604800 300 )
        IN NS   ns.example.com.
        IN MX   10 mx.alumni.example.
        IN TXT  "v=spf1 ip4:203.0.113.40 -all"
mx      IN A    203.0.113.40
`;

const phish = `$ORIGIN phish.example.
$TTL 3600
@       IN SOA  ns.example.com. hostmaster.phish.example. ( 2026113001 3600 900 604800 300 )
        IN NS   ns.example.com.
        IN MX   10 mail.phish.example.
mail    IN A    203.0.113.66
`;

const reverse = (origin: string, ptrs: string) => `$ORIGIN ${origin}.
$TTL 3600
@   IN SOA ns.example.com. hostmaster.example.com. ( 1 3600 900 604800 300 )
    IN NS  ns.example.com.
${ptrs}`;

const ED_2026_KEY = defaultScenario.dkim?.find((k) => k.selector === 'ed2026')?.privateKey ?? '';

/** The newsletter service's keys (Ed25519, PKCS#8); published on purpose, like the default world's. */
const ESP_2026_KEY = [
  '-----BEGIN PRIVATE KEY-----',
  'MC4CAQAwBQYDK2VwBCIEIHEZo34Lnp81EqE9KhoWXsrsIjCoycjCKeo7BeW1uwMy',
  '-----END PRIVATE KEY-----',
].join('\n');
const NL_2026_KEY = [
  '-----BEGIN PRIVATE KEY-----',
  'MC4CAQAwBQYDK2VwBCIEIHngFsePLz9R1j5kregtzhezfHG7soZQBbRRoxxlFkAY',
  '-----END PRIVATE KEY-----',
].join('\n');

/** The DMARC rollout scenario. */
export const dmarcRolloutScenario: ScenarioInput = {
  name: 'dmarc-rollout',
  description:
    'A week of mail claiming to be from example.com: its own server, a newsletter service, a forwarder and a ' +
    'spoofer. mx.example.net mails a DMARC aggregate report to dmarc-reports@example.com every day. Read them, ' +
    'fix the newsletter (publish nl2026._domainkey.example.com), then move p=none to quarantine, then reject.',
  seed: 'dmarc-rollout',
  startTime: '2026-11-30T00:00:00Z',
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
      label: 'example.com mail server',
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
      dmarcReports: { orgName: 'example.net' },
    },
    {
      id: 'mta.newsletter.example',
      label: 'Newsletter service',
      addresses: ['203.0.113.80'],
      roles: ['mta'],
      // On the map, services of other organisations stand on the internet, beside the name server.
      site: 'internet',
    },
    {
      id: 'mx.alumni.example',
      label: 'Alumni forwarder',
      addresses: ['203.0.113.40'],
      roles: ['mta', 'mda', 'forwarder'],
      site: 'alumni.example',
    },
    {
      id: 'mail.phish.example',
      label: 'Spoofer',
      addresses: ['203.0.113.66'],
      roles: ['mta'],
      site: 'internet',
    },
    { id: 'ns', label: 'Name server', addresses: ['203.0.113.53'], roles: ['dns'], site: 'internet' },
  ],
  links: [
    { between: ['alice-laptop', 'smtp.example.com'], latencyMs: 5 },
    { between: ['smtp.example.com', 'mx.example.net'], latencyMs: 40 },
    { between: ['smtp.example.com', 'mx.alumni.example'], latencyMs: 30 },
    { between: ['mx.alumni.example', 'mx.example.net'], latencyMs: 25 },
    { between: ['mta.newsletter.example', 'mx.example.net'], latencyMs: 30 },
    { between: ['mail.phish.example', 'mx.example.net'], latencyMs: 60 },
    { between: ['smtp.example.com', 'ns'], latencyMs: 15 },
    { between: ['mx.example.net', 'ns'], latencyMs: 15 },
  ],
  dns: {
    server: 'ns',
    zones: [
      { origin: 'example.com', text: exampleCom },
      { origin: 'example.net', text: exampleNet },
      { origin: 'newsletter.example', text: newsletter },
      { origin: 'alumni.example', text: alumni },
      { origin: 'phish.example', text: phish },
      {
        origin: '2.0.192.in-addr.arpa',
        text: reverse(
          '2.0.192.in-addr.arpa',
          '10 IN PTR alice-laptop.example.com.\n25 IN PTR smtp.example.com.\n',
        ),
      },
      {
        origin: '100.51.198.in-addr.arpa',
        text: reverse('100.51.198.in-addr.arpa', '25 IN PTR mx.example.net.\n'),
      },
      {
        origin: '113.0.203.in-addr.arpa',
        text: reverse(
          '113.0.203.in-addr.arpa',
          '40 IN PTR mx.alumni.example.\n53 IN PTR ns.example.com.\n66 IN PTR mail.phish.example.\n80 IN PTR mta.newsletter.example.\n',
        ),
      },
    ],
  },
  dkim: [
    {
      domain: 'example.com',
      selector: 'ed2026',
      algorithm: 'ed25519-sha256',
      privateKey: ED_2026_KEY,
      signer: 'smtp.example.com',
    },
    {
      domain: 'newsletter.example',
      selector: 'esp2026',
      algorithm: 'ed25519-sha256',
      privateKey: ESP_2026_KEY,
      signer: 'mta.newsletter.example',
    },
    {
      domain: 'example.com',
      selector: 'nl2026',
      algorithm: 'ed25519-sha256',
      privateKey: NL_2026_KEY,
      signer: 'mta.newsletter.example',
    },
  ],
  users: [
    {
      address: 'alice@example.com',
      password: 'alice-password',
      host: 'smtp.example.com',
      name: 'Alice',
      mua: 'alice-laptop',
    },
    {
      address: 'dmarc-reports@example.com',
      password: 'reports-password',
      host: 'smtp.example.com',
      name: 'DMARC reports',
    },
    { address: 'bob@example.net', password: 'bob-password', host: 'mx.example.net', name: 'Bob' },
    {
      address: 'bob@alumni.example',
      password: 'alumni-password',
      host: 'mx.alumni.example',
      forwardTo: ['bob@example.net'],
    },
    { address: 'bounces@newsletter.example', password: 'bounces-password', host: 'mta.newsletter.example' },
    { address: 'billing@phish.example', password: 'phish-password', host: 'mail.phish.example' },
  ],
  // 11 messages a day: 4 from alice, 2 forwarded, 2 newsletters, 3 forgeries.
  traffic: [
    {
      user: 'alice@example.com',
      to: ['bob@example.net'],
      subject: 'Project update',
      body: 'Here is where the project stands today.',
      startMs: 2 * HOUR,
      everyMs: 6 * HOUR,
      count: 28,
    },
    {
      user: 'alice@example.com',
      to: ['bob@alumni.example'],
      subject: 'Class reunion',
      body: 'Are you coming to the reunion?',
      startMs: 11 * HOUR,
      everyMs: 12 * HOUR,
      count: 14,
    },
    {
      host: 'mta.newsletter.example',
      from: 'Example Weekly <news@example.com>',
      mailFrom: 'bounces@newsletter.example',
      dkim: [
        { domain: 'newsletter.example', selector: 'esp2026' },
        { domain: 'example.com', selector: 'nl2026' },
      ],
      to: ['bob@example.net'],
      subject: 'Example Weekly',
      body: 'This week at Example: new products and old friends.',
      startMs: 7 * HOUR,
      everyMs: 12 * HOUR,
      count: 14,
    },
    {
      host: 'mail.phish.example',
      from: 'Example Billing <billing@example.com>',
      mailFrom: 'billing@phish.example',
      to: ['bob@example.net'],
      subject: 'Invoice overdue: pay today',
      body: 'Your account will be closed. Pay the attached invoice now.',
      startMs: 3 * HOUR,
      everyMs: 8 * HOUR,
      count: 21,
    },
  ],
};
