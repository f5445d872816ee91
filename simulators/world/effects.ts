/**
 * Asynchronous effects on virtual time. WebCrypto (DKIM signatures, hashes)
 * answers with promises, but the simulation is a synchronous, deterministic
 * event loop. An effect therefore holds the clock while it runs, costs zero
 * virtual time, and its continuation runs at the instant it was asked for.
 * Continuations run in the order the effects were started, whatever order
 * the promises settle in, so replays stay byte-identical (STYLE.md §S3).
 */
import type { Scheduler } from '../net/scheduler.ts';

/** How an effect ended. */
export type EffectOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

interface Pending {
  readonly release: () => void;
  readonly at: number;
  outcome: EffectOutcome<unknown> | undefined;
  readonly resume: (outcome: EffectOutcome<unknown>) => void;
}

/** The world's effect runner. */
export class Effects {
  readonly #queue: Pending[] = [];
  readonly #settled = new Set<() => void>();

  constructor(readonly scheduler: Scheduler) {}

  /** Effects not yet resumed. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Starts `work` now; `resume` runs at this virtual instant once it (and every earlier effect) has settled. */
  run<T>(work: () => Promise<T>, resume: (outcome: EffectOutcome<T>) => void): void {
    const entry: Pending = {
      release: this.scheduler.hold(),
      at: this.scheduler.now,
      outcome: undefined,
      resume: resume as (outcome: EffectOutcome<unknown>) => void,
    };
    this.#queue.push(entry);
    let promise: Promise<T>;
    try {
      promise = work();
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (value) => this.#settle(entry, { ok: true, value }),
      (error: unknown) => this.#settle(entry, { ok: false, error }),
    );
  }

  /** Resolves when some effect settles (or at once when none is pending). */
  next(): Promise<void> {
    if (this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#settled.add(resolve));
  }

  #settle(entry: Pending, outcome: EffectOutcome<unknown>): void {
    entry.outcome = outcome;
    // Hand continuations to the scheduler strictly in the order the effects began.
    while (this.#queue[0]?.outcome !== undefined) {
      const head = this.#queue.shift()!;
      head.release();
      const done = head.outcome!;
      this.scheduler.scheduleAt(head.at, () => head.resume(done), 'effect');
    }
    for (const wake of [...this.#settled]) wake();
    this.#settled.clear();
  }
}
