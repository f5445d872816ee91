/**
 * DNS messages in their wire format (RFC 1035 §4.1), written so a packet
 * capture of the simulation shows the queries and answers the resolver really
 * exchanged. Only encoding: the simulated DNS never parses packets, and
 * Wireshark is the reader. Names are written without compression (allowed by
 * §4.1.4, and simpler to check by eye in a hex view).
 */
import { utf8Bytes } from '../core/bytes.ts';
import { parseIPv4, parseIPv6 } from './ip.ts';
import type { DnsAnswer, DnsQuery, DnsRcode, ResourceRecord, RRType } from './records.ts';

/** RFC 1035 §3.2.2 and RFC 3596 §2.1 type codes. */
export const RR_TYPE_CODES: Readonly<Record<RRType, number>> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
};

/** RFC 1035 §4.1.1 RCODE values; a timeout has no reply at all. */
const RCODES: Readonly<Record<Exclude<DnsRcode, 'TIMEOUT'>, number>> = {
  NOERROR: 0,
  SERVFAIL: 2,
  NXDOMAIN: 3,
};

/** Writes big-endian integers and byte runs into a growing buffer. */
class WireWriter {
  #bytes: number[] = [];

  u8(n: number): void {
    this.#bytes.push(n & 0xff);
  }

  u16(n: number): void {
    this.#bytes.push((n >>> 8) & 0xff, n & 0xff);
  }

  u32(n: number): void {
    this.u16(n >>> 16);
    this.u16(n & 0xffff);
  }

  raw(bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; i++) this.#bytes.push(bytes[i]!);
  }

  get length(): number {
    return this.#bytes.length;
  }

  /** Overwrites a 16-bit value written earlier (RDLENGTH once the data is known). */
  patch16(at: number, n: number): void {
    this.#bytes[at] = (n >>> 8) & 0xff;
    this.#bytes[at + 1] = n & 0xff;
  }

  done(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

/** Why a message cannot be written: RFC 1035 §2.3.4 size limits. */
export class DnsWireError extends Error {}

/** RFC 1035 §3.1: labels of at most 63 octets, names of at most 255 with the length octets. */
function writeName(w: WireWriter, name: string): void {
  const labels = name === '' ? [] : name.split('.');
  let total = 1;
  for (const label of labels) {
    const bytes = utf8Bytes(label);
    if (bytes.length === 0 || bytes.length > 63) throw new DnsWireError(`label of ${bytes.length} octets`);
    total += bytes.length + 1;
    w.u8(bytes.length);
    w.raw(bytes);
  }
  if (total > 255) throw new DnsWireError(`name of ${total} octets`);
  w.u8(0);
}

/** RFC 1035 §3.3.14: TXT data is character-strings of at most 255 octets each. */
function writeCharacterStrings(w: WireWriter, strings: readonly string[]): void {
  for (const s of strings) {
    const bytes = utf8Bytes(s);
    for (let i = 0; i === 0 || i < bytes.length; i += 255) {
      const chunk = bytes.subarray(i, i + 255);
      w.u8(chunk.length);
      w.raw(chunk);
    }
  }
}

function writeRecord(w: WireWriter, rr: ResourceRecord): void {
  writeName(w, rr.name);
  w.u16(RR_TYPE_CODES[rr.type]);
  w.u16(1); // class IN
  w.u32(rr.ttl);
  const lengthAt = w.length;
  w.u16(0);
  const start = w.length;
  switch (rr.type) {
    case 'A':
      w.raw(parseIPv4(rr.address) ?? [0, 0, 0, 0]);
      break;
    case 'AAAA':
      w.raw(parseIPv6(rr.address) ?? new Array<number>(16).fill(0));
      break;
    case 'MX':
      w.u16(rr.preference);
      writeName(w, rr.exchange);
      break;
    case 'TXT':
      writeCharacterStrings(w, rr.strings);
      break;
    case 'CNAME':
    case 'PTR':
      writeName(w, rr.target);
      break;
    case 'NS':
      writeName(w, rr.host);
      break;
    case 'SOA':
      writeName(w, rr.mname);
      writeName(w, rr.rname);
      for (const n of [rr.serial, rr.refresh, rr.retry, rr.expire, rr.minimum]) w.u32(n);
      break;
  }
  w.patch16(lengthAt, w.length - start);
}

/**
 * One DNS message. `answer` absent writes the query; present, the response
 * (QR set, AA set because the simulated server is authoritative, RD echoed,
 * RA clear). A TIMEOUT answer has no response message: callers must not ask.
 */
export function encodeDnsMessage(id: number, query: DnsQuery, answer?: DnsAnswer): Uint8Array {
  const w = new WireWriter();
  w.u16(id & 0xffff);
  if (answer === undefined) {
    w.u16(0x0100); // RD
  } else {
    if (answer.rcode === 'TIMEOUT') throw new DnsWireError('a timeout has no response');
    w.u16(0x8000 | 0x0400 | 0x0100 | RCODES[answer.rcode]); // QR, AA, RD, RCODE
  }
  w.u16(1);
  w.u16(answer?.answers.length ?? 0);
  w.u16(0);
  w.u16(0);
  writeName(w, query.name);
  w.u16(RR_TYPE_CODES[query.type]);
  w.u16(1);
  for (const rr of answer?.answers ?? []) writeRecord(w, rr);
  return w.done();
}
