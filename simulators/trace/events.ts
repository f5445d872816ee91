/**
 * The trace: everything observable that happens in a world, as typed events
 * with their virtual time. Every view (map, sequence diagram, inspector,
 * transcript), every lesson check and every export reads these and nothing
 * else, so this union is the contract between the engine and the app.
 */
import type { ConnId, HostId, Port, SessionId, VirtualMs } from '../core/ids.ts';
import type { DnsAnswer, DnsQuery } from '../dns/records.ts';
import type { DmarcEvaluationEntry } from '../auth/dmarc/report-types.ts';

/** One end of a connection. */
export interface Endpoint {
  readonly host: HostId;
  readonly address: string;
  readonly port: Port;
}

/** Fields every event carries. */
interface Stamp {
  /** Position in the trace, from 0; strictly increasing. */
  readonly seq: number;
  /** Virtual time at which it happened. */
  readonly at: VirtualMs;
}

/** Which way bytes flow on a connection: from the side that connected, or to it. */
export type Direction = 'c2s' | 's2c';

/** The union of everything the trace records, without its stamp. */
export type TraceEventBody =
  | { readonly type: 'host.up'; readonly host: HostId }
  | { readonly type: 'host.down'; readonly host: HostId }
  | { readonly type: 'link.down'; readonly a: HostId; readonly b: HostId }
  | { readonly type: 'link.up'; readonly a: HostId; readonly b: HostId }
  | { readonly type: 'port.listen'; readonly host: HostId; readonly port: Port; readonly service: string }
  | {
      readonly type: 'conn.connecting';
      readonly conn: ConnId;
      readonly client: Endpoint;
      readonly server: Endpoint;
    }
  | { readonly type: 'conn.opened'; readonly conn: ConnId }
  | {
      readonly type: 'conn.failed';
      readonly conn: ConnId;
      /** `refused`: nothing listens (RST); `timeout`: host down or unreachable; `no-route`: no such address. */
      readonly reason: 'refused' | 'timeout' | 'no-route';
    }
  | {
      readonly type: 'conn.closed';
      readonly conn: ConnId;
      /** The side that closed first (FIN). */
      readonly by: 'client' | 'server';
    }
  | {
      readonly type: 'conn.reset';
      readonly conn: ConnId;
      readonly by: 'client' | 'server' | 'network';
      readonly reason: string;
    }
  | {
      readonly type: 'bytes';
      readonly conn: ConnId;
      readonly direction: Direction;
      /** The host that wrote them. */
      readonly from: HostId;
      /** The plaintext as the endpoints see it. */
      readonly bytes: Uint8Array;
      /** True once TLS protects the connection: an eavesdropper sees only `wireLength`. */
      readonly encrypted: boolean;
      /**
       * The DEFLATE octets that carried `bytes` once COMPRESS=DEFLATE is on
       * (RFC 4978): what goes on the wire (inside TLS when encrypted).
       */
      readonly compressed?: Uint8Array;
      /** Octets on the wire: the compressed size when compressed, plus TLS record overhead when encrypted. */
      readonly wireLength: number;
    }
  | { readonly type: 'tls.start'; readonly conn: ConnId; readonly by: 'client' | 'server' }
  | {
      readonly type: 'tls.handshake';
      readonly conn: ConnId;
      readonly direction: Direction;
      /** The handshake messages in this flight, e.g. `ClientHello`. */
      readonly messages: readonly string[];
      readonly wireLength: number;
    }
  | {
      readonly type: 'tls.established';
      readonly conn: ConnId;
      readonly version: string;
      readonly cipher: string;
      readonly serverName: string;
    }
  | {
      readonly type: 'dns.query';
      readonly id: number;
      /** The host that asked (its resolver). */
      readonly from: HostId;
      readonly server: HostId;
      readonly query: DnsQuery;
      /** Why it was asked, e.g. `MX lookup for example.net`, `SPF include:_spf.example.com`. */
      readonly purpose: string;
    }
  | { readonly type: 'dns.answer'; readonly id: number; readonly query: DnsQuery; readonly answer: DnsAnswer }
  | {
      readonly type: 'session.start';
      readonly session: SessionId;
      readonly conn: ConnId;
      readonly host: HostId;
      /** e.g. `smtp`, `imap`. */
      readonly protocol: string;
      readonly role: 'client' | 'server';
      /** The machine's id, so the state-chart view can draw it. */
      readonly machine: string;
    }
  | {
      readonly type: 'session.state';
      readonly session: SessionId;
      /** The state value, as dotted paths (`mailTransaction.awaitingRecipients`). */
      readonly state: string;
      /** The event that caused the transition (`cmd.MAIL`). */
      readonly event: string;
    }
  | {
      readonly type: 'session.violation';
      readonly session: SessionId;
      readonly by: 'local' | 'peer';
      readonly rule: string;
      readonly message: string;
    }
  | { readonly type: 'session.end'; readonly session: SessionId }
  | {
      /** Something an agent did that is not bytes on a wire: queued, delivered, bounced, verdicts. */
      readonly type: 'agent';
      readonly host: HostId;
      readonly agent: string;
      readonly action: string;
      readonly detail: Readonly<Record<string, string | number | boolean | readonly string[]>>;
    }
  | {
      /**
       * A receiver's DMARC verdict on one message for one Author Domain whose
       * policy record applied: what its aggregate reports count (RFC 9990 §3).
       */
      readonly type: 'dmarc.evaluated';
      readonly host: HostId;
      /** The message's queue id on that host. */
      readonly id: string;
      readonly evaluation: DmarcEvaluationEntry;
    }
  | { readonly type: 'note'; readonly text: string; readonly host?: HostId };

/** A trace event with its stamp. */
export type TraceEvent = TraceEventBody & Stamp;

/** The events of one type. */
export type TraceEventOf<T extends TraceEvent['type']> = Extract<TraceEvent, { type: T }>;
