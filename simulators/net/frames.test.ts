import { describe, expect, it } from 'vitest';
import { ipBytes, TCP, tcpFrame, udpFrame, type Segment } from './frames.ts';

/** RFC 1071: the ones' complement sum over a run that includes its checksum is 0xffff. */
function sums(...parts: ArrayLike<number>[]): number {
  const bytes = parts.flatMap((p) => Array.from(p));
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

function segment(src: string, dst: string, payload = 'hello'): Segment {
  return {
    src: ipBytes(src)!,
    dst: ipBytes(dst)!,
    srcMac: [2, 0, 0, 0, 0, 1],
    dstMac: [2, 0, 0, 0, 0, 2],
    srcPort: 49152,
    dstPort: 25,
    payload: new TextEncoder().encode(payload),
    ipId: 1,
  };
}

describe('Ethernet, IP and TCP/UDP framing', () => {
  it('writes IPv4 with a valid header checksum and a TCP checksum over the pseudo-header', () => {
    const frame = tcpFrame(segment('192.0.2.10', '192.0.2.25'), { seq: 1, ack: 2, flags: TCP.ACK | TCP.PSH });
    expect([...frame.subarray(12, 14)]).toEqual([0x08, 0x00]);
    const ip = frame.subarray(14, 34);
    expect(sums(ip)).toBe(0xffff);
    const tcp = frame.subarray(34);
    const pseudo = [...ip.subarray(12, 20), 0, 6, tcp.length >> 8, tcp.length & 0xff];
    expect(sums(pseudo, tcp)).toBe(0xffff);
    expect(new TextDecoder().decode(tcp.subarray(20))).toBe('hello');
  });

  it('writes IPv6 and UDP with the RFC 8200 pseudo-header', () => {
    const frame = udpFrame(segment('2001:db8::1', '2001:db8::53', 'odd'));
    expect([...frame.subarray(12, 14)]).toEqual([0x86, 0xdd]);
    const ip = frame.subarray(14, 54);
    const udp = frame.subarray(54);
    const pseudo = [...ip.subarray(8, 40), 0, 0, 0, udp.length, 0, 0, 0, 17];
    expect(sums(pseudo, udp)).toBe(0xffff);
  });
});
