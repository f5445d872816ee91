/**
 * Email authentication across the default world: the MSA DKIM-signs what
 * alice submits (RFC 6376, RFC 8463), and the receiving MTA checks SPF
 * (RFC 7208), DKIM and DMARC (RFC 9989) on mail from other servers, records
 * them in Authentication-Results (RFC 8601) and Received-SPF, and applies the
 * DMARC disposition: refuse, quarantine to Junk, or deliver.
 */
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import { webCryptoDkim } from '../auth/dkim/crypto.ts';
import { runDkim } from '../auth/dkim/driver.ts';
import { privateKeyPkcs8 } from '../auth/dkim/pem.ts';
import { signDkim } from '../auth/dkim/sign.ts';
import { PRESETS } from '../world/presets/index.ts';
import type { ScenarioInput } from '../world/scenario.ts';
import { World } from '../world/world.ts';

const crypto = webCryptoDkim(globalThis.crypto.subtle);
const preset = PRESETS.default!;

/**
 * The default world plus a spoofer host, with the `_dmarc.example.com` record
 * replaced when `dmarc` is given and the example.com zone text passed through `edit`.
 */
function scenario(dmarc?: string, edit: (zone: string) => string = (z) => z): ScenarioInput {
  return {
    ...preset,
    hosts: [
      ...preset.hosts,
      { id: 'spoofer', label: 'Spoofer', addresses: ['203.0.113.66'], roles: [], site: 'internet' },
    ],
    dns: {
      ...preset.dns,
      zones: preset.dns.zones!.map((z) =>
        z.origin === 'example.com'
          ? {
              origin: z.origin,
              text: edit(
                dmarc === undefined
                  ? (z.text as string)
                  : (z.text as string).replace(/^_dmarc .*$/m, `_dmarc  IN TXT  "${dmarc}"`),
              ),
            }
          : z,
      ),
    },
  };
}

/** The header section of a stored message, unfolded field by field. */
function headerOf(raw: Uint8Array): string {
  const text = bytesToLatin1(raw);
  return text.slice(0, text.indexOf('\r\n\r\n'));
}

function fieldOf(raw: Uint8Array, name: string): string | undefined {
  const lines = headerOf(raw).split(/\r\n(?![ \t])/);
  return lines.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
}

/**
 * A raw SMTP client on `from` that speaks one line per reply (like a bot
 * with a socket), and records every reply line.
 */
function rawSmtp(world: World, from: string, mailFrom: string, message: string): string[] {
  const heard: string[] = [];
  const script = [
    `EHLO ${from}\r\n`,
    `MAIL FROM:<${mailFrom}>\r\n`,
    'RCPT TO:<bob@example.net>\r\n',
    'DATA\r\n',
    `${message}.\r\n`,
    'QUIT\r\n',
  ];
  let buffered = '';
  const socket = world.host(from).connect(
    { address: '198.51.100.25', port: 25 },
    {
      data: (bytes) => {
        buffered += bytesToLatin1(bytes);
        for (let end = buffered.indexOf('\r\n'); end >= 0; end = buffered.indexOf('\r\n')) {
          const line = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          heard.push(line);
          const next = /^\d{3} /.test(line) ? script.shift() : undefined;
          if (next !== undefined) socket.write(latin1Bytes(next));
        }
      },
      end: () => socket.end(),
    },
  );
  return heard;
}

const SPOOF = [
  'From: Alice <alice@example.com>',
  'To: bob@example.net',
  'Subject: Please wire the money today',
  'Date: Sun, 29 Nov 2026 09:00:00 +0000',
  'Message-ID: <spoof-1@spoofer>',
  '',
  'Hi Bob, it is really me.',
  '',
].join('\r\n');

const authEvents = (world: World) =>
  world.trace.events.flatMap((e) => (e.type === 'agent' && e.action === 'auth' ? [e.detail] : []));

describe('DKIM signing and the receiving MTA checks', () => {
  it('alice → bob passes SPF, both DKIM signatures and DMARC (RFC 7208, RFC 6376, RFC 9989, RFC 8601)', async () => {
    const world = new World(preset, { crypto });
    const results: unknown[] = [];
    world.send(
      'alice@example.com',
      { to: ['bob@example.net'], subject: 'Lunch?', body: 'Noon at the usual place.\n' },
      (r) => results.push(r),
    );
    await world.settle();
    expect(results).toMatchObject([{ ok: true }]);
    const [message] = world.account('bob@example.net')!.inbox.messages;
    expect(fieldOf(message!.raw, 'Authentication-Results')).toBe(
      [
        'Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.com;',
        '\tdkim=pass header.d=example.com header.s=ed2026',
        '\theader.a=ed25519-sha256;',
        '\tdkim=pass header.d=example.com header.s=rsa2026 header.a=rsa-sha256;',
        '\tdmarc=pass (p=reject dis=none) header.from=example.com',
      ].join('\r\n'),
    );
    expect(fieldOf(message!.raw, 'Received-SPF')).toMatch(
      /^Received-SPF: pass \(mx\.example\.net: domain of/,
    );
    // Both A-R and Received-SPF sit right below the Received field the MX added.
    expect(
      headerOf(message!.raw)
        .split('\r\n')
        .filter((l) => /^[A-Za-z-]+:/.test(l))
        .map((l) => l.slice(0, l.indexOf(':')))
        .slice(0, 8),
    ).toEqual([
      'Return-Path',
      'Delivered-To',
      'Received',
      'Authentication-Results',
      'Received-SPF',
      'Received',
      'DKIM-Signature',
      'DKIM-Signature',
    ]);
    expect(authEvents(world)).toEqual([
      {
        id: expect.any(String),
        from: 'alice@example.com',
        to: ['bob@example.net'],
        client: '192.0.2.25',
        spf: 'pass',
        dkim: ['pass', 'pass'],
        dkimSignatures: ['example.com ed2026', 'example.com rsa2026'],
        dmarc: 'pass',
        policy: 'reject',
        disposition: 'none',
        fromDomain: 'example.com',
      },
    ]);
    // Each lookup is a visible, named trace step.
    const purposes = world.trace.events.flatMap((e) =>
      e.type === 'dns.query' && e.from === 'mx.example.net' ? [e.purpose] : [],
    );
    expect(purposes).toEqual([
      'reverse lookup of client 192.0.2.25',
      'SPF record of example.com',
      'DKIM key ed2026._domainkey.example.com',
      'DKIM key rsa2026._domainkey.example.com',
      'DMARC TXT _dmarc.example.com',
      'DMARC TXT _dmarc.com',
    ]);
  });

  it('names each SPF lookup by the term that asked for it, include: chains too (RFC 7208 §5.2)', async () => {
    const world = new World(
      scenario(undefined, (zone) =>
        zone
          .replace('"v=spf1 ip4:192.0.2.25 -all"', '"v=spf1 include:_spf.example.com -all"')
          .concat('_spf   IN TXT  "v=spf1 a:smtp.example.com -all"\n'),
      ),
      { crypto },
    );
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'x', body: 'y\n' });
    await world.settle();
    const spf = world.trace.events.flatMap((e) =>
      e.type === 'dns.query' && e.purpose.startsWith('SPF') ? [e.purpose] : [],
    );
    expect(spf).toEqual([
      'SPF record of example.com',
      'SPF include:_spf.example.com',
      'SPF A smtp.example.com',
    ]);
    expect(authEvents(world)).toMatchObject([{ spf: 'pass', dmarc: 'pass' }]);
  });

  it('refuses a spoofed From with 550 5.7.1 under p=reject, so the spoofer hears it (RFC 9989)', async () => {
    const world = new World(scenario(), { crypto });
    const heard = rawSmtp(world, 'spoofer', 'alice@example.com', SPOOF);
    await world.settle();
    expect(heard).toContain('550 5.7.1 Message rejected due to DMARC policy (p=reject) for example.com');
    expect(authEvents(world)).toEqual([
      {
        id: expect.any(String),
        from: 'alice@example.com',
        to: ['bob@example.net'],
        client: '203.0.113.66',
        spf: 'fail',
        dkim: ['none'],
        dkimSignatures: [],
        dmarc: 'fail',
        policy: 'reject',
        disposition: 'reject',
        fromDomain: 'example.com',
      },
    ]);
    expect(world.account('bob@example.net')!.inbox.messages).toHaveLength(0);
  });

  it('quarantines a spoofed From to Junk under p=quarantine (RFC 6154 \\Junk)', async () => {
    const world = new World(scenario('v=DMARC1; p=quarantine'), { crypto });
    const heard = rawSmtp(world, 'spoofer', 'alice@example.com', SPOOF);
    await world.settle();
    expect(heard.some((l) => l.startsWith('250 2.0.0 Ok: queued as'))).toBe(true);
    const bob = world.account('bob@example.net')!;
    expect(bob.inbox.messages).toHaveLength(0);
    const [junked] = bob.specialMailbox('\\Junk')!.messages;
    expect(fieldOf(junked!.raw, 'Authentication-Results')).toBe(
      [
        'Authentication-Results: mx.example.net; spf=fail smtp.mailfrom=example.com;',
        '\tdkim=none;',
        '\tdmarc=fail (p=quarantine dis=quarantine) header.from=example.com',
      ].join('\r\n'),
    );
  });

  it('delivers a spoofed From to INBOX under p=none, with the failures recorded (SPF fail alone does not refuse)', async () => {
    const world = new World(scenario('v=DMARC1; p=none'), { crypto });
    rawSmtp(world, 'spoofer', 'alice@example.com', SPOOF);
    await world.settle();
    const [message] = world.account('bob@example.net')!.inbox.messages;
    expect(fieldOf(message!.raw, 'Authentication-Results')).toContain('dmarc=fail (p=none dis=none)');
    expect(fieldOf(message!.raw, 'Received-SPF')).toMatch(/^Received-SPF: fail /);
  });

  it('fails DKIM on a body hash after a list footer, while SPF passes and carries DMARC (RFC 6376 §6.1.3)', async () => {
    const world = new World(scenario(), { crypto });
    const key = preset.dkim!.find((k) => k.selector === 'rsa2026')!;
    const signed = await runDkim(
      signDkim(latin1Bytes(SPOOF.replace('Please wire the money today', 'Club news')), {
        domain: 'example.com',
        selector: 'rsa2026',
        algorithm: 'rsa-sha256',
        privateKeyPkcs8: privateKeyPkcs8(key.privateKey)!,
      }),
      { resolve: () => ({ rcode: 'NXDOMAIN', answers: [] }), crypto },
    );
    const withFooter = `${bytesToLatin1(signed)}--\r\nclub mailing list: unsubscribe at list.example.com\r\n`;
    rawSmtp(world, 'smtp.example.com', 'alice@example.com', withFooter);
    await world.settle();
    const [message] = world.account('bob@example.net')!.inbox.messages;
    expect(fieldOf(message!.raw, 'Authentication-Results')).toBe(
      [
        'Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.com;',
        '\tdkim=fail header.d=example.com header.s=rsa2026 header.a=rsa-sha256;',
        '\tdmarc=pass (p=reject dis=none) header.from=example.com',
      ].join('\r\n'),
    );
  });

  it('skips DKIM with a note and dkim=none when the world has no crypto', () => {
    const world = new World(preset);
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'x', body: 'y\n' });
    world.runUntilIdle();
    const [message] = world.account('bob@example.net')!.inbox.messages;
    expect(fieldOf(message!.raw, 'Authentication-Results')).toBe(
      [
        'Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.com;',
        '\tdkim=none (no crypto available);',
        '\tdmarc=pass (p=reject dis=none) header.from=example.com',
      ].join('\r\n'),
    );
    expect(
      world.trace.events.filter((e) => e.type === 'note').map((e) => e.type === 'note' && e.text),
    ).toEqual([
      expect.stringMatching(/^DKIM signing skipped for [0-9A-F]{10}: this world has no crypto provider$/),
      'DKIM verification skipped: this world has no crypto provider (dkim=none)',
    ]);
  });

  it('gives byte-identical traces for two runs with the same seed, crypto effects included', async () => {
    const run = async () => {
      const world = new World(scenario(), { crypto, seed: 'same' });
      for (let i = 0; i < 3; i++)
        world.send('alice@example.com', { to: ['bob@example.net'], subject: `n${i}`, body: `${i}\n` });
      rawSmtp(world, 'spoofer', 'alice@example.com', SPOOF);
      await world.settle();
      return JSON.stringify(world.trace.events);
    };
    const [a, b] = await Promise.all([run(), run()]);
    expect(a).toBe(b);
  });
});
