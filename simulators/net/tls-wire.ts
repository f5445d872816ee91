/**
 * What an eavesdropper's capture of the simulated TLS 1.3 looks like (RFC 8446).
 * The simulation encrypts nothing; it knows only which flights happened and
 * how long they were. A capture shows them as real records: a ClientHello and
 * ServerHello in the clear (so Wireshark reads the version, the cipher suite
 * and the server name), then application-data records of the right sizes
 * filled with bytes that look random, because to an eavesdropper they are.
 */
import { utf8Bytes } from '../core/bytes.ts';

const HANDSHAKE = 22;
const APPLICATION_DATA = 23;
const CHANGE_CIPHER_SPEC = 20;
const TLS_AES_128_GCM_SHA256 = 0x1301;
const X25519 = 0x001d;
/** Header plus content type and AEAD tag per record (RFC 8446 §5.2). */
export const TLS_RECORD_OVERHEAD = 22;
export const TLS_MAX_PLAINTEXT = 16_384;

/** Deterministic filler: xorshift32 from a seed, so the same trace gives the same capture. */
export class Filler {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0 || 0x9e3779b9;
  }

  bytes(n: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      let x = this.#state;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.#state = x >>> 0;
      out.push(this.#state & 0xff);
    }
    return out;
  }
}

function u16(n: number): number[] {
  return [(n >>> 8) & 0xff, n & 0xff];
}

function u24(n: number): number[] {
  return [(n >>> 16) & 0xff, ...u16(n)];
}

function extension(type: number, body: readonly number[]): number[] {
  return [...u16(type), ...u16(body.length), ...body];
}

function record(type: number, body: readonly number[], version = 0x0303): number[] {
  return [type, ...u16(version), ...u16(body.length), ...body];
}

function handshake(type: number, body: readonly number[]): number[] {
  return [type, ...u24(body.length), ...body];
}

/** A ClientHello offering TLS 1.3 only, with SNI when known, padded (RFC 7685) to `size` octets when it can be. */
export function clientHello(filler: Filler, serverName: string, size: number): Uint8Array {
  const name = utf8Bytes(serverName);
  const extensions = [
    ...(name.length > 0 ? extension(0, [...u16(name.length + 3), 0, ...u16(name.length), ...name]) : []),
    ...extension(10, [...u16(2), ...u16(X25519)]),
    ...extension(13, [...u16(6), 0x04, 0x03, 0x08, 0x04, 0x08, 0x07]),
    ...extension(43, [2, 0x03, 0x04]),
    ...extension(51, [...u16(36), ...u16(X25519), ...u16(32), ...filler.bytes(32)]),
  ];
  const fixed = (ext: number) => 5 + 4 + 2 + 32 + 1 + 32 + 2 + 6 + 2 + 2 + ext;
  const padding = size - fixed(extensions.length) - 4;
  if (padding >= 0) extensions.push(...extension(21, new Array<number>(padding).fill(0)));
  const body = [
    ...u16(0x0303),
    ...filler.bytes(32),
    32,
    ...filler.bytes(32),
    ...u16(6),
    ...u16(TLS_AES_128_GCM_SHA256),
    ...u16(0x1302),
    ...u16(0x1303),
    1,
    0,
    ...u16(extensions.length),
    ...extensions,
  ];
  return Uint8Array.from(record(HANDSHAKE, handshake(1, body), 0x0301));
}

/**
 * The server's flight: ServerHello in the clear, the compatibility
 * ChangeCipherSpec (RFC 8446 appendix D.4), then the encrypted rest
 * (EncryptedExtensions to Finished) as application data, `size` octets in all.
 */
export function serverFlight(filler: Filler, size: number): Uint8Array {
  const extensions = [
    ...extension(43, u16(0x0304)),
    ...extension(51, [...u16(X25519), ...u16(32), ...filler.bytes(32)]),
  ];
  const body = [
    ...u16(0x0303),
    ...filler.bytes(32),
    32,
    ...filler.bytes(32),
    ...u16(TLS_AES_128_GCM_SHA256),
    0,
    ...u16(extensions.length),
    ...extensions,
  ];
  const hello = [...record(HANDSHAKE, handshake(2, body)), ...record(CHANGE_CIPHER_SPEC, [1])];
  const rest = Math.max(size - hello.length - 5, 1);
  return Uint8Array.from([...hello, ...record(APPLICATION_DATA, filler.bytes(rest))]);
}

/** Encrypted records carrying `plaintextLength` octets, split as the simulated TLS splits them. */
export function applicationData(filler: Filler, plaintextLength: number): Uint8Array {
  const out: number[] = [];
  let left = plaintextLength;
  do {
    const n = Math.min(left, TLS_MAX_PLAINTEXT);
    out.push(...record(APPLICATION_DATA, filler.bytes(n + TLS_RECORD_OVERHEAD - 5)));
    left -= n;
  } while (left > 0);
  return Uint8Array.from(out);
}

/** One encrypted record of `size` octets on the wire (the client's Finished). */
export function opaqueRecord(filler: Filler, size: number): Uint8Array {
  return Uint8Array.from(record(APPLICATION_DATA, filler.bytes(Math.max(size - 5, 1))));
}
