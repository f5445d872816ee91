/**
 * Ethernet, IP and TCP/UDP framing for packet captures of the simulated
 * network. The simulation moves whole byte runs between hosts; a capture
 * needs them as the packets a real stack would send, with valid checksums so
 * that Wireshark shows no false alarms. Headers follow RFC 791 (IPv4),
 * RFC 8200 (IPv6), RFC 9293 (TCP) and RFC 768 (UDP).
 */
import { parseIPv4, parseIPv6 } from '../dns/ip.ts';

/** TCP header flags (RFC 9293 §3.1). */
export const TCP = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

/** An address as bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = readonly number[];

/** Reads an IPv4 or IPv6 address, or undefined when it is neither. */
export function ipBytes(text: string): IpBytes | undefined {
  return parseIPv4(text) ?? parseIPv6(text);
}

/** A TCP segment or UDP datagram between two addresses, before framing. */
export interface Segment {
  readonly src: IpBytes;
  readonly dst: IpBytes;
  readonly srcMac: readonly number[];
  readonly dstMac: readonly number[];
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
  /** IPv4 identification field; captures number their packets so it stays deterministic. */
  readonly ipId: number;
}

/** The fields TCP adds. */
export interface TcpFields {
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
}

const PROTO_TCP = 6;
const PROTO_UDP = 17;

/** The ones' complement sum of RFC 1071 over several byte runs, folded and inverted. */
function internetChecksum(...parts: ArrayLike<number>[]): number {
  let sum = 0;
  let odd = false;
  let carry = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      if (odd) {
        sum += carry | part[i]!;
      } else {
        carry = part[i]! << 8;
      }
      odd = !odd;
    }
  }
  if (odd) sum += carry;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function put16(b: Uint8Array, at: number, n: number): void {
  b[at] = (n >>> 8) & 0xff;
  b[at + 1] = n & 0xff;
}

function put32(b: Uint8Array, at: number, n: number): void {
  put16(b, at, (n >>> 16) & 0xffff);
  put16(b, at + 2, n & 0xffff);
}

/** The pseudo-header TCP and UDP checksums cover (RFC 9293 §3.1, RFC 8200 §8.1). */
function pseudoHeader(src: IpBytes, dst: IpBytes, proto: number, length: number): Uint8Array {
  if (src.length === 4) {
    const p = new Uint8Array(12);
    p.set(src, 0);
    p.set(dst, 4);
    p[9] = proto;
    put16(p, 10, length);
    return p;
  }
  const p = new Uint8Array(40);
  p.set(src, 0);
  p.set(dst, 16);
  put32(p, 32, length);
  p[39] = proto;
  return p;
}

/** Wraps a transport header and payload in IP and Ethernet. */
function frame(s: Segment, proto: number, transport: Uint8Array): Uint8Array {
  const v4 = s.src.length === 4;
  const ipLength = v4 ? 20 : 40;
  const out = new Uint8Array(14 + ipLength + transport.length);
  out.set(s.dstMac, 0);
  out.set(s.srcMac, 6);
  put16(out, 12, v4 ? 0x0800 : 0x86dd);
  const ip = out.subarray(14, 14 + ipLength);
  if (v4) {
    ip[0] = 0x45;
    put16(ip, 2, 20 + transport.length);
    put16(ip, 4, s.ipId & 0xffff);
    put16(ip, 6, 0x4000); // don't fragment
    ip[8] = 64;
    ip[9] = proto;
    ip.set(s.src, 12);
    ip.set(s.dst, 16);
    put16(ip, 10, internetChecksum(ip));
  } else {
    ip[0] = 0x60;
    put16(ip, 4, transport.length);
    ip[6] = proto;
    ip[7] = 64;
    ip.set(s.src, 8);
    ip.set(s.dst, 24);
  }
  out.set(transport, 14 + ipLength);
  return out;
}

/** An Ethernet frame holding one TCP segment. */
export function tcpFrame(s: Segment, tcp: TcpFields): Uint8Array {
  const t = new Uint8Array(20 + s.payload.length);
  put16(t, 0, s.srcPort);
  put16(t, 2, s.dstPort);
  put32(t, 4, tcp.seq >>> 0);
  put32(t, 8, tcp.flags & TCP.ACK ? tcp.ack >>> 0 : 0);
  t[12] = 5 << 4;
  t[13] = tcp.flags;
  put16(t, 14, 65535);
  t.set(s.payload, 20);
  put16(t, 16, internetChecksum(pseudoHeader(s.src, s.dst, PROTO_TCP, t.length), t));
  return frame(s, PROTO_TCP, t);
}

/** An Ethernet frame holding one UDP datagram. */
export function udpFrame(s: Segment): Uint8Array {
  const u = new Uint8Array(8 + s.payload.length);
  put16(u, 0, s.srcPort);
  put16(u, 2, s.dstPort);
  put16(u, 4, u.length);
  u.set(s.payload, 8);
  // RFC 768: a computed zero is sent as all ones, zero meaning "no checksum".
  put16(u, 6, internetChecksum(pseudoHeader(s.src, s.dst, PROTO_UDP, u.length), u) || 0xffff);
  return frame(s, PROTO_UDP, u);
}
