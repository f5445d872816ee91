import { constants, createDeflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latin1Bytes } from '../core/bytes.ts';
import { DeflateCompressor, DeflateDecompressor } from './deflate-layer.ts';

/** Node's zlib reading a whole raw DEFLATE stream that ends in a sync flush. */
function zlibInflate(chunks: readonly Uint8Array[]): Buffer {
  return inflateRawSync(Buffer.concat(chunks), { finishFlush: constants.Z_SYNC_FLUSH });
}

/** Writes that compress well (IMAP-like lines) or not at all (random octets). */
const writes = fc.array(
  fc.oneof(
    fc.uint8Array({ maxLength: 2000 }),
    fc
      .tuple(fc.string({ maxLength: 40 }), fc.integer({ min: 1, max: 300 }))
      .map(([line, n]) => latin1Bytes(`${line}\r\n`.repeat(n))),
  ),
  { maxLength: 8 },
);

describe('DEFLATE layer (RFC 4978, RFC 1951)', () => {
  it('ends every write with the sync-flush marker and is read back write by write, by itself and by zlib', () => {
    fc.assert(
      fc.property(writes, (plain) => {
        const compressor = new DeflateCompressor();
        const decompressor = new DeflateDecompressor();
        const wire: Uint8Array[] = [];
        let sent = 0;
        for (const p of plain) {
          const w = compressor.compress(p);
          expect([...w.slice(-4)]).toEqual([0x00, 0x00, 0xff, 0xff]);
          wire.push(w);
          sent += p.length;
          // Each write is readable as soon as it arrives: nothing waits for the next one.
          expect(decompressor.decompress(w)).toEqual({ ok: true, bytes: p });
          expect(zlibInflate(wire).length).toBe(sent);
        }
        expect(zlibInflate(wire).equals(Buffer.concat(plain))).toBe(true);
      }),
      { numRuns: 80 },
    );
    // Generous: the machine is shared, and zlib reads the whole stream after every write.
  }, 60_000);

  it('reads what zlib writes with Z_SYNC_FLUSH, burst by burst', async () => {
    const deflate = createDeflateRaw();
    const decompressor = new DeflateDecompressor();
    const got: string[] = [];
    for (const line of ['A1 LOGIN bob secret\r\n', 'A2 SELECT INBOX\r\n', `A3 NOOP\r\n`.repeat(500)]) {
      const chunks: Buffer[] = [];
      deflate.on('data', (c: Buffer) => chunks.push(c));
      deflate.write(line);
      await new Promise<void>((done) => deflate.flush(constants.Z_SYNC_FLUSH, () => done()));
      deflate.removeAllListeners('data');
      const out = decompressor.decompress(new Uint8Array(Buffer.concat(chunks)));
      got.push(out.ok ? Buffer.from(out.bytes).toString('latin1') : out.message);
    }
    expect(got).toEqual(['A1 LOGIN bob secret\r\n', 'A2 SELECT INBOX\r\n', `A3 NOOP\r\n`.repeat(500)]);
    deflate.close();
  });

  it('reports a stream that is not DEFLATE, and stays broken', () => {
    const decompressor = new DeflateDecompressor();
    // RFC 1951 §3.2.3: block type 11 is reserved, an error.
    const bad = decompressor.decompress(new Uint8Array([0x07, 0x00]));
    expect(bad.ok).toBe(false);
    expect(decompressor.decompress(deflateRawSync(Buffer.from('x'))).ok).toBe(false);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 6 }), (chunks) => {
        const decompressor = new DeflateDecompressor();
        for (const c of chunks) decompressor.decompress(c);
      }),
    );
  });
});
