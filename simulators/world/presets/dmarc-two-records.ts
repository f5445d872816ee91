/**
 * Two DMARC records at one name (RFC 7489 §6.6.3 step 2, RFC 9989 §4.10):
 * a receiver discards both, so the domain has no policy at all.
 */
import type { TeachingPreset } from '../teaching-preset.ts';
import {
  ALICE_TO_BOB,
  ATTACKER,
  ATTACKER_LINKS,
  base,
  EXAMPLE_COM_DMARC,
  replaced,
  spoof,
  withHosts,
  withZone,
  zoneOf,
} from './kit.ts';

const SECOND = '_dmarc  IN TXT  "v=DMARC1; p=none; rua=mailto:reports@dmarc-vendor.example.org"';

const scenario = withZone(
  withHosts(
    { ...base, name: 'dmarc-two-records', description: 'Two DMARC records at _dmarc.example.com.' },
    [ATTACKER],
    ATTACKER_LINKS,
  ),
  'example.com',
  (text) =>
    replaced(
      text,
      EXAMPLE_COM_DMARC,
      `${EXAMPLE_COM_DMARC}\n; added for the reporting service we tried in March\n${SECOND}`,
    ),
);

export const dmarcTwoRecords: TeachingPreset = {
  id: 'dmarc-two-records',
  title: 'DMARC: two records',
  scenario,
  messages: [ALICE_TO_BOB, spoof()],
  problem: [
    'example.com has had a DMARC policy of reject for a year. In March someone tried a DMARC reporting ' +
      'service, and since then forged messages “from” alice@example.com reach Bob’s INBOX again.',
    'Send Alice’s message and the attacker’s, and look at what mx.example.net concluded about DMARC.',
  ].join('\n\n'),
  hint:
    'Ask the name server for the TXT records at _dmarc.example.com (the DNS lookup panel will), and count ' +
    'them. What does a receiver do when it finds that?',
  solution: [
    'There are two DMARC records at _dmarc.example.com. A receiver that finds more than one discards them ' +
      'all, so example.com has no policy (`dmarc=none`) and nothing stops the forgery.',
    'Keep one record, and list both report addresses in it if you want both: ' +
      '`_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com"`.',
  ].join('\n\n'),
  fix: { zones: [replaced(zoneOf(scenario, 'example.com'), `${SECOND}\n`, '')] },
  check: {
    type: 'all',
    of: [
      {
        type: 'auth',
        message: { from: 'alice@example.com', to: 'bob@example.net', client: 'smtp.example.com' },
        dmarc: 'pass',
      },
      { type: 'auth', message: { client: 'attacker' }, dmarc: 'fail', disposition: 'reject' },
    ],
  },
};
