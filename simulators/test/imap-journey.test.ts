/**
 * IMAP in the default world: bob's server answers on 143 and 993 (RFC 8314)
 * on the same store the MDA delivers into, and an idling session hears of
 * a delivery the moment it lands (RFC 2177).
 */
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import { PRESETS } from '../world/presets/index.ts';
import { World } from '../world/world.ts';

/** A raw client on bob's laptop that records what the server says. */
function imapClient(world: World, port: number) {
  const heard: string[] = [];
  const socket = world
    .host('bob-laptop')
    .connect(
      { address: '198.51.100.25', port, tls: port === 993, serverName: 'mx.example.net' },
      { data: (bytes) => heard.push(...bytesToLatin1(bytes).split('\r\n').filter(Boolean)) },
    );
  return {
    heard,
    say(line: string) {
      socket.write(latin1Bytes(`${line}\r\n`));
      world.runFor(200);
    },
  };
}

describe('IMAP in the world', () => {
  it.each([143, 993])('logs bob in on port %i and shows his delivered mail', (port) => {
    const world = new World(PRESETS.default);
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'Over IMAP', body: 'Hi\n' });
    world.runUntilIdle();
    const c = imapClient(world, port);
    world.runFor(200);
    expect(c.heard[0]).toMatch(/^\* OK \[CAPABILITY IMAP4rev1 /);
    c.say('a1 LOGIN bob@example.net bob-password');
    c.say('a2 SELECT INBOX');
    c.say('a3 FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
    expect(c.heard).toContain('* 1 EXISTS');
    expect(c.heard.some((l) => l.startsWith('a2 OK [READ-WRITE]'))).toBe(true);
    expect(c.heard).toContain('Subject: Over IMAP');
    expect(c.heard.some((l) => l.startsWith('a3 OK'))).toBe(true);
  });

  it('pushes EXISTS to an idling client when a message is delivered (RFC 2177)', () => {
    const world = new World(PRESETS.default);
    const c = imapClient(world, 143);
    world.runFor(200);
    c.say('a1 LOGIN bob@example.net bob-password');
    c.say('a2 SELECT INBOX');
    c.say('a3 IDLE');
    expect(c.heard).toContain('+ idling');
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'Ping', body: 'x\n' });
    world.runUntilIdle({ until: world.now + 60_000 });
    expect(c.heard).toContain('* 1 EXISTS');
    c.say('DONE');
    expect(c.heard.some((l) => l.startsWith('a3 OK'))).toBe(true);
  });
});
