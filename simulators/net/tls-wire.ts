/**
 * The simulated TLS 1.3 (RFC 8446) as real records, for packet captures.
 * The simulation encrypts nothing; it knows which flights happened, how long
 * they were, and the plaintext. A capture writes them as TLS would: a
 * ClientHello and ServerHello in the clear (Wireshark reads the version, the
 * cipher suite and the server name), then records really encrypted with
 * TLS_AES_128_GCM_SHA256 under traffic secrets made up per connection. The
 * capture can carry those secrets in the NSS key-log format, so Wireshark
 * shows the plaintext protocol inside, as it does for a browser's
 * SSLKEYLOGFILE; without them it is exactly the eavesdropper's view.
 */
import { toHex, utf8Bytes } from '../core/bytes.ts';

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

/** The WebCrypto calls record protection needs (the platform's `crypto.subtle`). */
export interface SubtleForTls {
  importKey(
    format: 'raw',
    keyData: Uint8Array,
    algorithm: { name: string; hash?: string },
    extractable: boolean,
    usages: ('sign' | 'encrypt')[],
  ): Promise<unknown>;
  sign(algorithm: { name: string }, key: never, data: Uint8Array): Promise<ArrayBuffer>;
  encrypt(
    algorithm: { name: string; iv: Uint8Array; additionalData: Uint8Array },
    key: never,
    data: Uint8Array,
  ): Promise<ArrayBuffer>;
}

/** HKDF-Expand-Label of RFC 8446 §7.1 with SHA-256, for outputs of at most one block. */
async function expandLabel(subtle: SubtleForTls, secret: Uint8Array, label: string, length: number) {
  const name = utf8Bytes(`tls13 ${label}`);
  const info = Uint8Array.from([...u16(length), name.length, ...name, 0, 1]);
  const key = await subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle.sign({ name: 'HMAC' }, key as never, info)).slice(0, length);
}

/** One direction's record protection under one traffic secret (RFC 8446 §5.2, §5.3). */
export class RecordProtector {
  #seq = 0;
  readonly #keys: Promise<{ key: never; iv: Uint8Array }>;

  constructor(
    private readonly subtle: SubtleForTls,
    secret: Uint8Array,
  ) {
    this.#keys = (async () => {
      const raw = await expandLabel(subtle, secret, 'key', 16);
      const iv = await expandLabel(subtle, secret, 'iv', 12);
      const key = (await subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt'])) as never;
      return { key, iv };
    })();
  }

  /**
   * One protected record: the content, its real type, and zero padding up to
   * `wireSize` octets on the wire when asked (TLS 1.3 allows padding; it is
   * how the capture matches the sizes the simulation reported).
   */
  async seal(type: number, content: ArrayLike<number>, wireSize = 0): Promise<Uint8Array> {
    const padding = Math.max(0, wireSize - (content.length + TLS_RECORD_OVERHEAD));
    const inner = new Uint8Array(content.length + 1 + padding);
    inner.set(content, 0);
    inner[content.length] = type;
    const length = inner.length + 16;
    const header = Uint8Array.from([APPLICATION_DATA, 0x03, 0x03, ...u16(length)]);
    const { key, iv } = await this.#keys;
    const nonce = iv.slice();
    let seq = this.#seq++;
    for (let i = 11; i >= 4 && seq > 0; i--) {
      nonce[i]! ^= seq & 0xff;
      seq = Math.floor(seq / 256);
    }
    const sealed = await this.subtle.encrypt(
      { name: 'AES-GCM', iv: nonce, additionalData: header },
      key,
      inner,
    );
    const out = new Uint8Array(5 + length);
    out.set(header, 0);
    out.set(new Uint8Array(sealed), 5);
    return out;
  }
}

/** The made-up secrets of one connection, and its key-log lines (NSS key-log format). */
export class TlsConnectionKeys {
  readonly clientRandom: number[];
  readonly keyLog: string;
  readonly #secrets: Record<'ch' | 'sh' | 'ca' | 'sa', Uint8Array>;

  constructor(filler: Filler) {
    this.clientRandom = filler.bytes(32);
    const secret = () => Uint8Array.from(filler.bytes(32));
    this.#secrets = { ch: secret(), sh: secret(), ca: secret(), sa: secret() };
    const random = toHex(Uint8Array.from(this.clientRandom));
    const line = (label: string, s: Uint8Array) => `${label} ${random} ${toHex(s)}\n`;
    this.keyLog =
      line('CLIENT_HANDSHAKE_TRAFFIC_SECRET', this.#secrets.ch) +
      line('SERVER_HANDSHAKE_TRAFFIC_SECRET', this.#secrets.sh) +
      line('CLIENT_TRAFFIC_SECRET_0', this.#secrets.ca) +
      line('SERVER_TRAFFIC_SECRET_0', this.#secrets.sa);
  }

  protector(subtle: SubtleForTls, which: 'ch' | 'sh' | 'ca' | 'sa'): RecordProtector {
    return new RecordProtector(subtle, this.#secrets[which]);
  }
}

/** A ClientHello offering TLS 1.3 only, with SNI when known, padded (RFC 7685) to `size` octets when it can be. */
export function clientHello(
  filler: Filler,
  random: readonly number[],
  serverName: string,
  size: number,
): Uint8Array {
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
    ...random,
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
 * The server's flight, `size` octets in all: ServerHello in the clear, the
 * compatibility ChangeCipherSpec (RFC 8446 appendix D.4), then
 * EncryptedExtensions, an empty Certificate, CertificateVerify and Finished
 * under the server's handshake secret. The signature and the Finished MAC are
 * filler: nothing here is a real handshake, and Wireshark does not check them.
 */
export async function serverFlight(
  filler: Filler,
  handshakeKey: RecordProtector,
  size: number,
): Promise<Uint8Array> {
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
  const encrypted = [
    ...handshake(8, u16(0)),
    ...handshake(11, [0, ...u24(0)]),
    ...handshake(15, [0x08, 0x04, ...u16(256), ...filler.bytes(256)]),
    ...handshake(20, filler.bytes(32)),
  ];
  const sealed = await handshakeKey.seal(HANDSHAKE, encrypted, size - hello.length);
  return Uint8Array.from([...hello, ...sealed]);
}

/** The client's Finished under its handshake secret, `size` octets on the wire. */
export function clientFinished(
  filler: Filler,
  handshakeKey: RecordProtector,
  size: number,
): Promise<Uint8Array> {
  return handshakeKey.seal(HANDSHAKE, handshake(20, filler.bytes(32)), size);
}

/** Application data sealed in records of at most 2^14 octets, as the simulated TLS splits it. */
export async function applicationData(key: RecordProtector, plaintext: Uint8Array): Promise<Uint8Array> {
  const records: Uint8Array[] = [];
  let length = 0;
  for (let i = 0; i === 0 || i < plaintext.length; i += TLS_MAX_PLAINTEXT) {
    const r = await key.seal(APPLICATION_DATA, plaintext.subarray(i, i + TLS_MAX_PLAINTEXT));
    records.push(r);
    length += r.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const r of records) {
    out.set(r, at);
    at += r.length;
  }
  return out;
}
