/**
 * DMARC's policy (RFC 9989, RFC 7489 §6.3): `p=none` asks receivers to report
 * failures and do nothing else, so a forged From: lands in the INBOX with
 * `dmarc=fail` written in its header; `p=quarantine` or `p=reject` asks them
 * to keep it out.
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

const MONITOR = '_dmarc  IN TXT  "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com"';

const scenario = withZone(
  withHosts(
    { ...base, name: 'dmarc-spoof-p-none', description: 'A forged From: under a DMARC policy of none.' },
    [ATTACKER],
    ATTACKER_LINKS,
  ),
  'example.com',
  (text) => replaced(text, EXAMPLE_COM_DMARC, MONITOR),
);

export const dmarcSpoofPNone: TeachingPreset = {
  id: 'dmarc-spoof-p-none',
  title: 'DMARC: spoofed From with p=none',
  scenario,
  messages: [ALICE_TO_BOB, spoof()],
  problem: [
    'An attacker at 203.0.113.66 sends Bob a message “from” alice@example.com asking him to pay an invoice. ' +
      'mx.example.net sees through it: SPF and DMARC fail, and it says so in the message’s ' +
      'Authentication-Results. And then it delivers it to Bob’s INBOX anyway.',
    'example.com has published SPF, DKIM and DMARC for months, and its reports show only its own servers ' +
      'sending. Send both messages and compare.',
  ].join('\n\n'),
  hint:
    'mx.example.net does what example.com’s DMARC record asks. Read the record: what does it ask a receiver ' +
    'to do with a message that fails?',
  solution: [
    '`p=none` is the monitoring policy: receivers report failures to the `rua` address and deliver as if ' +
      'there were no DMARC. It is the right first step of a rollout, and a domain whose reports are clean ' +
      'should move on.',
    'Publish `_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com"`: the forgery is then ' +
      'refused at the end of DATA with 550 5.7.1, while Alice’s own mail passes. (`p=quarantine` files it as ' +
      'Junk instead.)',
  ].join('\n\n'),
  fix: {
    zones: [replaced(zoneOf(scenario, 'example.com'), 'p=none', 'p=reject')],
  },
  check: {
    type: 'all',
    of: [
      {
        type: 'auth',
        message: { from: 'alice@example.com', to: 'bob@example.net', client: 'smtp.example.com' },
        dmarc: 'pass',
      },
      {
        type: 'auth',
        message: { client: 'attacker' },
        dmarc: 'fail',
        disposition: ['quarantine', 'reject'],
      },
    ],
  },
};
