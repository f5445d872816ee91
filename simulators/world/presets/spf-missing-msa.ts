/**
 * SPF (RFC 7208) that does not name the server the mail really leaves from:
 * the record still lists the old outgoing server. Without DKIM, DMARC has
 * nothing else to go on, so p=reject refuses the message.
 */
import type { TeachingPreset } from '../teaching-preset.ts';
import {
  ALICE_TO_BOB,
  base,
  DKIM_KEY_RECORDS,
  EXAMPLE_COM_SPF,
  replaced,
  signingWith,
  withZone,
  zoneOf,
} from './kit.ts';

const scenario = withZone(
  { ...signingWith(base, []), name: 'spf-missing-msa', description: 'SPF names the old outgoing server.' },
  'example.com',
  (text) =>
    replaced(
      replaced(text, DKIM_KEY_RECORDS, ''),
      EXAMPLE_COM_SPF,
      '        IN TXT  "v=spf1 ip4:192.0.2.30 -all"',
    ),
);

export const spfMissingMsa: TeachingPreset = {
  id: 'spf-missing-msa',
  title: 'SPF: mail bounces after a server move',
  scenario,
  messages: [ALICE_TO_BOB],
  problem: [
    'Last week example.com moved its outgoing mail to a new server, smtp.example.com. Since then, ' +
      'every message Alice sends to Bob comes back to her as a bounce.',
    'example.com has not set up DKIM yet. Send Alice’s message and follow it to mx.example.net.',
  ].join('\n\n'),
  hint:
    'Find the verdicts mx.example.net recorded for the message (the `auth` line in the trace) and the SPF ' +
    'record it fetched for example.com. Which address did the message come from, and which addresses does ' +
    'the record allow?',
  solution: [
    'The SPF record of example.com still allows only the old server, 192.0.2.30, so the new one at 192.0.2.25 ' +
      'gets `spf=fail`, DMARC fails with it, and `p=reject` refuses the message.',
    'Name the new server in the record: `@ IN TXT "v=spf1 ip4:192.0.2.25 -all"` (or `mx`, or ' +
      '`a:smtp.example.com`). Then send again.',
  ].join('\n\n'),
  fix: {
    zones: [
      replaced(
        zoneOf(scenario, 'example.com'),
        '"v=spf1 ip4:192.0.2.30 -all"',
        '"v=spf1 ip4:192.0.2.25 -all"',
      ),
    ],
  },
  check: {
    type: 'auth',
    message: { from: 'alice@example.com', to: 'bob@example.net' },
    spf: 'pass',
    dmarc: 'pass',
  },
};
