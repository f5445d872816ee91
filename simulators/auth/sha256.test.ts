import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { latin1Bytes, toHex } from '../core/bytes.ts';
import { sha256 } from './sha256.ts';

// The engine's lib has no WebCrypto types; the tests run in Node, which has it.
const subtle = (
  globalThis as unknown as {
    crypto: { subtle: { digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer> } };
  }
).crypto.subtle;

describe('sha256', () => {
  // FIPS 180-2 Appendix B and the NIST example values.
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('digests %j to the FIPS 180-2 value', (text, digest) => {
    expect(toHex(sha256(latin1Bytes(text)))).toBe(digest);
  });

  it('digests a million "a" (FIPS 180-2 Appendix B.3)', () => {
    expect(toHex(sha256(new Uint8Array(1_000_000).fill(0x61)))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('agrees with WebCrypto on any input, around every padding boundary too', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.integer({ min: 50, max: 130 }).map((n) => new Uint8Array(n).fill(0x5a)),
        ),
        async (bytes) => {
          const expected = new Uint8Array(await subtle.digest('SHA-256', bytes));
          expect(toHex(sha256(bytes))).toBe(toHex(expected));
        },
      ),
      { numRuns: 300 },
    );
  });
});
