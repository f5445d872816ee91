/**
 * COMPRESS=DEFLATE (RFC 4978) in the default world: a raw client on bob's
 * laptop turns compression on after the tagged OK, as a real client does,
 * and the network carries DEFLATE octets both ways while both ends read and
 * write plain IMAP. The trace keeps the plain text and adds what went on the
 * wire.
 */
import { inflateRawSync, constants } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import type { Socket } from '../net/network.ts';
import type { TraceEvent } from '../trace/events.ts';
import { PRESETS } from '../world/presets/index.ts';
import { World } from '../world/world.ts';

/** A body that compresses well, as mail does: 38 KB of text lines. */
const BODY = Array.from({ length: 800 }, (_, i) => `Line ${i}: the quarterly figures are attached.`).join(
  '\n',
);

/** A raw IMAP client on bob's laptop that starts compressing when the server says so. */
function compressingClient(world: World, options: { port: number; starttls?: boolean }) {
  let heard = '';
  const socket: Socket = world.host('bob-laptop').connect(
    { address: '198.51.100.25', port: options.port, serverName: 'mx.example.net' },
    {
      data: (bytes) => {
        heard += bytesToLatin1(bytes);
        // RFC 4978 §3: the client compresses from the first command after the OK.
        if (/^C1 OK /m.test(heard) && socket.compression === undefined) socket.startCompression();
      },
    },
  );
  return {
    socket,
    get heard() {
      return heard;
    },
    say(line: string) {
      socket.write(latin1Bytes(`${line}\r\n`));
      world.runFor(500);
    },
  };
}

type BytesEvent = Extract<TraceEvent, { type: 'bytes' }>;

function bytesEvents(world: World): BytesEvent[] {
  return world.trace.events.filter((e): e is BytesEvent => e.type === 'bytes');
}

function deliverLargeMessage(world: World): void {
  world.send('alice@example.com', { to: ['bob@example.net'], subject: 'Figures', body: BODY });
  world.runUntilIdle();
}

describe('IMAP COMPRESS=DEFLATE over the simulated network (RFC 4978)', () => {
  it('carries a large FETCH as DEFLATE octets while both ends see plain IMAP', () => {
    const world = new World(PRESETS.default);
    deliverLargeMessage(world);
    const c = compressingClient(world, { port: 143 });
    world.runFor(200);
    c.say('a1 LOGIN bob@example.net bob-password');
    expect(c.heard).toMatch(/a1 OK \[CAPABILITY [^\]]* COMPRESS=DEFLATE/);
    const before = bytesEvents(world).length;
    c.say('C1 COMPRESS DEFLATE');
    expect(c.heard).toContain('C1 OK DEFLATE active\r\n');
    c.say('a2 SELECT INBOX');
    c.say('a3 FETCH 1 BODY[]');
    c.say('a4 COMPRESS DEFLATE');
    expect(c.heard).toContain('a2 OK [READ-WRITE] Select completed.');
    expect(c.heard).toContain('Line 799: the quarterly figures are attached.');
    expect(c.heard).toContain('a3 OK Fetch completed.');
    expect(c.heard).toContain('a4 NO [COMPRESSIONACTIVE] DEFLATE is already active.');

    const after = bytesEvents(world).slice(before);
    // The COMPRESS command and its OK go out plain; everything later is compressed, both ways.
    expect([after[0]!.direction, 'compressed' in after[0]!]).toEqual(['c2s', false]);
    expect([after[1]!.direction, 'compressed' in after[1]!]).toEqual(['s2c', false]);
    const compressed = after.slice(2);
    expect(compressed.map((e) => e.direction)).toContain('c2s');
    for (const e of compressed) {
      expect(e.compressed).toBeInstanceOf(Uint8Array);
      expect(e.wireLength).toBe(e.compressed!.length);
      // Each write is sync-flushed: it ends with the empty stored block 00 00 ff ff.
      expect([...e.compressed!.slice(-4)]).toEqual([0x00, 0x00, 0xff, 0xff]);
    }
    // Node's zlib, an independent inflater, reads the server's stream back to the plain text the trace shows.
    const s2c = compressed.filter((e) => e.direction === 's2c');
    const wire = Buffer.concat(s2c.map((e) => e.compressed!));
    const plain = inflateRawSync(wire, { finishFlush: constants.Z_SYNC_FLUSH });
    expect(plain.toString('latin1')).toBe(s2c.map((e) => bytesToLatin1(e.bytes)).join(''));
    const fetch = s2c.find((e) => bytesToLatin1(e.bytes).includes('Line 799'))!;
    expect(fetch.bytes.length).toBeGreaterThan(35_000);
    expect(fetch.wireLength).toBeLessThan(fetch.bytes.length / 5);
  });

  it('lets bob’s mail program compress its sync: the engine’s client on both layers', () => {
    const world = new World(PRESETS.default);
    deliverLargeMessage(world);
    const results: unknown[] = [];
    world.syncImap('bob@example.net', { compress: true }, (r) => results.push(r));
    world.runUntilIdle({ until: world.now + 60_000 });
    expect(results).toEqual([expect.objectContaining({ ok: true })]);
    const cached = [...world.muas.get('bob@example.net')!.imapCache.get('INBOX')!.values()];
    expect(bytesToLatin1(cached[0]!.bytes)).toContain('Line 799: the quarterly figures are attached.');
    const imap = bytesEvents(world).filter((e) => bytesToLatin1(e.bytes).includes('COMPRESS DEFLATE'));
    expect(imap.map((e) => e.direction)).toEqual(['c2s']);
    const conn = imap[0]!.conn;
    const later = bytesEvents(world).filter((e) => e.conn === conn && e.compressed !== undefined);
    expect(later.map((e) => e.direction)).toEqual(expect.arrayContaining(['c2s', 's2c']));
    const total = (key: 'plain' | 'wire') =>
      later.reduce((n, e) => n + (key === 'plain' ? e.bytes.length : e.compressed!.length), 0);
    expect(total('wire')).toBeLessThan(total('plain') / 4);
  });

  it('compresses inside TLS after STARTTLS (RFC 4978: TLS first, then COMPRESS)', () => {
    const world = new World(PRESETS.default);
    deliverLargeMessage(world);
    const c = compressingClient(world, { port: 143 });
    world.runFor(200);
    c.say('t1 STARTTLS');
    expect(c.heard).toContain('t1 OK Begin TLS negotiation now.');
    c.socket.startTls();
    world.runFor(500);
    c.say('a1 LOGIN bob@example.net bob-password');
    c.say('C1 COMPRESS DEFLATE');
    c.say('a2 EXAMINE INBOX');
    c.say('a3 FETCH 1 BODY.PEEK[]');
    expect(c.heard).toContain('Line 799: the quarterly figures are attached.');
    const fetch = bytesEvents(world).find(
      (e) => e.conn === c.socket.id && bytesToLatin1(e.bytes).includes('Line 799'),
    )!;
    expect(fetch.encrypted).toBe(true);
    // 22 octets of TLS record overhead per started 16 KiB of compressed data.
    const records = Math.ceil(fetch.compressed!.length / 16_384);
    expect(fetch.wireLength).toBe(fetch.compressed!.length + records * 22);
  });
});
