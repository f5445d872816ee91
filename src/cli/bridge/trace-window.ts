/**
 * A bounded trace for a long-running bridge. The engine's Trace keeps every
 * event, which is what the app's time travel needs, but `mailroom serve`
 * runs for days and hostile clients can make millions of `bytes` events. In
 * serve mode the bridge keeps only the most recent events in a ring; the
 * trace file, if any, still gets every one (it subscribes, and listeners
 * hear each event as it is appended).
 *
 * The engine gives the World's Trace to its network and agents when the
 * World is built, so the bridge cannot hand it another one; it replaces the
 * methods on that one instance instead (own properties shadow the class's).
 * `seq` keeps counting from the start, so `events[i].seq` is no longer `i`:
 * nothing in serve mode indexes the trace by seq.
 */
import type { VirtualMs } from '../../../simulators/core/ids.ts';
import type { TraceEvent, TraceEventBody } from '../../../simulators/trace/events.ts';
import type { Trace, TraceListener } from '../../../simulators/trace/trace.ts';

/** Makes `trace` keep only its last `capacity` events. Call before anything subscribes to it. */
export function boundTrace(trace: Trace, capacity: number, now: () => VirtualMs): void {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be ≥ 1: ${capacity}`);
  const ring: (TraceEvent | undefined)[] = new Array<TraceEvent | undefined>(capacity);
  const listeners = new Set<TraceListener>();
  let seq = trace.length;
  // Events appended before the bound: the most recent of them stay.
  for (const event of trace.events.slice(-capacity)) ring[event.seq % capacity] = event;

  const recent = (): TraceEvent[] => {
    const out: TraceEvent[] = [];
    for (let s = Math.max(0, seq - capacity); s < seq; s++) {
      const event = ring[s % capacity];
      if (event) out.push(event);
    }
    return out;
  };

  Object.defineProperties(trace, {
    append: {
      value: (body: TraceEventBody): TraceEvent => {
        const event = Object.assign(body, { seq, at: now() }) as TraceEvent;
        ring[seq % capacity] = event;
        seq++;
        for (const listener of listeners) listener(event);
        return event;
      },
    },
    events: { get: recent },
    length: { get: () => seq },
    since: { value: (from: number) => recent().filter((e) => e.seq >= from) },
    subscribe: {
      value: (listener: TraceListener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
  });
}
