import type { VirtualMs } from '../core/ids.ts';
import type { TraceEvent, TraceEventBody } from './events.ts';

/** Called with each event as it is appended. */
export type TraceListener = (event: TraceEvent) => void;

/**
 * The append-only record of a world. Events are stamped with a sequence
 * number and the virtual time of the clock that owns the trace; nothing is
 * ever changed or removed, so views can keep indexes into it.
 */
export class Trace {
  readonly #events: TraceEvent[] = [];
  readonly #listeners = new Set<TraceListener>();
  readonly #now: () => VirtualMs;

  /** `now` reads the virtual clock; the trace never has a clock of its own. */
  constructor(now: () => VirtualMs) {
    this.#now = now;
  }

  /** Appends an event stamped with the current virtual time, tells listeners, and returns it. */
  append(body: TraceEventBody): TraceEvent {
    // Bodies are fresh literals from their callers, so stamping in place saves a copy per event.
    const event = body as TraceEventBody & { seq: number; at: VirtualMs };
    event.seq = this.#events.length;
    event.at = this.#now();
    this.#events.push(event as TraceEvent);
    if (this.#listeners.size > 0) for (const listener of this.#listeners) listener(event as TraceEvent);
    return event as TraceEvent;
  }

  /** All events so far, oldest first. The array is live: it grows, it never changes. */
  get events(): readonly TraceEvent[] {
    return this.#events;
  }

  /** Number of events so far. */
  get length(): number {
    return this.#events.length;
  }

  /** Events with `seq >= from`. */
  since(from: number): readonly TraceEvent[] {
    return this.#events.slice(from);
  }

  /** Calls `listener` for every event appended from now on; returns the unsubscribe function. */
  subscribe(listener: TraceListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
