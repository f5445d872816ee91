/**
 * MD5 (RFC 1321) and HMAC-MD5 (RFC 2104), for SASL CRAM-MD5 (RFC 2195).
 *
 * Why a hand-written MD5: WebCrypto (`crypto.subtle`) has no MD5, and the
 * engine may not use Node's `crypto`. MD5 is broken as a collision-resistant
 * hash; CRAM-MD5 only uses it inside HMAC, where it is still a keyed MAC, and
 * the lab implements it because real clients (swaks, Thunderbird) still offer
 * it. It is synchronous on purpose: the digest is pure, costs no virtual time
 * and replays identically, so it needs none of the injected-crypto plumbing
 * that DKIM's RSA uses (STYLE.md §S3).
 */

// RFC 1321 §3.4: per-round left-rotation amounts.
const SHIFTS = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
  14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15,
  21, 6, 10, 15, 21,
];

// RFC 1321 §3.4: T[i] = floor(2^32 × |sin(i + 1)|). Computed rather than
// listed: Math.sin is exact enough in IEEE doubles for all 64 entries, and
// the RFC test vectors in md5.test.ts would catch any drift.
const T = Int32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);

/** The 16-byte MD5 digest of `message` (RFC 1321). */
export function md5(message: Uint8Array): Uint8Array {
  // RFC 1321 §3.1–3.2: pad with 0x80, zeros to 56 mod 64, then the bit length (64-bit little-endian).
  const padded = new Uint8Array((((message.length + 8) >>> 6) + 1) << 6);
  padded.set(message);
  padded[message.length] = 0x80;
  const bitLength = message.length * 8;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, bitLength >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(bitLength / 2 ** 32), true);

  // RFC 1321 §3.3: initial state A, B, C, D.
  let a0 = 0x67452301;
  let b0 = 0xefcdab89 | 0;
  let c0 = 0x98badcfe | 0;
  let d0 = 0x10325476;
  const m = new Int32Array(16);

  for (let block = 0; block < padded.length; block += 64) {
    for (let k = 0; k < 16; k++) m[k] = view.getInt32(block + k * 4, true);
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      // RFC 1321 §3.4: the four auxiliary functions F, G, H, I and their message-word order.
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      const sum = (a + f + T[i]! + m[g]!) | 0;
      const s = SHIFTS[i]!;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << s) | (sum >>> (32 - s)))) | 0;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }

  // RFC 1321 §3.5: the digest is A, B, C, D, each little-endian.
  const out = new Uint8Array(16);
  const outView = new DataView(out.buffer);
  outView.setInt32(0, a0, true);
  outView.setInt32(4, b0, true);
  outView.setInt32(8, c0, true);
  outView.setInt32(12, d0, true);
  return out;
}

/** MD5's block size in octets; HMAC pads the key to it (RFC 2104 §2, B = 64). */
const BLOCK = 64;

/** HMAC-MD5 of `message` under `key` (RFC 2104 §2): MD5((K ⊕ opad) ‖ MD5((K ⊕ ipad) ‖ text)). */
export function hmacMd5(key: Uint8Array, message: Uint8Array): Uint8Array {
  // RFC 2104 §2: keys longer than B are hashed first; shorter ones are zero-padded.
  const k = new Uint8Array(BLOCK);
  k.set(key.length > BLOCK ? md5(key) : key);
  const inner = new Uint8Array(BLOCK + message.length);
  const outer = new Uint8Array(BLOCK + 16);
  for (let i = 0; i < BLOCK; i++) {
    inner[i] = k[i]! ^ 0x36;
    outer[i] = k[i]! ^ 0x5c;
  }
  inner.set(message, BLOCK);
  outer.set(md5(inner), BLOCK);
  return md5(outer);
}
