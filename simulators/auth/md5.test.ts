import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { latin1Bytes, toHex } from '../core/bytes.ts';
import { hmacMd5, md5 } from './md5.ts';

const repeat = (byte: number, n: number): Uint8Array => new Uint8Array(n).fill(byte);

describe('md5', () => {
  // RFC 1321 Appendix A.5, the test suite.
  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
  ])('digests %j to the RFC value (RFC 1321 §A.5)', (text, digest) => {
    expect(toHex(md5(latin1Bytes(text)))).toBe(digest);
  });

  it('pads correctly around the 56-octet boundary (RFC 1321 §3.1)', () => {
    // 55 octets fit one block with the length; 56 need a second block.
    expect(toHex(md5(repeat(0x61, 55)))).toBe('ef1772b6dff9a122358552954ad0df65');
    expect(toHex(md5(repeat(0x61, 56)))).toBe('3b0c8ac703f828b04c6c197006d17218');
    expect(toHex(md5(repeat(0x61, 64)))).toBe('014842d480b571495a4a0363793f7367');
  });

  it('always yields 16 octets and never throws (RFC 1321 §3.5)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(md5(bytes).length).toBe(16);
      }),
      { numRuns: 100 },
    );
  });
});

describe('hmacMd5', () => {
  // RFC 2202 §2, the HMAC-MD5 test cases.
  it.each([
    [1, repeat(0x0b, 16), latin1Bytes('Hi There'), '9294727a3638bb1c13f48ef8158bfc9d'],
    [2, latin1Bytes('Jefe'), latin1Bytes('what do ya want for nothing?'), '750c783e6ab0b503eaa86e310a5db738'],
    [3, repeat(0xaa, 16), repeat(0xdd, 50), '56be34521d144c88dbb8c733f0e8b3f6'],
    [
      4,
      Uint8Array.from({ length: 25 }, (_, i) => i + 1),
      repeat(0xcd, 50),
      '697eaf0aca3a3aea3a75164746ffaa79',
    ],
    [5, repeat(0x0c, 16), latin1Bytes('Test With Truncation'), '56461ef2342edc00f9bab995690efd4c'],
    [
      6,
      repeat(0xaa, 80),
      latin1Bytes('Test Using Larger Than Block-Size Key - Hash Key First'),
      '6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd',
    ],
    [
      7,
      repeat(0xaa, 80),
      latin1Bytes('Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data'),
      '6f630fad67cda0ee1fb1f562db3aa53e',
    ],
  ])('matches test case %i (RFC 2202 §2)', (_case, key, data, digest) => {
    expect(toHex(hmacMd5(key, data))).toBe(digest);
  });
});
