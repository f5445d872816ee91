/**
 * A DKIM key record (RFC 6376 §3.6.2.1) published under the wrong name: the
 * owner is written in full without the final dot, so the zone file appends
 * its origin again (RFC 1035 §5.1) and the key lives at
 * `rsa2026._domainkey.example.com.example.com`, where no verifier looks.
 */
import type { TeachingPreset } from '../teaching-preset.ts';
import { ALICE_TO_BOB, base, ED_KEY_RECORD, replaced, signingWith, withZone, zoneOf } from './kit.ts';

const scenario = withZone(
  {
    ...signingWith(base, ['rsa2026']),
    name: 'dkim-selector-missing',
    description: 'The DKIM key is published under the wrong name.',
  },
  'example.com',
  (text) =>
    replaced(
      replaced(text, ED_KEY_RECORD, ''),
      'rsa2026._domainkey IN TXT (',
      'rsa2026._domainkey.example.com IN TXT (',
    ),
);

export const dkimSelectorMissing: TeachingPreset = {
  id: 'dkim-selector-missing',
  title: 'DKIM: the signature finds no key',
  scenario,
  messages: [ALICE_TO_BOB],
  problem: [
    'smtp.example.com signs every message Alice sends with DKIM, selector `rsa2026`, and the postmaster ' +
      'published the public key in the example.com zone. The messages reach Bob.',
    'But mx.example.net does not report `dkim=pass` for them. Send one and see what it reports.',
  ].join('\n\n'),
  hint:
    'Find the DNS query mx.example.net makes for the key, and ask the name server the same question from ' +
    'the DNS lookup panel. Then look closely at the name of the key record in the zone: how does a zone ' +
    'file read a name that does not end in a dot?',
  solution: [
    'The record is written `rsa2026._domainkey.example.com IN TXT …`. A name without a final dot is ' +
      'relative, so the zone appends its origin: the key was published at ' +
      '`rsa2026._domainkey.example.com.example.com`, and the lookup of `rsa2026._domainkey.example.com` ' +
      'finds nothing (`dkim=permerror`, no key).',
    'Write the owner relative, `rsa2026._domainkey IN TXT (…)`, or absolute with the final dot, ' +
      '`rsa2026._domainkey.example.com. IN TXT (…)`.',
  ].join('\n\n'),
  fix: {
    zones: [
      replaced(
        zoneOf(scenario, 'example.com'),
        'rsa2026._domainkey.example.com IN TXT (',
        'rsa2026._domainkey IN TXT (',
      ),
    ],
  },
  check: {
    type: 'auth',
    message: { from: 'alice@example.com', to: 'bob@example.net' },
    dkim: 'pass',
  },
};
