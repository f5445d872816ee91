import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip.ts';

describe('ip', () => {
  it.each([
    ['192.0.2.10', [192, 0, 2, 10]],
    ['0.0.0.0', [0, 0, 0, 0]],
    ['255.255.255.255', [255, 255, 255, 255]],
  ])('reads the dotted quad %s (RFC 1035 §3.4.1)', (text, bytes) => {
    expect(parseIPv4(text)).toEqual(bytes);
    expect(formatIPv4(bytes)).toBe(text);
  });

  it.each(['256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.x', '', '1..2.3', ' 1.2.3.4', '1.2.3.4/24'])(
    'refuses %j as an IPv4 address (inet_pton)',
    (text) => {
      expect(parseIPv4(text)).toBeUndefined();
    },
  );

  it.each([
    ['2001:DB8:0:0:8:800:200C:417A', '2001:db8::8:800:200c:417a'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['FF01:0:0:0:0:0:0:101', 'ff01::101'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['0:0:0:0:0:0:13.1.68.3', '::d01:4403'],
    ['::FFFF:129.144.52.38', '::ffff:129.144.52.38'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
  ])('reads %s and writes it as %s (RFC 4291 §2.2, RFC 5952 §4)', (text, canonical) => {
    const bytes = parseIPv6(text);
    expect(bytes).toHaveLength(16);
    expect(formatIPv6(bytes!)).toBe(canonical);
    expect(parseIPv6(canonical)).toEqual(bytes);
  });

  it('returns the 16 bytes of an address (RFC 4291 §2.2)', () => {
    expect(parseIPv6('2001:db8::ff00:42:8329')).toEqual([
      0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0x00, 0x42, 0x83, 0x29,
    ]);
  });

  it.each([
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    ':::',
    ':1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:',
    '12345::',
    'g::1',
    '1.2.3.4::',
    '::1.2.3',
    '1:2:3:4:5:6:7:1.2.3.4',
    'fe80::1%eth0',
    '',
  ])('refuses %j as an IPv6 address (RFC 4291 §2.2)', (text) => {
    expect(parseIPv6(text)).toBeUndefined();
  });

  it('round-trips any 16 bytes through the canonical form (RFC 5952 §4)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }), (bytes) => {
        const text = formatIPv6(bytes);
        expect(parseIPv6(text)).toEqual(bytes);
        expect(text).toBe(text.toLowerCase());
      }),
      { numRuns: 300 },
    );
  });
});
