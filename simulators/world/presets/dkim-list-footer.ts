/**
 * A mailing list that appends a footer (RFC 6376 §3.7: the body hash covers
 * the whole body, so the author's signature fails) and re-sends from its own
 * bounce address (so SPF passes for the list, not for the author): DMARC
 * fails for the author's domain, whose p=reject makes Bob's server refuse
 * the list's copy. The fix is the list's: rewrite From (RFC 7960 §4.1.3).
 */
import type { TeachingPreset } from '../teaching-preset.ts';
import type { ScenarioInput } from '../scenario.ts';
import { base, withHosts, withZone, zoneFile } from './kit.ts';

const LIST = {
  address: 'club@lists.example.org',
  members: ['bob@example.net'],
  footer: '-- \nclub mailing list · to leave, write to club-leave@lists.example.org',
};

function listWorld(rewriteFrom: boolean): ScenarioInput {
  return withZone(
    withHosts(
      { ...base, name: 'dkim-list-footer', description: 'A mailing list appends a footer to every message.' },
      [
        {
          id: 'lists.example.org',
          label: 'Mailing list server',
          addresses: ['203.0.113.80'],
          roles: ['mta', 'list'],
          site: 'example.org',
          lists: [rewriteFrom ? { ...LIST, rewriteFrom } : LIST],
        },
      ],
      [
        { between: ['smtp.example.com', 'lists.example.org'], latencyMs: 30 },
        { between: ['lists.example.org', 'mx.example.net'], latencyMs: 30 },
        { between: ['lists.example.org', 'ns'], latencyMs: 15 },
      ],
    ),
    'example.org',
    zoneFile('example.org', [
      'lists   IN MX  10 lists.example.org.',
      'lists   IN A   203.0.113.80',
      'lists   IN TXT "v=spf1 a -all"',
      '_dmarc  IN TXT "v=DMARC1; p=none"',
    ]),
  );
}

export const dkimListFooter: TeachingPreset = {
  id: 'dkim-list-footer',
  title: 'DKIM: a mailing list adds a footer',
  scenario: listWorld(false),
  messages: [
    {
      kind: 'submit',
      from: 'alice@example.com',
      to: ['club@lists.example.org'],
      subject: 'Club meeting moves to Thursday',
      body: 'Same time, same room.\n\nAlice\n',
    },
  ],
  problem: [
    'Alice and Bob are members of a club whose mailing list runs on lists.example.org: a message to ' +
      'club@lists.example.org goes to every member, with a short footer on how to leave the list.',
    'When Alice writes to the list, Bob never gets her message. Mail Alice sends to Bob directly arrives. ' +
      'Send her message to the list and follow both hops.',
  ].join('\n\n'),
  hint:
    'Compare the verdicts at lists.example.org with those at mx.example.net. What did the list change in the ' +
    'message, which identifier does SPF check on the second hop, and which domain does DMARC apply its ' +
    'policy for?',
  solution: [
    'The list appends its footer to the body, so the body hash of example.com’s DKIM signatures no longer ' +
      'matches (`dkim=fail`). The list re-sends from its own address, club-bounces@lists.example.org, so SPF ' +
      'passes for lists.example.org, which is not aligned with From: example.com. DMARC fails, and ' +
      'example.com’s `p=reject` makes mx.example.net refuse the list’s copy.',
    'Nothing in example.com’s DNS should change: the list must. Set it to rewrite From to its own address ' +
      '(`rewriteFrom: true` on the list in the scenario; Mailman calls it “munge From”); the author moves to ' +
      'Reply-To, and DMARC then passes for lists.example.org through the list’s own SPF. A list that leaves ' +
      'the body and Subject alone works too.',
  ].join('\n\n'),
  fix: { scenario: listWorld(true) },
  check: {
    type: 'auth',
    message: { from: 'club-bounces@lists.example.org', to: 'bob@example.net', at: 'mx.example.net' },
    dmarc: 'pass',
    disposition: 'none',
  },
};
