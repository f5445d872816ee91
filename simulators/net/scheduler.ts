/**
 * The virtual clock and discrete-event scheduler: the only notion of time in
 * the engine. Events are callbacks due at a virtual instant; `step` runs the
 * earliest, and events due at the same instant run in the order they were
 * scheduled, so a world is deterministic. Nothing here reads real time: the
 * app maps wall time onto `runFor`, tests call `runUntilIdle`.
 *
 * It also implements XState's `Clock` (`setTimeout`/`clearTimeout`), so
 * machines' `after` transitions fire on virtual time when an actor is created
 * with `{ clock: scheduler }`.
 *
 * Layout: one FIFO bucket per instant that has events, and a min-heap of
 * those instants. Many events share an instant (a world's latencies are
 * whole milliseconds), so scheduling is an append, running is a shift, and
 * the heap holds instants rather than events. A cancelled event is marked
 * and skipped when its turn comes.
 */
import { ms, type VirtualMs } from '../core/ids.ts';

/** Handle of a scheduled event, for `cancel`. */
export type TimerId = number;

const LIVE = 0;
const CANCELLED = 1;
/** A place held for an effect's continuation (see `hold`). */
const HELD = 2;

interface Entry {
  readonly id: number;
  readonly slot: number;
  readonly at: number;
  fn: () => void;
  state: typeof LIVE | typeof CANCELLED | typeof HELD;
}

/** The events due at one instant, in the order they were scheduled; `head` is the next to run. */
interface Bucket {
  readonly at: number;
  readonly entries: Entry[];
  head: number;
}

/** Called after every event the scheduler runs (the driver drains sessions here). */
export type AfterEventHook = () => void;

/** Releases a hold: with a continuation, it runs in the held place; without, the place is given up. */
export type HoldRelease = (continuation?: () => void) => void;

const NOTHING = () => {};
/** Slots for entries waiting at once (ids stay below 2^53: SLOTS × GENERATIONS). */
const SLOTS = 2 ** 24;
const GENERATIONS = 2 ** 29;

/** The scheduler: FIFO buckets per instant, ordered by a min-heap of instants. */
export class Scheduler {
  #now = 0;
  /** Buckets by instant, and the instants in a min-heap. */
  readonly #buckets = new Map<number, Bucket>();
  readonly #times: number[] = [];
  /**
   * Entries not yet run or cancelled, in numbered slots that are reused, so
   * `cancel` is O(1) without hashing. An id is its slot plus a generation
   * count times SLOTS, so a stale id never cancels the slot's next entry.
   */
  readonly #slots: (Entry | undefined)[] = [];
  readonly #generations: number[] = [];
  readonly #free: number[] = [];
  #live = 0;
  /** Cancelled entries still sitting in their buckets. */
  #dead = 0;
  readonly #afterEach: AfterEventHook[] = [];
  #eventsRun = 0;
  /** Holds not yet released. */
  #holds = 0;
  /** Holds taken since the last event ended; they get their place in the order when it does. */
  readonly #unplaced: Entry[] = [];
  #inEvent = false;

  /** Current virtual time. */
  get now(): VirtualMs {
    return ms(this.#now);
  }

  /** Number of events run since the world started. */
  get eventsRun(): number {
    return this.#eventsRun;
  }

  /** Number of events waiting (cancelled ones excluded). */
  get pending(): number {
    return this.#live;
  }

  /** When the next event is due, or undefined when nothing is scheduled. */
  nextAt(): VirtualMs | undefined {
    const head = this.#head();
    return head === undefined ? undefined : ms(head.at);
  }

  /** Runs `fn` after `delay` virtual ms (0 = later in this same instant, after what is already due). */
  schedule(delay: number, fn: () => void, label = ''): TimerId {
    if (!(delay >= 0) || !Number.isFinite(delay)) throw new RangeError(`bad delay: ${delay}`);
    return this.scheduleAt(this.#now + delay, fn, label);
  }

  /**
   * Runs `fn` at virtual time `at` (not earlier than now). `label` names the
   * event for whoever debugs a world; nothing reads it.
   */
  scheduleAt(at: number, fn: () => void, label = ''): TimerId {
    void label;
    const entry = this.#entry(Math.max(at, this.#now), fn, LIVE);
    this.#place(entry);
    return entry.id;
  }

  /** Cancels a scheduled event; cancelling one that already ran is harmless. */
  cancel(id: TimerId): void {
    const entry = this.#slots[id % SLOTS];
    if (entry === undefined || entry.id !== id || entry.state !== LIVE) return;
    entry.state = CANCELLED;
    entry.fn = NOTHING;
    this.#release(entry);
    this.#dead++;
    // Idle timers are cancelled and re-armed on every input, so most entries
    // far in the future are dead; compact before they dominate.
    if (this.#dead > 1024 && this.#dead > this.#live) this.#compact();
  }

  /** XState `Clock`: a timer on virtual time. */
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): TimerId {
    return this.schedule(Math.max(0, timeout || 0), () => fn(), 'timer');
  }

  /** XState `Clock`. */
  clearTimeout(id: TimerId): void {
    this.cancel(id);
  }

  /** Registers a hook run after every event; returns its removal. */
  afterEach(hook: AfterEventHook): () => void {
    this.#afterEach.push(hook);
    return () => {
      const i = this.#afterEach.indexOf(hook);
      if (i >= 0) this.#afterEach.splice(i, 1);
    };
  }

  /**
   * Holds a place in the order of events for an effect that costs no
   * virtual time but resolves asynchronously (STYLE.md §S3, "crypto is an
   * effect too"): the place is at this instant, after everything the event
   * now running (or the code now calling) schedules. Events before the place
   * still run while the effect is under way, so effects started by the
   * events of one instant overlap; the clock stops at the place until the
   * returned release is called, with the continuation to run there. Runs
   * stay deterministic: the place is fixed when the hold is taken, whenever
   * the effect settles.
   */
  hold(): HoldRelease {
    const entry = this.#entry(this.#now, NOTHING, HELD);
    this.#unplaced.push(entry);
    this.#holds++;
    return (continuation) => {
      if (entry.state !== HELD) return;
      this.#holds--;
      if (continuation) {
        entry.fn = continuation;
        entry.state = LIVE;
      } else {
        entry.state = CANCELLED;
        this.#release(entry);
        const unplaced = this.#unplaced.indexOf(entry);
        if (unplaced >= 0) this.#unplaced.splice(unplaced, 1);
        else this.#dead++;
      }
    };
  }

  /** Whether the next event is the place of an effect still under way: nothing runs until it settles. */
  get held(): boolean {
    return this.#holds > 0 && this.#head()?.state === HELD;
  }

  /** Runs the earliest event, moving the clock to its time. Returns false when nothing is scheduled or the clock is held. */
  step(): boolean {
    const entry = this.#head();
    if (entry === undefined || entry.state === HELD) return false;
    const bucket = this.#buckets.get(entry.at)!;
    // An instant that keeps scheduling into itself would keep every spent entry: drop them now and then.
    if (++bucket.head >= 1024 && bucket.head * 2 >= bucket.entries.length) {
      bucket.entries.splice(0, bucket.head);
      bucket.head = 0;
    }
    this.#release(entry);
    this.#now = entry.at;
    this.#eventsRun++;
    this.#inEvent = true;
    try {
      entry.fn();
      for (const hook of this.#afterEach) hook();
    } finally {
      this.#inEvent = false;
    }
    this.#placeHolds();
    return true;
  }

  /**
   * Runs every event due within the next `duration` ms, then sets the clock
   * to exactly now + duration (time passes even when nothing happens).
   */
  runFor(duration: number): number {
    const target = this.#now + Math.max(0, duration);
    let n = 0;
    for (let next = this.nextAt(); next !== undefined && next <= target; next = this.nextAt()) {
      if (!this.step()) return n; // held: time may not pass until the effect settles
      n++;
    }
    if (this.#holds === 0) this.#now = Math.max(this.#now, target);
    return n;
  }

  /** Alias of {@link runFor}, for tests that read better as "advance the clock". */
  advance(duration: number): number {
    return this.runFor(duration);
  }

  /**
   * Runs events until none is left, or `maxEvents` have run, or the next one is
   * due after `until` (virtual time). Returns how many ran.
   */
  runUntilIdle(options: { maxEvents?: number; until?: number } = {}): number {
    const max = options.maxEvents ?? 10_000_000;
    const until = options.until ?? Infinity;
    let n = 0;
    for (let next = this.nextAt(); next !== undefined && next <= until && n < max; next = this.nextAt()) {
      if (!this.step()) break;
      n++;
    }
    return n;
  }

  /** Runs events until `done()` holds (checked after each event) or nothing is left; returns whether it holds. */
  runUntil(done: () => boolean, maxEvents = 10_000_000): boolean {
    for (let n = 0; !done() && n < maxEvents; n++) if (!this.step()) break;
    return done();
  }

  #entry(at: number, fn: () => void, state: typeof LIVE | typeof HELD): Entry {
    const slot = this.#free.pop() ?? this.#slots.length;
    const generation = ((this.#generations[slot] ?? -1) + 1) % GENERATIONS;
    this.#generations[slot] = generation;
    const entry: Entry = { id: generation * SLOTS + slot, slot, at, fn, state };
    this.#slots[slot] = entry;
    this.#live++;
    return entry;
  }

  /** The entry ran or was cancelled: its slot is free for the next. */
  #release(entry: Entry): void {
    this.#slots[entry.slot] = undefined;
    this.#free.push(entry.slot);
    this.#live--;
  }

  #place(entry: Entry): void {
    const bucket = this.#buckets.get(entry.at);
    if (bucket !== undefined) {
      bucket.entries.push(entry);
      return;
    }
    this.#buckets.set(entry.at, { at: entry.at, entries: [entry], head: 0 });
    this.#pushTime(entry.at);
  }

  /** Gives the holds taken outside any event (or in the one that just ran) their place. */
  #placeHolds(): void {
    if (this.#unplaced.length === 0) return;
    for (const entry of this.#unplaced) if (entry.state !== CANCELLED) this.#place(entry);
    this.#unplaced.length = 0;
  }

  /** The next entry to run (or hold), dropping what is spent or cancelled on the way. */
  #head(): Entry | undefined {
    // Inside an event, holds wait for its end, even if the event looks at the queue.
    if (!this.#inEvent) this.#placeHolds();
    const times = this.#times;
    while (times.length > 0) {
      const bucket = this.#buckets.get(times[0]!)!;
      const entries = bucket.entries;
      while (bucket.head < entries.length) {
        const entry = entries[bucket.head]!;
        if (entry.state !== CANCELLED) return entry;
        bucket.head++;
        this.#dead--;
      }
      this.#buckets.delete(bucket.at);
      this.#popTime();
    }
    return undefined;
  }

  #compact(): void {
    const buckets = [...this.#buckets.values()];
    this.#buckets.clear();
    this.#times.length = 0;
    for (const bucket of buckets) {
      const entries = bucket.entries.slice(bucket.head).filter((e) => e.state !== CANCELLED);
      if (entries.length === 0) continue;
      this.#buckets.set(bucket.at, { at: bucket.at, entries, head: 0 });
      this.#pushTime(bucket.at);
    }
    this.#dead = 0;
  }

  #pushTime(at: number): void {
    const h = this.#times;
    let i = h.length;
    h.push(at);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (p <= at) break;
      h[i] = p;
      i = parent;
    }
    h[i] = at;
  }

  #popTime(): void {
    const h = this.#times;
    const last = h.pop()!;
    const n = h.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && h[r]! < h[l]! ? r : l;
      if (h[c]! >= last) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}
