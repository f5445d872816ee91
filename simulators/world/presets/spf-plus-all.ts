/**
 * `+all` (RFC 7208 §5.1): a record that ends by passing every address on the
 * internet, so a forger's server passes SPF for example.com, aligned, and so
 * passes DMARC too.
 */
import type { TeachingPreset } from '../teaching-preset.ts';
import {
  ALICE_TO_BOB,
  ATTACKER,
  ATTACKER_LINKS,
  base,
  EXAMPLE_COM_SPF,
  replaced,
  spoof,
  withHosts,
  withZone,
  zoneOf,
} from './kit.ts';

const scenario = withZone(
  withHosts(
    { ...base, name: 'spf-plus-all', description: 'An SPF record that ends in +all.' },
    [ATTACKER],
    ATTACKER_LINKS,
  ),
  'example.com',
  (text) => replaced(text, EXAMPLE_COM_SPF, '        IN TXT  "v=spf1 ip4:192.0.2.25 +all"'),
);

export const spfPlusAll: TeachingPreset = {
  id: 'spf-plus-all',
  title: 'SPF: a forged message passes SPF',
  scenario,
  messages: [ALICE_TO_BOB, spoof()],
  problem: [
    'A message from “Alice” asks Bob to pay an invoice today. Alice never wrote it: it came from a host ' +
      'on the internet that has nothing to do with example.com (203.0.113.66).',
    'Yet mx.example.net put it in Bob’s INBOX, and its checks found nothing wrong. example.com publishes ' +
      'SPF and a DMARC policy of reject. Send both messages and compare the verdicts.',
  ].join('\n\n'),
  hint:
    'Read the SPF record mx.example.net fetched for example.com, term by term, with the attacker’s address ' +
    'in mind. Which term matched it?',
  solution: [
    'The record ends in `+all`: “every address not listed so far passes”. So the attacker passes SPF as ' +
      'example.com, SPF is aligned with From, and DMARC passes.',
    'End the record with `-all` (fail everything not listed): `@ IN TXT "v=spf1 ip4:192.0.2.25 -all"`. ' +
      'Then the forgery fails SPF and DMARC, and `p=reject` refuses it, while Alice’s own mail still passes.',
  ].join('\n\n'),
  fix: { zones: [replaced(zoneOf(scenario, 'example.com'), '+all"', '-all"')] },
  check: {
    type: 'all',
    of: [
      {
        type: 'auth',
        message: { from: 'alice@example.com', to: 'bob@example.net', client: 'smtp.example.com' },
        spf: 'pass',
        dmarc: 'pass',
      },
      {
        type: 'auth',
        message: { client: 'attacker' },
        spf: ['fail', 'softfail'],
        disposition: 'reject',
      },
    ],
  },
};
