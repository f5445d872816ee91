/**
 * A bounded trace for a long-running bridge. The engine's Trace keeps every
 * event, which is what the app's time travel needs, but `mailroom serve`
 * runs for days and hostile clients can make millions of `bytes` events. In
 * serve mode the bridge keeps only the most recent events (by count and by
 * payload octets); the
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

/** Octets an event holds (the `bytes` events' payloads, which dominate); 0 for the rest. */
function octetsOf(event: TraceEvent): number {
  if (event.type !== 'bytes') return 0;
  return event.bytes.byteLength + (event.compressed?.byteLength ?? 0);
}

/**
 * Makes `trace` keep only its last `capacity` events, and fewer when their
 * payloads pass `maxOctets` (a hostile burst's 64 KiB chunks would otherwise
 * fill the window with hundreds of megabytes). Call before anything
 * subscribes to it.
 */
export function boundTrace(
  trace: Trace,
  capacity: number,
  now: () => VirtualMs,
  maxOctets = 16 * 1024 * 1024,
): void {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be ≥ 1: ${capacity}`);
  let kept: TraceEvent[] = trace.events.slice(-capacity);
  let head = 0;
  let octets = kept.reduce((n, e) => n + octetsOf(e), 0);
  const listeners = new Set<TraceListener>();
  let seq = trace.length;

  const recent = (): TraceEvent[] => kept.slice(head);

  Object.defineProperties(trace, {
    append: {
      value: (body: TraceEventBody): TraceEvent => {
        const event = Object.assign(body, { seq, at: now() }) as TraceEvent;
        seq++;
        kept.push(event);
        octets += octetsOf(event);
        while (kept.length - head > capacity || (octets > maxOctets && kept.length - head > 1)) {
          octets -= octetsOf(kept[head]!);
          kept[head++] = undefined as unknown as TraceEvent;
        }
        // Drop the forgotten prefix now and then rather than shifting on every event.
        if (head > capacity) {
          kept = kept.slice(head);
          head = 0;
        }
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
