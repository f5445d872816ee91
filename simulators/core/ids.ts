/**
 * Branded primitives, so that a port cannot be passed where a time is
 * expected, nor a host name where a connection id is (excalidraw's `Radians`).
 */
declare const brand: unique symbol;

/** A value of `T` that the type system keeps apart from other `T`s. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Milliseconds of virtual time since the world started. */
export type VirtualMs = Brand<number, 'VirtualMs'>;
/** A host's name in the scenario, e.g. `mx.example.net`. */
export type HostId = Brand<string, 'HostId'>;
/** A connection, unique within one world (`c1`, `c2`, …). */
export type ConnId = Brand<string, 'ConnId'>;
/** A protocol session (one side of a connection), unique within one world. */
export type SessionId = Brand<string, 'SessionId'>;
/** A TCP port number, 1–65535. */
export type Port = Brand<number, 'Port'>;

/** Marks a number as virtual milliseconds. */
export const ms = (n: number): VirtualMs => n as VirtualMs;
/** Marks a string as a host id. */
export const hostId = (s: string): HostId => s as HostId;
/** Marks a number as a port; throws on a value that is not a TCP port (a programmer error). */
export function port(n: number): Port {
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new RangeError(`not a TCP port: ${n}`);
  return n as Port;
}
