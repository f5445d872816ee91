/**
 * What the bridge limits itself, and why there and not in the sessions.
 *
 * The engine's sessions already bound what one conversation can make them
 * hold: SMTP and POP3 read command lines of 512 octets and SASL lines of
 * 12,288 and discard the rest of a longer line with an error reply
 * (core/line-reader.ts); SMTP refuses a message over `maxMessageSize`; IMAP
 * refuses a literal over `maxLiteralSize` before reading any of it and a line
 * over `maxLineLength`; each session closes itself after its idle timeout.
 * The bridge sets those from its flags ({@link BridgeLimits}) and enforces
 * only what a session cannot see: how many sockets are open in all and per
 * client address, how fast one connection sends commands, and how long a
 * line may go on (in octets and in time) before its end, which also bounds
 * what a connection can make us buffer and decode.
 */

/** Limits of `mailroom serve`; every one has a flag (README, "Limits"). */
export interface BridgeLimits {
  /** Connections open at once over all ports. */
  readonly maxConnections: number;
  /** Connections open at once from one client address. */
  readonly maxConnectionsPerAddress: number;
  /**
   * Octets a client may send without a line end before it is disconnected
   * (IMAP adds `maxLiteralSize` to it: a literal need not contain one).
   */
  readonly maxLineLength: number;
  /** Largest IMAP literal (APPEND) the sessions read; default: the scenario's (50 MiB). */
  readonly maxLiteralSize?: number | undefined;
  /** Largest message SMTP takes (SIZE); default: the scenario's (10,240,000). */
  readonly maxMessageSize?: number | undefined;
  /** Command lines per second one connection may send; beyond it reading pauses. */
  readonly commandsPerSecond: number;
  /**
   * Silence after which every session closes itself; default: each
   * protocol's own (SMTP 5 min, POP3 10 min, IMAP 30 min, RFC 5321
   * §4.5.3.2.7, RFC 1939 §3, RFC 3501 §5.4).
   */
  readonly idleTimeoutMs?: number | undefined;
  /** The longest a started line may take to end (slow senders). */
  readonly lineTimeoutMs: number;
}

export const DEFAULT_LIMITS: BridgeLimits = {
  maxConnections: 100,
  maxConnectionsPerAddress: 20,
  maxLineLength: 1_048_576,
  commandsPerSecond: 200,
  lineTimeoutMs: 300_000,
};

/** The protocols the bridge serves. */
export type BridgedProtocol = 'smtp' | 'pop3' | 'imap';

/**
 * The line a server sends as it drops a client it will not serve, in each
 * protocol's own words: SMTP's 421 closes the channel (RFC 5321 §3.8, with
 * 4.7.0 as Postfix says it), IMAP's untagged BYE (RFC 3501 §7.1.5), POP3's
 * -ERR with the SYS/TEMP code (RFC 3206).
 */
export function refusal(protocol: BridgedProtocol, why: string): string {
  switch (protocol) {
    case 'smtp':
      return `421 4.7.0 ${why}, closing connection\r\n`;
    case 'imap':
      return `* BYE ${why}\r\n`;
    case 'pop3':
      return `-ERR [SYS/TEMP] ${why}\r\n`;
  }
}

/**
 * A token bucket of command lines: `take(n)` spends n tokens and says how
 * long reading should pause for the bucket to be back at zero (0: no pause).
 * A burst of one second's worth passes at once; `now` is wall milliseconds.
 */
export class CommandRate {
  #tokens: number;
  #at: number;

  constructor(
    readonly perSecond: number,
    now: number,
  ) {
    this.#tokens = perSecond;
    this.#at = now;
  }

  take(lines: number, now: number): number {
    this.#tokens = Math.min(this.perSecond, this.#tokens + ((now - this.#at) * this.perSecond) / 1000);
    this.#at = now;
    this.#tokens -= lines;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens * 1000) / this.perSecond);
  }
}

/** Open connections per client address. */
export class AddressCounts {
  readonly #counts = new Map<string, number>();

  get(address: string): number {
    return this.#counts.get(address) ?? 0;
  }

  add(address: string): void {
    this.#counts.set(address, this.get(address) + 1);
  }

  remove(address: string): void {
    const n = this.get(address) - 1;
    if (n > 0) this.#counts.set(address, n);
    else this.#counts.delete(address);
  }
}
