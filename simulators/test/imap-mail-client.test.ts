/**
 * Bob's mail program as he uses it, over IMAP in the default world: one
 * connection stays open, each click is a step of commands, and between
 * clicks the client waits in IDLE, so alice's next message shows up on its
 * own (RFC 3501, RFC 2177, RFC 6851). Everything it knows came over the
 * wire; the trace's step events group the bytes by click.
 */
import { describe, expect, it } from 'vitest';
import { bytesToLatin1 } from '../core/bytes.ts';
import type { ImapMailClient } from '../agents/mua-imap.ts';
import { PRESETS } from '../world/presets/index.ts';
import { World } from '../world/world.ts';

function worldWithMail(subjects: readonly string[]): World {
  const world = new World(PRESETS.default);
  for (const subject of subjects)
    world.send('alice@example.com', { to: ['bob@example.net'], subject, body: `${subject}, from Alice.\n` });
  world.runUntilIdle();
  return world;
}

/** Runs the world for a minute: long enough for any step, far shorter than IDLE's renewal. */
const settle = (world: World) => world.runUntilIdle({ until: world.now + 60_000 });

/** What the client shows: per message, UID, subject and flags. */
const rows = (client: ImapMailClient) =>
  client.snapshot().messages.map((m) => `${m.uid} ${m.envelope.subject ?? ''} [${m.flags.join(' ')}]`);

/** The client's lines on the wire since trace position `from`, with the step events between them. */
function transcript(world: World, client: ImapMailClient, from = 0): string[] {
  const conn = client.snapshot().conn;
  return world.trace.events.slice(from).flatMap((e) => {
    if (e.type === 'agent' && e.action === 'mail client' && e.detail['conn'] === conn)
      return [`== ${String(e.detail['step'])}`];
    if (e.type !== 'bytes' || e.conn !== conn) return [];
    const side = e.direction === 'c2s' ? 'C' : 'S';
    return bytesToLatin1(e.bytes)
      .split('\r\n')
      .slice(0, -1)
      .map((line) => `${side}: ${line}`);
  });
}

describe('bob’s mail program over IMAP', () => {
  it('logs in, lists the folders with their special use, lists INBOX and waits in IDLE', () => {
    const world = worldWithMail(['Lunch?', 'Minutes']);
    const client = world.openImapClient('bob@example.net');
    expect(client.busy).toBe(true);
    settle(world);
    const state = client.snapshot();
    expect(state).toMatchObject({ phase: 'open', port: 143, selected: 'INBOX', busy: false, idling: true });
    expect(state.folders.map((f) => [f.name, f.attributes.filter((a) => a !== '\\HasNoChildren')])).toEqual([
      ['INBOX', []],
      ['Archive', ['\\Archive']],
      ['Drafts', ['\\Drafts']],
      ['Junk', ['\\Junk']],
      ['Sent', ['\\Sent']],
      ['Trash', ['\\Trash']],
    ]);
    expect(rows(client)).toEqual(['1 Lunch? [\\Recent]', '2 Minutes [\\Recent]']);
    expect(state.messages[0]!.envelope.from).toEqual([
      { name: 'Alice', mailbox: 'alice', host: 'example.com' },
    ]);
    const steps = transcript(world, client).filter((l) => l.startsWith('==') || /^C: A\d/.test(l));
    expect(steps).toEqual([
      '== Connect to mx.example.net:143 and log in',
      'C: A001 STARTTLS',
      'C: A002 CAPABILITY',
      'C: A003 AUTHENTICATE PLAIN AGJvYkBleGFtcGxlLm5ldABib2ItcGFzc3dvcmQ=',
      'C: A004 LIST "" *',
      '== Open folder INBOX',
      'C: A005 SELECT INBOX',
      'C: A006 UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)',
      '== Wait for new mail (IDLE)',
      'C: A007 IDLE',
    ]);
  });

  it('reads, flags, searches, moves and expunges, each click its own step of commands', () => {
    const world = worldWithMail(['Lunch?', 'Minutes', 'Invoice']);
    const client = world.openImapClient('bob@example.net');
    settle(world);
    const start = world.trace.length;

    client.open(2);
    settle(world);
    expect(client.snapshot().opened?.uid).toBe(2);
    expect(bytesToLatin1(client.snapshot().opened!.bytes)).toContain('Minutes, from Alice.');
    client.setFlag([2], '\\Flagged', true);
    client.search('Invoice');
    settle(world);
    expect(client.snapshot().search).toEqual({ query: 'Invoice', criteria: 'TEXT "Invoice"', uids: [3] });
    client.move([3], 'Archive');
    client.setFlag([1], '\\Deleted', true);
    client.expunge();
    settle(world);
    expect(rows(client)).toEqual(['2 Minutes [\\Seen \\Flagged \\Recent]']);
    expect(client.snapshot()).toMatchObject({ busy: false, idling: true, error: undefined });

    expect(transcript(world, client, start).filter((l) => !l.startsWith('S: * OK [COPYUID'))).toEqual([
      '== Read message UID 2',
      'C: DONE',
      'S: A007 OK Idle completed.',
      'C: A008 UID FETCH 2 (UID FLAGS BODY[])',
      expect.stringMatching(/^S: \* 2 FETCH \(UID 2 FLAGS \(\\Seen \\Recent\) BODY\[\] \{\d+\}$/),
      ...bytesToLatin1(client.snapshot().opened!.bytes)
        .split('\r\n')
        .slice(0, -1)
        .map((l) => `S: ${l}`),
      'S: )',
      'S: A008 OK UID Fetch completed.',
      '== Wait for new mail (IDLE)',
      'C: A009 IDLE',
      'S: + idling',
      '== Set \\Flagged on UID 2',
      'C: DONE',
      'S: A009 OK Idle completed.',
      'C: A010 UID STORE 2 +FLAGS (\\Flagged)',
      'S: * 2 FETCH (UID 2 FLAGS (\\Seen \\Flagged \\Recent))',
      'S: A010 OK Store completed.',
      '== Search TEXT "Invoice"',
      'C: A011 UID SEARCH TEXT Invoice',
      'S: * SEARCH 3',
      'S: A011 OK UID Search completed.',
      '== Wait for new mail (IDLE)',
      'C: A012 IDLE',
      'S: + idling',
      '== Move UID 3 to Archive',
      'C: DONE',
      'S: A012 OK Idle completed.',
      'C: A013 UID MOVE 3 Archive',
      'S: * 3 EXPUNGE',
      'S: A013 OK Move completed.',
      '== Set \\Deleted on UID 1',
      'C: A014 UID STORE 1 +FLAGS (\\Deleted)',
      'S: * 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))',
      'S: A014 OK Store completed.',
      '== Expunge deleted messages',
      'C: A015 EXPUNGE',
      'S: * 1 EXPUNGE',
      'S: A015 OK Expunge completed.',
      '== Wait for new mail (IDLE)',
      'C: A016 IDLE',
      'S: + idling',
    ]);
    const bob = world.account('bob@example.net')!;
    expect(bob.inbox.messages.map((m) => [m.uid, [...m.flags]])).toEqual([[2, ['\\Seen', '\\Flagged']]]);
    expect(bob.mailbox('Archive')!.messages).toHaveLength(1);
  });

  it('shows alice’s next message without a click: EXISTS arrives during IDLE (RFC 2177)', () => {
    const world = worldWithMail(['Lunch?']);
    const client = world.openImapClient('bob@example.net');
    settle(world);
    const start = world.trace.length;
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'Later', body: 'x\n' });
    settle(world);
    expect(rows(client)).toEqual(['1 Lunch? [\\Recent]', '2 Later [\\Recent]']);
    expect(transcript(world, client, start).filter((l) => !/^S: [^*A+]/.test(l))).toEqual([
      'S: * 2 EXISTS',
      'S: * 2 RECENT',
      '== New mail arrived: fetch its list entries',
      'C: DONE',
      'S: A007 OK Idle completed.',
      expect.stringMatching(/^C: A008 UID FETCH 2:\* \(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE\)$/),
      expect.stringMatching(/^S: \* 2 FETCH \(UID 2 FLAGS \(\\Recent\) INTERNALDATE /),
      'S: A008 OK UID Fetch completed.',
      '== Wait for new mail (IDLE)',
      'C: A009 IDLE',
      'S: + idling',
    ]);
  });

  it('opens another folder, and logs out when closed', () => {
    const world = worldWithMail(['Lunch?']);
    const client = world.openImapClient('bob@example.net', { port: 993 });
    settle(world);
    client.move([1], 'Archive');
    client.selectFolder('Archive');
    settle(world);
    expect(client.snapshot()).toMatchObject({ selected: 'Archive', port: 993 });
    expect(rows(client)).toEqual(['1 Lunch? [\\Recent]']);
    client.close();
    settle(world);
    expect(client.snapshot()).toMatchObject({ phase: 'closed', busy: false, idling: false });
    expect(transcript(world, client).slice(-6)).toEqual([
      '== Log out',
      'C: DONE',
      'S: A009 OK Idle completed.',
      'C: A010 LOGOUT',
      'S: * BYE Logging out',
      'S: A010 OK Logout completed.',
    ]);
  });

  it('reports what the server refuses, and carries on', () => {
    const world = worldWithMail(['Lunch?']);
    const client = world.openImapClient('bob@example.net');
    settle(world);
    client.move([1], 'Nowhere');
    settle(world);
    expect(client.snapshot()).toMatchObject({ busy: false, idling: true, phase: 'open' });
    expect(client.snapshot().error).toMatch(/^UID MOVE refused \(NO \[TRYCREATE\]/);
    expect(rows(client)).toEqual(['1 Lunch? [\\Recent]']);
  });
});
