/**
 * Identifier alignment (RFC 7489 §3.1, RFC 9989): relaxed alignment accepts
 * an authenticated domain with the same organizational domain as From:,
 * strict (`adkim=s`, `aspf=s`) only the very same name. A newsletter from
 * news.example.com, signed by example.com, is aligned only relaxed.
 */
import type { TeachingPreset } from '../teaching-preset.ts';
import { ALICE_TO_BOB, base, EXAMPLE_COM_DMARC, replaced, withZone, zoneOf } from './kit.ts';

const STRICT = '_dmarc  IN TXT  "v=DMARC1; p=reject; adkim=s; aspf=s; rua=mailto:dmarc-reports@example.com"';

const scenario = withZone(
  {
    ...base,
    name: 'dmarc-strict-alignment',
    description: 'Strict DMARC alignment and a newsletter from a subdomain.',
    users: [
      ...(base.users ?? []),
      {
        address: 'news@news.example.com',
        password: 'news-password',
        host: 'smtp.example.com',
        name: 'Example News',
        mua: 'alice-laptop',
      },
    ],
  },
  'example.com',
  (text) =>
    replaced(
      text,
      EXAMPLE_COM_DMARC,
      `${STRICT}\n; the newsletter's domain\nnews    IN MX   10 smtp.example.com.`,
    ),
);

export const dmarcStrictAlignment: TeachingPreset = {
  id: 'dmarc-strict-alignment',
  title: 'DMARC: strict alignment',
  scenario,
  messages: [
    ALICE_TO_BOB,
    {
      kind: 'submit',
      from: 'news@news.example.com',
      to: ['bob@example.net'],
      subject: 'This week at Example',
      body: 'Three stories from around the office.\n\nThe news team\n',
    },
  ],
  problem: [
    'Alice also writes example.com’s newsletter, as news@news.example.com, through the same server. Her own ' +
      'messages reach Bob. The newsletter bounces.',
    'smtp.example.com signs both with example.com’s DKIM keys. Send both and compare the verdicts.',
  ].join('\n\n'),
  hint:
    'Both messages are signed and both signatures verify. Compare the domain that signed (`d=`) with the ' +
    'domain in From: for each, and read what example.com’s DMARC record demands of them.',
  solution: [
    'The signature says `d=example.com`; the newsletter’s From: is news.example.com. Under relaxed alignment ' +
      'the two share the organizational domain example.com and align; the record asks for strict alignment ' +
      '(`adkim=s`), where only the same name counts. SPF cannot help: news.example.com publishes no SPF. So ' +
      'DMARC fails and `p=reject` refuses the newsletter.',
    'Use relaxed DKIM alignment (remove `adkim=s`, or write `adkim=r`): ' +
      '`_dmarc IN TXT "v=DMARC1; p=reject; aspf=s; rua=mailto:dmarc-reports@example.com"`. (Signing with a ' +
      'key of news.example.com, or publishing SPF for it, would also align.)',
  ].join('\n\n'),
  fix: { zones: [replaced(zoneOf(scenario, 'example.com'), 'adkim=s', 'adkim=r')] },
  check: {
    type: 'all',
    of: [
      { type: 'auth', message: { from: 'alice@example.com', to: 'bob@example.net' }, dmarc: 'pass' },
      { type: 'auth', message: { from: 'news@news.example.com', to: 'bob@example.net' }, dmarc: 'pass' },
    ],
  },
};
