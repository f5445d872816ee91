import { describe, expect, it } from 'vitest';
import { hexRows } from './hexdump.ts';

describe('hexRows', () => {
  it('shows 16 octets a row with the offset, the hex in two halves, and CRLF visible', () => {
    const bytes = new TextEncoder().encode('EHLO alice-laptop\r\nQUIT\r\n');
    const rows = hexRows(bytes);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      offset: '000000',
      hex: '45 48 4c 4f 20 61 6c 69  63 65 2d 6c 61 70 74 6f',
      text: 'EHLO alice-lapto',
    });
    expect(rows[1]!.text).toBe('p␍␊QUIT␍␊');
    expect(rows[1]!.offset).toBe('000010');
  });

  it('marks unprintable octets and stops at the limit', () => {
    expect(hexRows(Uint8Array.from([0, 0xff, 0x41]))[0]!.text).toBe('··A');
    expect(hexRows(new Uint8Array(100), 2)).toHaveLength(2);
  });
});
