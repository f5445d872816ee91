/**
 * The capture of a simulated world, read back by tshark (Wireshark's command
 * line): the SMTP, POP3, IMAP and DNS conversations must be dissected as the
 * real protocols, TLS must show only what an eavesdropper sees, and TCP's
 * sequence numbers must be consistent enough that Wireshark's analysis finds
 * nothing wrong.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../world/presets/index.ts';
import { World } from '../world/world.ts';

/** The default world, with the incoming server speaking plain text so the capture shows the protocols. */
function plainTextWorld(): World {
  const scenario = structuredClone(PRESETS.default) as typeof PRESETS.default & {
    hosts: { id: string; smtp?: object; pop3?: object; imap?: object }[];
  };
  const mx = scenario.hosts.find((h) => h.id === 'mx.example.net')!;
  mx.smtp = { offerStartTls: false };
  mx.pop3 = { offerStls: false };
  const world = new World(scenario);
  world.send('alice@example.com', { to: ['bob@example.net'], subject: 'Capture me', body: 'Hello Bob\n' });
  world.runUntilIdle();
  world.syncImap('bob@example.net');
  world.runUntilIdle();
  world.checkMail('bob@example.net', { mode: 'download-and-keep' });
  world.runUntilIdle();
  return world;
}

const subtle = globalThis.crypto.subtle;
let dir: string;
let file: string;
let sealed: string;
let world: World;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mailroom-pcap-'));
  file = join(dir, 'world.pcapng');
  sealed = join(dir, 'sealed.pcapng');
  world = plainTextWorld();
  writeFileSync(file, (await world.pcap(subtle)).bytes);
  writeFileSync(sealed, (await world.pcap(subtle, { includeTlsKeys: false })).bytes);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs tshark with a display filter and returns one line per packet of the chosen fields. */
function tshark(filter: string, ...fields: string[]): string[] {
  return tsharkOn(file, filter, ...fields);
}

function tsharkOn(path: string, filter: string, ...fields: string[]): string[] {
  const args = ['-r', path, '-n', '-Y', filter, '-T', 'fields', '-E', 'separator=|'];
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => l !== '');
}

// tshark takes seconds per run on a busy machine.
describe('a capture of the default world, read by tshark', { timeout: 60_000 }, () => {
  it('shows the relay’s SMTP conversation with the right MAIL FROM and RCPT TO', () => {
    const commands = tshark('smtp.req.command', 'ip.src', 'smtp.req.command', 'smtp.req.parameter');
    const relay = commands.filter((l) => l.startsWith('192.0.2.25|'));
    // The relay pipelines MAIL, RCPT and DATA in one segment (RFC 2920); tshark joins their fields with commas.
    expect(relay.map((l) => l.split('|')[1])).toEqual(['EHLO', 'MAIL,RCPT,DATA', 'QUIT']);
    const pipelined = relay
      .find((l) => l.includes('|MAIL,'))!
      .split('|')[2]!
      .split(',');
    expect(pipelined[0]).toMatch(/^FROM:<alice@example\.com>/i);
    expect(pipelined[1]).toBe('TO:<bob@example.net>');
    const replies = tshark('smtp.response.code && ip.src == 198.51.100.25', 'smtp.response.code');
    expect(replies[0]).toBe('220');
    expect(replies).toContain('354');
  });

  it('shows the submission as TLS: a ClientHello naming the server, then only records', () => {
    expect(tshark('tls.handshake.type == 1', 'ip.src', 'tls.handshake.extensions_server_name')).toContain(
      '192.0.2.10|smtp.example.com',
    );
    expect(tshark('tls.handshake.type == 2', 'tls.handshake.ciphersuite')[0]).toBe('0x1301');
    // Without the keys, an eavesdropper sees records and no protocol after STARTTLS.
    expect(
      tsharkOn(sealed, 'tls.record.opaque_type == 23 && ip.src == 192.0.2.10', 'frame.number').length,
    ).toBeGreaterThan(0);
  });

  it('shows DNS as real queries and answers: the MX lookup and SPF’s TXT lookup', () => {
    const mx = tshark(
      'dns.flags.response == 1 && dns.qry.type == 15',
      'dns.qry.name',
      'dns.mx.mail_exchange',
    );
    expect(mx).toContain('example.net|mx.example.net');
    const txt = tshark('dns.flags.response == 1 && dns.qry.type == 16', 'dns.qry.name', 'dns.txt');
    expect(txt.some((l) => l.startsWith('example.com|') && l.includes('v=spf1'))).toBe(true);
  });

  it('shows POP3 in plain text, and IMAP up to its STARTTLS', () => {
    expect(tshark('pop.request.command', 'pop.request.command')).toEqual(
      expect.arrayContaining(['CAPA', 'UIDL', 'RETR', 'QUIT']),
    );
    expect(tshark('imap.response', 'imap.response')).toContain('A001 OK Begin TLS negotiation now.');
    expect(tshark('imap.request', 'imap.request').join('\n')).toMatch(/STARTTLS/);
    expect(
      tshark('tcp.port == 143 && tls.handshake.type == 1', 'tls.handshake.extensions_server_name'),
    ).toEqual(['mx.example.net']);
  });

  it('has nothing tshark calls malformed or warns about', () => {
    expect(
      tshark('_ws.malformed || _ws.expert.severity >= warning', 'frame.number', '_ws.expert.message'),
    ).toEqual([]);
  });

  it('has TCP sequence and acknowledgement numbers Wireshark finds consistent', () => {
    expect(
      tshark('tcp.analysis.flags && !tcp.analysis.window_update', 'frame.number', '_ws.expert.message'),
    ).toEqual([]);
    // Every connection opens with a three-way handshake and closes with FINs.
    const syns = tshark('tcp.flags.syn == 1 && tcp.flags.ack == 0', 'tcp.stream').length;
    expect(syns).toBeGreaterThanOrEqual(4);
    expect(tshark('tcp.flags.syn == 1 && tcp.flags.ack == 1', 'tcp.stream')).toHaveLength(syns);
  });

  it('carries exactly the octets the trace says crossed the wire', () => {
    let expected = 0;
    for (const e of world.trace.events)
      if (e.type === 'bytes' || e.type === 'tls.handshake') expected += e.wireLength;
    const lengths = tshark('tcp.len > 0', 'tcp.len').map(Number);
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(expected);
  });

  it('is the same bytes for the same scenario and inputs', async () => {
    expect((await plainTextWorld().pcap(subtle)).bytes).toEqual((await world.pcap(subtle)).bytes);
  });

  it('lets Wireshark read inside TLS with the included keys, and only then', () => {
    const inside = (path: string) =>
      tsharkOn(path, 'smtp.req.command && ip.src == 192.0.2.10', 'smtp.req.command', 'smtp.req.parameter');
    const decrypted = inside(file);
    expect(decrypted.slice(0, 2)).toEqual(['EHLO|alice-laptop', 'STAR|TLS']);
    expect(decrypted).toContain('AUTH|CRAM-MD5');
    expect(decrypted).toContain('MAIL,RCPT,DATA|FROM:<alice@example.com> SIZE=286,TO:<bob@example.net>');
    expect(inside(sealed).map((l) => l.split('|')[0])).toEqual(['EHLO', 'STAR']);
    // Bob's IMAP session after STARTTLS: LOGIN or AUTHENTICATE, SELECT, FETCH.
    const imap = tsharkOn(file, 'imap.request', 'imap.request').join('\n');
    expect(imap).toMatch(/SELECT "?INBOX"?/i);
    expect(imap).toMatch(/FETCH/i);
  });
});
