/**
 * The subdomain policy `sp` (RFC 9989, RFC 7489 §6.3): it applies to mail
 * whose From: is in a subdomain of the organization's domain, and `sp=none`
 * leaves every subdomain open to forgery while the domain itself rejects.
 */
import type { TeachingPreset } from '../teaching-preset.ts';
import {
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

const WITH_SP = '_dmarc  IN TXT  "v=DMARC1; p=reject; sp=none; rua=mailto:dmarc-reports@example.com"';

const scenario = withZone(
  withHosts(
    {
      ...base,
      name: 'dmarc-subdomain-policy',
      description: 'A DMARC record whose sp= leaves subdomains open.',
    },
    [ATTACKER],
    ATTACKER_LINKS,
  ),
  'example.com',
  (text) =>
    replaced(
      text,
      EXAMPLE_COM_DMARC,
      `${WITH_SP}\n; the HR portal on the intranet (it sends no mail)\nhr      IN A    192.0.2.80`,
    ),
);

export const dmarcSubdomainPolicy: TeachingPreset = {
  id: 'dmarc-subdomain-policy',
  title: 'DMARC: spoofing a subdomain',
  scenario,
  messages: [spoof(), spoof('Payroll <payroll@hr.example.com>', 'payroll@hr.example.com')],
  problem: [
    'example.com publishes a DMARC policy of reject, and it works: a forged message from ' +
      'alice@example.com is refused. So the attacker at 203.0.113.66 tries again, as ' +
      'payroll@hr.example.com, and that one reaches Bob’s INBOX.',
    'hr.example.com is only the HR portal on the intranet; it sends no mail. Send both forgeries and compare ' +
      'what mx.example.net made of them.',
  ].join('\n\n'),
  hint:
    'There is no DMARC record at _dmarc.hr.example.com, so mx.example.net used example.com’s. Which of its ' +
    'tags decides what happens to mail from a subdomain?',
  solution: [
    'The record says `sp=none`: for subdomains of example.com, do nothing. The forgery from hr.example.com ' +
      'fails DMARC and is delivered anyway.',
    'Remove `sp=none` (subdomains then follow `p`) or set `sp=reject`: ' +
      '`_dmarc IN TXT "v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc-reports@example.com"`.',
  ].join('\n\n'),
  fix: { zones: [replaced(zoneOf(scenario, 'example.com'), 'sp=none', 'sp=reject')] },
  check: {
    type: 'auth',
    message: { from: 'payroll@hr.example.com', client: 'attacker' },
    dmarc: 'fail',
    disposition: ['quarantine', 'reject'],
  },
};
