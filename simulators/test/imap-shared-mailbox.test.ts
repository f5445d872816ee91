/**
 * A shared mailbox in the default world (RFC 4314, RFC 2342): carol gets an
 * account next to bob's on mx.example.net, bob grants her rights on his
 * INBOX from his laptop, and carol, connected from her own machine, finds it
 * under "Other Users", reads the message the MTA delivered, and marks it
 * seen — which bob's session, selected on the same mailbox, is told about.
 */
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import { PRESETS } from '../world/presets/index.ts';
import type { ScenarioInput } from '../world/scenario.ts';
import { World } from '../world/world.ts';

const SCENARIO: ScenarioInput = {
  ...PRESETS.default!,
  users: [
    ...(PRESETS.default!.users ?? []),
    { address: 'carol@example.net', password: 'carol-password', host: 'mx.example.net', name: 'Carol' },
  ],
};

/** A raw IMAP client on `host` that records every line the server sends. */
function imapClient(world: World, host: string) {
  const heard: string[] = [];
  const socket = world
    .host(host)
    .connect(
      { address: '198.51.100.25', port: 143 },
      { data: (bytes) => heard.push(...bytesToLatin1(bytes).split('\r\n').filter(Boolean)) },
    );
  world.runFor(200);
  return {
    /** Sends a line and returns what the server said in answer to it. */
    say(line: string): string[] {
      const from = heard.length;
      socket.write(latin1Bytes(`${line}\r\n`));
      world.runFor(200);
      return heard.slice(from);
    },
  };
}

describe('a mailbox shared between two users of one server', () => {
  it('shows bob’s INBOX to carol once he grants her rights, with shared flags', () => {
    const world = new World(SCENARIO);
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'Team notes', body: 'Agenda\n' });
    world.runUntilIdle();
    const bob = imapClient(world, 'bob-laptop');
    const carol = imapClient(world, 'alice-laptop');
    bob.say('a1 LOGIN bob@example.net bob-password');
    carol.say('b1 LOGIN carol@example.net carol-password');
    const shared = '"Other Users/bob@example.net/INBOX"';
    expect(carol.say(`b2 SELECT ${shared}`)).toEqual([
      "b2 NO [NONEXISTENT] Mailbox doesn't exist: Other Users/bob@example.net/INBOX",
    ]);

    expect(bob.say('a2 SETACL INBOX carol@example.net lrs')).toEqual(['a2 OK Setacl completed.']);
    bob.say('a3 SELECT INBOX');
    expect(carol.say('b3 NAMESPACE')[0]).toBe('* NAMESPACE (("" "/")) (("Other Users/" "/")) NIL');
    expect(carol.say('b4 LIST "Other Users/" "*"')).toContain(
      '* LIST (\\HasNoChildren) "/" "Other Users/bob@example.net/INBOX"',
    );
    const select = carol.say(`b5 SELECT ${shared}`);
    expect(select).toContain('* 1 EXISTS');
    expect(select.at(-1)).toBe('b5 OK [READ-WRITE] Select completed.');
    const fetch = carol.say('b6 FETCH 1 (BODY[HEADER.FIELDS (SUBJECT)])');
    expect(fetch).toContain('Subject: Team notes');
    expect(fetch).toContain(' FLAGS (\\Seen))');
    expect(carol.say('b7 STORE 1 +FLAGS (\\Deleted)')).toEqual(['b7 NO [NOPERM] Permission denied.']);
    // bob's session hears of the \Seen carol set on the message they share.
    expect(bob.say('a4 NOOP')).toEqual(['* 1 FETCH (FLAGS (\\Seen \\Recent))', 'a4 OK NOOP completed.']);
  });
});
