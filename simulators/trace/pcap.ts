/**
 * The trace as a packet capture: a pcapng file (Ethernet link type) that
 * Wireshark and tshark open, with TCP handshakes, sequence and
 * acknowledgement numbers, FIN/RST teardown, DNS as real UDP/53 messages, and
 * TLS 1.3 as real encrypted records (see net/tls-wire.ts). With the TLS keys
 * included (a Decryption Secrets Block, as Wireshark writes with
 * `editcap --inject-secrets`), Wireshark shows the protocols inside TLS too;
 * without them the capture is exactly what an eavesdropper gets. It is a
 * projection of the trace like every view: the same trace gives the same bytes.
 *
 * What the simulation does not model is made up plausibly and said here: no
 * pure ACKs or window updates are written (each segment carries the current
 * acknowledgement), segments are cut at 1,460 octets, and the SYN-ACK is
 * placed halfway between the SYN and the moment the connection opened.
 */
import { utf8Bytes } from '../core/bytes.ts';
import type { ConnId, HostId } from '../core/ids.ts';
import { DnsWireError, encodeDnsMessage } from '../dns/wire.ts';
import { ipBytes, tcpFrame, TCP, udpFrame, type IpBytes, type Segment } from '../net/frames.ts';
import {
  applicationData,
  clientFinished,
  clientHello,
  Filler,
  serverFlight,
  TlsConnectionKeys,
  type RecordProtector,
  type SubtleForTls,
} from '../net/tls-wire.ts';
import type { Endpoint, TraceEvent, TraceEventOf } from './events.ts';

export interface PcapOptions {
  /** The host's addresses (the scenario's), to place DNS packets; the first of the query's family is used. */
  readonly addressesOf: (host: HostId) => readonly string[];
  /** Wall-clock milliseconds since 1970 at virtual time 0 (the world's start time). */
  readonly startTime: number;
  /** WebCrypto, for sealing the TLS records. */
  readonly subtle: SubtleForTls;
  /** Carry the TLS secrets in the file so Wireshark decrypts (default true). */
  readonly includeTlsKeys?: boolean | undefined;
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
/** pcapng block types and the TLS key-log secrets type (pcapng specification §4). */
const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const DSB = 0x0000000a;
const SECRETS_TLS_KEY_LOG = 0x544c534b;

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
  /** Its TLS secrets and record protection, once TLS starts. */
  readonly tls: TlsState | undefined;
  /** The SYN-ACK has been written. */
  accepted: boolean;
  closed: boolean;
}

interface TlsState {
  readonly keys: TlsConnectionKeys;
  readonly clientHandshake: RecordProtector;
  readonly serverHandshake: RecordProtector;
  readonly clientApplication: RecordProtector;
  readonly serverApplication: RecordProtector;
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

/** Writes pcapng blocks, little-endian: section header, one Ethernet interface, then the rest. */
class PcapngFile {
  readonly #chunks: Uint8Array[] = [];
  packets = 0;

  constructor() {
    const shb = new DataView(new ArrayBuffer(16));
    shb.setUint32(0, 0x1a2b3c4d, true);
    shb.setUint16(4, 1, true);
    shb.setBigInt64(8, -1n, true); // section length unknown
    this.#block(SHB, new Uint8Array(shb.buffer));
    const idb = new DataView(new ArrayBuffer(8));
    idb.setUint16(0, LINKTYPE_ETHERNET, true);
    idb.setUint32(4, 262_144, true);
    this.#block(IDB, new Uint8Array(idb.buffer));
  }

  /** A block: type, total length, body padded to 32 bits, total length again. */
  #block(type: number, body: Uint8Array): void {
    const padded = (body.length + 3) & ~3;
    const block = new Uint8Array(12 + padded);
    const view = new DataView(block.buffer);
    view.setUint32(0, type, true);
    view.setUint32(4, block.length, true);
    block.set(body, 8);
    view.setUint32(block.length - 4, block.length, true);
    this.#chunks.push(block);
  }

  secrets(keyLog: string): void {
    const data = utf8Bytes(keyLog);
    const body = new Uint8Array(8 + ((data.length + 3) & ~3));
    const view = new DataView(body.buffer);
    view.setUint32(0, SECRETS_TLS_KEY_LOG, true);
    view.setUint32(4, data.length, true);
    body.set(data, 8);
    this.#block(DSB, body);
  }

  add(timeMs: number, frame: Uint8Array): void {
    const body = new Uint8Array(20 + frame.length);
    const view = new DataView(body.buffer);
    const micros = BigInt(Math.round(timeMs * 1000));
    view.setUint32(4, Number(micros >> 32n), true);
    view.setUint32(8, Number(micros & 0xffffffffn), true);
    view.setUint32(12, frame.length, true);
    view.setUint32(16, frame.length, true);
    body.set(frame, 20);
    this.#block(EPB, body);
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

/** Converts a trace to a pcapng capture. */
export async function traceToPcapng(
  events: readonly TraceEvent[],
  options: PcapOptions,
): Promise<PcapCapture> {
  const file = new PcapngFile();
  const macs = new Map<string, readonly number[]>();
  const conns = new Map<ConnId, TcpConnection>();
  const queries = new Map<number, TraceEventOf<'dns.query'>>();
  const skipped: string[] = [];
  const serverNames = new Map<ConnId, string>();
  for (const e of events) if (e.type === 'tls.established') serverNames.set(e.conn, e.serverName);
  let ipId = 0;

  // Every connection's TLS secrets are made up first, so the key log can precede the packets.
  const tls = new Map<ConnId, TlsState>();
  for (const e of events) {
    if (e.type !== 'tls.handshake' || e.messages[0] !== 'ClientHello' || tls.has(e.conn)) continue;
    const keys = new TlsConnectionKeys(new Filler(initialSequence(e.conn, 3)));
    tls.set(e.conn, {
      keys,
      clientHandshake: keys.protector(options.subtle, 'ch'),
      serverHandshake: keys.protector(options.subtle, 'sh'),
      clientApplication: keys.protector(options.subtle, 'ca'),
      serverApplication: keys.protector(options.subtle, 'sa'),
    });
  }
  if (options.includeTlsKeys !== false && tls.size > 0) {
    file.secrets([...tls.values()].map((t) => t.keys.keyLog).join(''));
  }

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
          tls: tls.get(e.conn),
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
        const key = e.direction === 'c2s' ? c.tls?.clientApplication : c.tls?.serverApplication;
        // After IMAP COMPRESS (RFC 4978) the wire carries the DEFLATE stream, inside TLS when there is TLS.
        const payload = e.compressed ?? e.bytes;
        sendData(e.at, from, to, e.encrypted && key ? await applicationData(key, payload) : payload);
        break;
      }
      case 'tls.handshake': {
        const c = conns.get(e.conn);
        if (!c?.tls) break;
        const [from, to] = ends(c, e.direction);
        const first = e.messages[0];
        const flight =
          first === 'ClientHello'
            ? clientHello(c.filler, c.tls.keys.clientRandom, c.serverName, e.wireLength)
            : first === 'ServerHello'
              ? await serverFlight(c.filler, c.tls.serverHandshake, e.wireLength)
              : await clientFinished(c.filler, c.tls.clientHandshake, e.wireLength);
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
