/**
 * The trace as a packet capture: a classic pcap file (Ethernet link type)
 * that Wireshark and tshark open, with TCP handshakes, sequence and
 * acknowledgement numbers, FIN/RST teardown, DNS as real UDP/53 messages, and
 * TLS as an eavesdropper sees it (hellos in the clear, then records of the
 * right sizes). It is a projection of the trace like every view: the same
 * trace always gives the same bytes.
 *
 * What the simulation does not model is made up plausibly and said here: no
 * pure ACKs or window updates are written (each segment carries the current
 * acknowledgement), segments are cut at 1,460 octets, and the SYN-ACK is
 * placed halfway between the SYN and the moment the connection opened.
 */
import type { ConnId, HostId } from '../core/ids.ts';
import { DnsWireError, encodeDnsMessage } from '../dns/wire.ts';
import { ipBytes, tcpFrame, TCP, udpFrame, type IpBytes, type Segment } from '../net/frames.ts';
import { applicationData, clientHello, Filler, opaqueRecord, serverFlight } from '../net/tls-wire.ts';
import type { Endpoint, TraceEvent, TraceEventOf } from './events.ts';

export interface PcapOptions {
  /** The host's addresses (the scenario's), to place DNS packets; the first of the query's family is used. */
  readonly addressesOf: (host: HostId) => readonly string[];
  /** Wall-clock milliseconds since 1970 at virtual time 0 (the world's start time). */
  readonly startTime: number;
}

/** The capture and what could not be written in it. */
export interface PcapCapture {
  readonly bytes: Uint8Array;
  readonly packets: number;
  /** Events left out, with the reason (e.g. a DNS name too long for the wire). */
  readonly skipped: readonly string[];
}

const MSS = 1_460;
const DNS_PORT = 53;
const LINKTYPE_ETHERNET = 1;

interface Side {
  readonly endpoint: Endpoint;
  readonly ip: IpBytes;
  readonly mac: readonly number[];
  seq: number;
}

interface TcpConnection {
  readonly client: Side;
  readonly server: Side;
  readonly connectingAt: number;
  readonly filler: Filler;
  readonly serverName: string;
  /** The SYN-ACK has been written. */
  accepted: boolean;
  closed: boolean;
}

/** A locally administered MAC address per host, stable for the capture. */
function macFor(hosts: Map<string, readonly number[]>, host: string): readonly number[] {
  let mac = hosts.get(host);
  if (!mac) {
    const n = hosts.size + 1;
    mac = [0x02, 0x00, 0x5e, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
    hosts.set(host, mac);
  }
  return mac;
}

/** A deterministic initial sequence number per connection and side. */
function initialSequence(conn: string, side: number): number {
  let h = 0x811c9dc5 ^ side;
  for (let i = 0; i < conn.length; i++) h = Math.imul(h ^ conn.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Writes pcap records: the global header (microsecond magic) then one record per frame. */
class PcapFile {
  readonly #chunks: Uint8Array[] = [];
  packets = 0;

  constructor() {
    const header = new DataView(new ArrayBuffer(24));
    header.setUint32(0, 0xa1b2c3d4, true);
    header.setUint16(4, 2, true);
    header.setUint16(6, 4, true);
    header.setUint32(16, 262_144, true);
    header.setUint32(20, LINKTYPE_ETHERNET, true);
    this.#chunks.push(new Uint8Array(header.buffer));
  }

  add(timeMs: number, frame: Uint8Array): void {
    const record = new DataView(new ArrayBuffer(16));
    const micros = Math.round(timeMs * 1000);
    record.setUint32(0, Math.floor(micros / 1e6), true);
    record.setUint32(4, micros % 1e6, true);
    record.setUint32(8, frame.length, true);
    record.setUint32(12, frame.length, true);
    this.#chunks.push(new Uint8Array(record.buffer), frame);
    this.packets++;
  }

  done(): Uint8Array {
    let length = 0;
    for (const c of this.#chunks) length += c.length;
    const out = new Uint8Array(length);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** Converts a trace to a pcap capture. */
export function traceToPcap(events: readonly TraceEvent[], options: PcapOptions): PcapCapture {
  const file = new PcapFile();
  const macs = new Map<string, readonly number[]>();
  const conns = new Map<ConnId, TcpConnection>();
  const queries = new Map<number, TraceEventOf<'dns.query'>>();
  const skipped: string[] = [];
  const serverNames = new Map<ConnId, string>();
  for (const e of events) if (e.type === 'tls.established') serverNames.set(e.conn, e.serverName);
  let ipId = 0;

  const side = (endpoint: Endpoint, conn: string, n: number): Side | undefined => {
    const ip = ipBytes(endpoint.address);
    return ip && { endpoint, ip, mac: macFor(macs, endpoint.host), seq: initialSequence(conn, n) };
  };
  const at = (ms: number) => options.startTime + ms;

  const send = (
    time: number,
    from: Side,
    to: Side,
    flags: number,
    payload: Uint8Array = new Uint8Array(0),
  ) => {
    const segment: Segment = {
      src: from.ip,
      dst: to.ip,
      srcMac: from.mac,
      dstMac: to.mac,
      srcPort: from.endpoint.port,
      dstPort: to.endpoint.port,
      payload,
      ipId: ipId++,
    };
    file.add(at(time), tcpFrame(segment, { seq: from.seq, ack: to.seq, flags }));
    from.seq = (from.seq + payload.length + (flags & (TCP.SYN | TCP.FIN) ? 1 : 0)) >>> 0;
  };

  const sendData = (time: number, from: Side, to: Side, bytes: Uint8Array) => {
    for (let i = 0; i < bytes.length; i += MSS) {
      send(time, from, to, TCP.PSH | TCP.ACK, bytes.subarray(i, i + MSS));
    }
  };

  // The simulated server accepts when the SYN arrives and may greet before the client
  // hears the SYN-ACK: the SYN-ACK goes first in the capture either way.
  const accept = (c: TcpConnection, time: number) => {
    if (c.accepted) return;
    c.accepted = true;
    send(time, c.server, c.client, TCP.SYN | TCP.ACK);
  };

  const ends = (c: TcpConnection, direction: 'c2s' | 's2c'): [Side, Side] =>
    direction === 'c2s' ? [c.client, c.server] : [c.server, c.client];

  for (const e of events) {
    switch (e.type) {
      case 'conn.connecting': {
        const client = side(e.client, e.conn, 0);
        const server = side(e.server, e.conn, 1);
        if (!client || !server || client.ip.length !== server.ip.length) {
          skipped.push(`connection ${e.conn}: addresses ${e.client.address} and ${e.server.address}`);
          break;
        }
        const c: TcpConnection = {
          client,
          server,
          connectingAt: e.at,
          filler: new Filler(initialSequence(e.conn, 2)),
          serverName: serverNames.get(e.conn) ?? '',
          accepted: false,
          closed: false,
        };
        conns.set(e.conn, c);
        send(e.at, client, server, TCP.SYN);
        break;
      }
      case 'conn.opened': {
        const c = conns.get(e.conn);
        if (!c) break;
        accept(c, (c.connectingAt + e.at) / 2);
        send(e.at, c.client, c.server, TCP.ACK);
        break;
      }
      case 'conn.failed': {
        const c = conns.get(e.conn);
        // Refused: the host answers the SYN with a reset; a timeout or no route has no answer.
        if (c && e.reason === 'refused') send(e.at, c.server, c.client, TCP.RST | TCP.ACK);
        conns.delete(e.conn);
        break;
      }
      case 'bytes': {
        const c = conns.get(e.conn);
        if (!c) break;
        accept(c, e.at);
        const [from, to] = ends(c, e.direction);
        sendData(e.at, from, to, e.encrypted ? applicationData(c.filler, e.bytes.length) : e.bytes);
        break;
      }
      case 'tls.handshake': {
        const c = conns.get(e.conn);
        if (!c) break;
        const [from, to] = ends(c, e.direction);
        const first = e.messages[0];
        const flight =
          first === 'ClientHello'
            ? clientHello(c.filler, c.serverName, e.wireLength)
            : first === 'ServerHello'
              ? serverFlight(c.filler, e.wireLength)
              : opaqueRecord(c.filler, e.wireLength);
        sendData(e.at, from, to, flight);
        break;
      }
      case 'conn.closed': {
        const c = conns.get(e.conn);
        if (!c || c.closed) break;
        c.closed = true;
        const [closer, other] = e.by === 'client' ? [c.client, c.server] : [c.server, c.client];
        send(e.at, closer, other, TCP.FIN | TCP.ACK);
        send(e.at, other, closer, TCP.FIN | TCP.ACK);
        send(e.at, closer, other, TCP.ACK);
        conns.delete(e.conn);
        break;
      }
      case 'conn.reset': {
        const c = conns.get(e.conn);
        if (!c) break;
        // A middlebox's reset is forged in the server's name, as such devices do.
        const [from, to] = e.by === 'client' ? [c.client, c.server] : [c.server, c.client];
        send(e.at, from, to, TCP.RST | TCP.ACK);
        conns.delete(e.conn);
        break;
      }
      case 'dns.query':
        queries.set(e.id, e);
        writeDns(e, undefined);
        break;
      case 'dns.answer': {
        const q = queries.get(e.id);
        queries.delete(e.id);
        if (q && e.answer.rcode !== 'TIMEOUT') writeDns(q, e);
        break;
      }
      default:
        break;
    }
  }

  function writeDns(q: TraceEventOf<'dns.query'>, answer: TraceEventOf<'dns.answer'> | undefined): void {
    const resolver = firstAddress(options.addressesOf(q.from));
    const server = resolver && firstAddress(options.addressesOf(q.server), resolver.length);
    if (!resolver || !server) {
      skipped.push(`DNS ${q.id}: no address for ${resolver ? q.server : q.from}`);
      return;
    }
    let payload: Uint8Array;
    try {
      payload = encodeDnsMessage(q.id, q.query, answer?.answer);
    } catch (error) {
      if (!(error instanceof DnsWireError)) throw error;
      skipped.push(`DNS ${q.id} ${q.query.type} ${q.query.name}: ${error.message}`);
      return;
    }
    const resolverPort = 49_152 + (q.id % 16_384);
    const ends = {
      resolver: { ip: resolver, mac: macFor(macs, q.from), port: resolverPort },
      server: { ip: server, mac: macFor(macs, q.server), port: DNS_PORT },
    };
    const [from, to] = answer ? [ends.server, ends.resolver] : [ends.resolver, ends.server];
    const segment: Segment = {
      src: from.ip,
      dst: to.ip,
      srcMac: from.mac,
      dstMac: to.mac,
      srcPort: from.port,
      dstPort: to.port,
      payload,
      ipId: ipId++,
    };
    file.add(at((answer ?? q).at), udpFrame(segment));
  }

  return { bytes: file.done(), packets: file.packets, skipped };
}

/** The first address that parses, of the given length (4 or 16) when one is asked for. */
function firstAddress(addresses: readonly string[], length?: number): IpBytes | undefined {
  for (const a of addresses) {
    const ip = ipBytes(a);
    if (ip && (length === undefined || ip.length === length)) return ip;
  }
  return undefined;
}
