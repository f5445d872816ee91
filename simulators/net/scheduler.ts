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
 */
import { ms, type VirtualMs } from '../core/ids.ts';

/** Handle of a scheduled event, for `cancel`. */
export type TimerId = number;

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  readonly label: string;
}

/** Called after every event the scheduler runs (the driver drains sessions here). */
export type AfterEventHook = () => void;

/** The scheduler: a binary min-heap on (time, insertion order). */
export class Scheduler {
  #now = 0;
  #seq = 0;
  readonly #heap: Entry[] = [];
  readonly #cancelled = new Set<number>();
  /** Ids still in the heap, so `cancel` is O(1). */
  readonly #live = new Set<number>();
  readonly #afterEach: AfterEventHook[] = [];
  #eventsRun = 0;
  /** Asynchronous effects in flight (WebCrypto): time stands still until they settle. */
  #holds = 0;

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
    return this.#heap.length - this.#cancelled.size;
  }

  /** When the next event is due, or undefined when nothing is scheduled. */
  nextAt(): VirtualMs | undefined {
    this.#dropCancelledTop();
    const top = this.#heap[0];
    return top === undefined ? undefined : ms(top.at);
  }

  /** Runs `fn` after `delay` virtual ms (0 = later in this same instant, after what is already due). */
  schedule(delay: number, fn: () => void, label = ''): TimerId {
    if (!(delay >= 0) || !Number.isFinite(delay)) throw new RangeError(`bad delay: ${delay}`);
    return this.scheduleAt(this.#now + delay, fn, label);
  }

  /** Runs `fn` at virtual time `at` (not earlier than now). */
  scheduleAt(at: number, fn: () => void, label = ''): TimerId {
    const entry: Entry = { at: Math.max(at, this.#now), seq: this.#seq++, fn, label };
    this.#push(entry);
    return entry.seq;
  }

  /** Cancels a scheduled event; cancelling one that already ran is harmless. */
  cancel(id: TimerId): void {
    if (!this.#live.has(id)) return;
    this.#cancelled.add(id);
    // Idle timers are cancelled and re-armed on every input, so most entries
    // far in the future are dead; compact before they dominate the heap.
    if (this.#cancelled.size > 1024 && this.#cancelled.size * 2 > this.#heap.length) this.#compact();
  }

  #compact(): void {
    const keep = this.#heap.filter((e) => !this.#cancelled.has(e.seq));
    for (const id of this.#cancelled) this.#live.delete(id);
    this.#cancelled.clear();
    this.#heap.length = 0;
    for (const e of keep) {
      this.#live.delete(e.seq);
      this.#push(e);
    }
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
   * Stops the clock until the returned release is called: an effect that
   * costs no virtual time but resolves asynchronously (STYLE.md §S3, "crypto
   * is an effect too") holds it, so nothing else happens in between and runs
   * stay deterministic. While held, `step` and `runFor` run nothing.
   */
  hold(): () => void {
    this.#holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
    };
  }

  /** Whether an effect holds the clock. */
  get held(): boolean {
    return this.#holds > 0;
  }

  /** Runs the earliest event, moving the clock to its time. Returns false when nothing is scheduled or the clock is held. */
  step(): boolean {
    if (this.#holds > 0) return false;
    this.#dropCancelledTop();
    const entry = this.#pop();
    if (!entry) return false;
    this.#now = entry.at;
    this.#eventsRun++;
    entry.fn();
    for (const hook of this.#afterEach) hook();
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

  #dropCancelledTop(): void {
    while (this.#heap.length > 0 && this.#cancelled.has(this.#heap[0]!.seq)) {
      this.#cancelled.delete(this.#heap[0]!.seq);
      this.#pop();
    }
  }

  #less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(entry: Entry): void {
    const h = this.#heap;
    this.#live.add(entry.seq);
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  #pop(): Entry | undefined {
    const h = this.#heap;
    const top = h[0];
    if (top) this.#live.delete(top.seq);
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.#less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.#less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
