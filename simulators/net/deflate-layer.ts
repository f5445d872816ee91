/**
 * The DEFLATE layer of RFC 4978 (IMAP COMPRESS=DEFLATE): after `COMPRESS
 * DEFLATE` is answered OK, each direction of the connection is one raw
 * DEFLATE stream (RFC 1951, no zlib or gzip wrapper) running for the rest of
 * the connection. The sender flushes to a byte boundary after every write
 * (RFC 4978: a sync or partial flush after each burst of data), so the
 * peer can read each command or response as soon as it arrives; the
 * dictionary carries over from write to write, which is where the gain on
 * repetitive IMAP traffic comes from.
 *
 * Like the simulated TLS of network.ts, the layer sits under the protocol:
 * sessions write and read plain text, the wire carries the compressed
 * octets. fflate does the work (it is pure JavaScript, so this runs in the
 * browser and the engine alike); the TCP bridge wraps real sockets in the
 * same classes.
 */
import { Deflate, Inflate } from 'fflate';

/** zlib's default level: a good trade for short IMAP exchanges. */
const LEVEL = 6;

/** The chunks as one fresh array (fflate may reuse the memory behind a chunk it has handed out). */
function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * fflate 0.8 keeps the unfinished last byte of its output in its stream
 * state: `s.r` holds the number of bits used in the low three bits and the
 * byte above them.
 */
interface DeflateState {
  readonly s: { r?: number };
}

/**
 * One direction's compressor.
 *
 * The sync flush is written here rather than by fflate's `flush(true)`,
 * whose empty stored block lands at the wrong bit offset whenever the
 * output ends inside a byte (zlib then fails with "invalid stored block
 * lengths"). fflate flushes the compressed blocks, and this class closes
 * the unfinished byte with the marker zlib's Z_SYNC_FLUSH writes: an empty,
 * non-final stored block (3 zero header bits, padding to the byte, then
 * LEN 0000 and NLEN FFFF; RFC 1951 §3.2.4).
 */
export class DeflateCompressor {
  readonly #chunks: Uint8Array[] = [];
  readonly #deflate = new Deflate({ level: LEVEL }, (chunk) => this.#chunks.push(chunk));

  /** The DEFLATE octets carrying `plain`, sync-flushed so the peer can read all of it at once. */
  compress(plain: Uint8Array): Uint8Array {
    this.#deflate.push(plain);
    this.#deflate.flush(false);
    const state = (this.#deflate as unknown as DeflateState).s;
    const r = state.r ?? 0;
    const bits = r & 7;
    // The header's 3 bits fit in the open byte, or spill into one more.
    const header = bits + 3 <= 8 ? [r >> 3] : [r >> 3, 0];
    this.#chunks.push(new Uint8Array([...header, 0x00, 0x00, 0xff, 0xff]));
    // The stream is byte-aligned again, as after fflate's own sync flush.
    state.r = 0;
    const out = concat(this.#chunks);
    this.#chunks.length = 0;
    return out;
  }
}

/** What a decompressor yields for one arrival. */
export type Decompressed =
  { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly message: string };

/** One direction's decompressor. */
export class DeflateDecompressor {
  readonly #chunks: Uint8Array[] = [];
  readonly #inflate = new Inflate((chunk) => this.#chunks.push(chunk));
  #failed: string | undefined;

  /** The plain text in `wire` (empty while a block is still incomplete), or why the stream is broken. */
  decompress(wire: Uint8Array): Decompressed {
    if (this.#failed !== undefined) return { ok: false, message: this.#failed };
    try {
      this.#inflate.push(wire);
    } catch (e) {
      // A peer that sends plain text, or garbage, where DEFLATE was agreed.
      this.#failed = `invalid DEFLATE data (${e instanceof Error ? e.message : String(e)})`;
      return { ok: false, message: this.#failed };
    }
    const out = this.#chunks.length === 0 ? new Uint8Array(0) : concat(this.#chunks);
    this.#chunks.length = 0;
    return { ok: true, bytes: out };
  }
}
