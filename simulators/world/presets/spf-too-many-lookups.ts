/**
 * An SPF record that includes one provider after another until evaluating it
 * takes more than the 10 DNS-querying terms RFC 7208 §4.6.4 allows:
 * `include`, `a`, `mx`, `ptr`, `exists` and `redirect` count, also inside
 * includes, and the eleventh makes the result permerror.
 */
import type { TeachingPreset } from '../teaching-preset.ts';
import { ALICE_TO_BOB, base, EXAMPLE_COM_SPF, replaced, withZone, zoneFile, zoneOf } from './kit.ts';

const PROVIDERS = zoneFile('example.org', [
  '; SPF records the providers of example.com publish for their customers',
  '_spf.crm     IN TXT "v=spf1 include:_nb1.crm.example.org include:_nb2.crm.example.org -all"',
  '_nb1.crm     IN TXT "v=spf1 ip4:198.51.100.128/27 -all"',
  '_nb2.crm     IN TXT "v=spf1 ip4:198.51.100.160/27 -all"',
  '_spf.news    IN TXT "v=spf1 a:out1.news.example.org a:out2.news.example.org -all"',
  'out1.news    IN A   203.0.113.101',
  'out2.news    IN A   203.0.113.102',
  '_spf.desk    IN TXT "v=spf1 mx:desk.example.org -all"',
  'desk         IN MX  10 mx.desk.example.org.',
  'mx.desk      IN A   203.0.113.110',
  '_spf.billing IN TXT "v=spf1 include:_spf.pay.example.org -all"',
  '_spf.pay     IN TXT "v=spf1 ip4:203.0.113.120/29 -all"',
]);

const TOO_MANY =
  '"v=spf1 include:_spf.crm.example.org include:_spf.news.example.org include:_spf.desk.example.org ' +
  'include:_spf.billing.example.org mx -all"';
const FLAT =
  '"v=spf1 ip4:192.0.2.25 ip4:198.51.100.128/26 ip4:203.0.113.101 ip4:203.0.113.102 ip4:203.0.113.110 ' +
  'ip4:203.0.113.120/29 -all"';

const scenario = withZone(
  withZone(
    {
      ...base,
      name: 'spf-too-many-lookups',
      description: 'An SPF record with an include for every provider.',
    },
    'example.com',
    (text) => replaced(text, EXAMPLE_COM_SPF, `        IN TXT  ${TOO_MANY}`),
  ),
  'example.org',
  PROVIDERS,
);

export const spfTooManyLookups: TeachingPreset = {
  id: 'spf-too-many-lookups',
  title: 'SPF: a record that grew with every provider',
  scenario,
  messages: [ALICE_TO_BOB],
  problem: [
    'example.com sends mail through four providers besides its own server: a CRM, a newsletter service, a ' +
      'help desk and a billing system. Each asked to be added to the SPF record, and each was.',
    'Alice’s messages still reach Bob, but mx.example.net does not say SPF passed. Send one and find out ' +
      'what it says instead, and why.',
  ].join('\n\n'),
  hint:
    'Count the DNS lookups mx.example.net makes for SPF, includes within includes too. RFC 7208 §4.6.4 ' +
    'allows a limit: which terms count against it, and what happens past it?',
  solution: [
    'Evaluating the record needs 11 DNS-querying terms: 4 includes, 6 more inside them (includes, `a:` and ' +
      '`mx:`) and the final `mx`. Past 10 the result is `permerror`, so SPF no longer vouches for any ' +
      'server; the message still passes DMARC only because its DKIM signature does.',
    'Flatten the record: write the providers’ addresses in place of their includes, e.g. ' +
      `\`@ IN TXT ${FLAT}\`. (Flattened records must be kept up to date when a provider’s addresses change; ` +
      'dropping providers you no longer use works too.)',
  ].join('\n\n'),
  fix: { zones: [replaced(zoneOf(scenario, 'example.com'), TOO_MANY, FLAT)] },
  check: {
    type: 'auth',
    message: { from: 'alice@example.com', to: 'bob@example.net' },
    spf: 'pass',
  },
};
