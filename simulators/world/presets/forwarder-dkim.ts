/**
 * Forwarding (RFC 5321 §3.9.1, RFC 7960 §3.2.1): the forwarder sends the
 * message on from its own address with the original envelope sender, so SPF
 * fails at the next hop whatever the sender publishes. DKIM signs the
 * content, which a plain forwarder leaves alone, so a valid signature
 * carries DMARC through. Here the signature cannot verify: the key record
 * was revoked (an empty `p=`, RFC 6376 §3.6.1) and never put back.
 */
import type { TeachingPreset } from '../teaching-preset.ts';
import {
  ALICE_TO_BOB,
  base,
  ED_KEY_RECORD,
  replaced,
  RSA_KEY_RECORD,
  signingWith,
  withHosts,
  withZone,
  zoneFile,
  zoneOf,
} from './kit.ts';

const ED_KEY = '"v=DKIM1; k=ed25519; p=+0Z+o7uH4Ou6YswlmPgIIHwyZ/RKH0fn1QE3bRshG3I="';

const scenario = withZone(
  withZone(
    withHosts(
      {
        ...signingWith(base, ['ed2026']),
        name: 'forwarder-dkim',
        description: 'Mail to bob@example.org is forwarded to bob@example.net.',
      },
      [
        {
          id: 'mx.example.org',
          label: 'Forwarder',
          addresses: ['203.0.113.25'],
          roles: ['mta', 'forwarder'],
          site: 'example.org',
          aliases: [{ address: 'bob@example.org', to: ['bob@example.net'] }],
        },
      ],
      [
        { between: ['smtp.example.com', 'mx.example.org'], latencyMs: 30 },
        { between: ['mx.example.org', 'mx.example.net'], latencyMs: 30 },
        { between: ['mx.example.org', 'ns'], latencyMs: 15 },
      ],
    ),
    'example.com',
    (text) =>
      replaced(
        replaced(text, RSA_KEY_RECORD, ''),
        ED_KEY_RECORD,
        'ed2026._domainkey  IN TXT "v=DKIM1; k=ed25519; p="\n',
      ),
  ),
  'example.org',
  zoneFile('example.org', [
    '        IN MX  10 mx.example.org.',
    '        IN TXT "v=spf1 mx -all"',
    'mx      IN A   203.0.113.25',
    '_dmarc  IN TXT "v=DMARC1; p=none"',
  ]),
);

export const forwarderDkim: TeachingPreset = {
  id: 'forwarder-dkim',
  title: 'Forwarding: SPF breaks, what survives?',
  scenario,
  messages: [
    {
      kind: 'submit',
      from: 'alice@example.com',
      to: ['bob@example.org'],
      subject: 'Photos from the weekend',
      body: 'Here they are, as promised.\n\nAlice\n',
    },
    ALICE_TO_BOB,
  ],
  problem: [
    'Bob used to be bob@example.org. He had mail to that address forwarded to his new one, ' +
      'bob@example.net, by mx.example.org.',
    'Alice’s messages to bob@example.net arrive. Those to his old address come back to her as bounces. ' +
      'The example.com postmaster wants to add mx.example.org to example.com’s SPF record. Send both ' +
      'messages before you let them.',
  ].join('\n\n'),
  hint:
    'Compare mx.example.net’s verdicts on the two messages. From which address does the forwarded copy ' +
    'arrive, and could any SPF record of example.com honestly cover every forwarder on the internet? ' +
    'Which check does not depend on the path a message takes, and what does it report?',
  solution: [
    'The forwarder keeps Alice’s envelope sender, so at mx.example.net SPF checks example.com against the ' +
      'forwarder’s address: `spf=fail`, as it will for every forwarder. DKIM survives forwarding, since ' +
      'the message is unchanged, but example.com’s key record is revoked (`p=` is empty): ' +
      '`dkim=permerror`. With neither aligned, DMARC fails and `p=reject` refuses the forwarded copy.',
    'Leave SPF alone and publish the key again: ' +
      `\`ed2026._domainkey IN TXT ${ED_KEY}\`. The forwarded copy then still fails SPF, passes DKIM, and ` +
      'passes DMARC through DKIM.',
  ].join('\n\n'),
  fix: {
    zones: [replaced(zoneOf(scenario, 'example.com'), '"v=DKIM1; k=ed25519; p="', ED_KEY)],
  },
  check: {
    type: 'auth',
    message: { from: 'alice@example.com', to: 'bob@example.net', client: 'mx.example.org' },
    dkim: 'pass',
    dmarc: 'pass',
  },
};
