/**
 * The engine contract (sans-I/O, after h11 and quinn-proto). A protocol
 * session never touches a socket, a timer or the DOM: bytes and events go in
 * through `receive*`/`handle*`, and everything it wants done comes out of
 * `poll()`. The one driver (net/driver.ts) — or a test, or the TCP bridge —
 * calls `poll()` until it returns undefined after every input.
 */
import type { Violation } from './violation.ts';

/** What a session asks its driver to do, or tells it. */
export type SessionOutput<AppEvent = never> =
  /** Write these bytes to the peer, in order. */
  | { readonly kind: 'transmit'; readonly bytes: Uint8Array }
  /** Begin TLS on this connection in the session's role, after the bytes already transmitted (RFC 3207). */
  | { readonly kind: 'startTls' }
  /**
   * From now on, compress what is transmitted and decompress what is
   * received, as raw DEFLATE streams (RFC 4978 COMPRESS=DEFLATE): the bytes
   * already transmitted go out as they are.
   */
  | { readonly kind: 'startCompression' }
  /** Close the connection once everything transmitted so far has been sent. */
  | { readonly kind: 'close' }
  /** The session's state machine moved: `state` is the dotted state value, `event` the cause. */
  | { readonly kind: 'state'; readonly state: string; readonly event: string }
  /** A protocol rule was broken (the reply for it has been transmitted already). */
  | ({ readonly kind: 'violation' } & Violation)
  /** Something the session's owner (an agent) must act on, e.g. a message accepted for delivery. */
  | { readonly kind: 'event'; readonly event: AppEvent };

/** Facts about an established TLS layer, as both ends see them. */
export interface TlsInfo {
  readonly version: string;
  readonly cipher: string;
  readonly serverName: string;
}

/** A protocol session as the driver sees it. */
export interface EngineSession<AppEvent = never> {
  /** The machine's id (`smtpServer`), for the state-chart view. */
  readonly machineId: string;
  /** Bytes from the peer. */
  receive(bytes: Uint8Array): void;
  /** The peer closed its side (FIN) or the connection was reset. */
  receiveEnd(): void;
  /** The TLS handshake this session asked for (or the implicit-TLS port) completed. */
  handleTlsEstablished(info: TlsInfo): void;
  /** The next output, or undefined when there is none. */
  poll(): SessionOutput<AppEvent> | undefined;
  /**
   * Registers the function a session calls when output appears without an
   * input (a timer fired on the virtual clock), so the driver drains it.
   */
  setWaker(waker: () => void): void;
  /** Stops the session's machine and its timers. */
  stop(): void;
}

/** The virtual clock as a session needs it: XState's `Clock` (the scheduler implements it). */
export interface SessionClock {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
}
