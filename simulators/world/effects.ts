/**
 * Asynchronous effects on virtual time. WebCrypto (DKIM signatures, hashes)
 * answers with promises, but the simulation is a synchronous, deterministic
 * event loop. An effect therefore costs zero virtual time: it holds a place
 * in the order of events at the instant it was asked for (scheduler `hold`),
 * and its continuation runs in that place once the promise settles. Events
 * before the place go on running meanwhile, so the effects of one instant
 * overlap (a burst of submissions is signed in parallel), while the clock
 * waits at the place; whatever order the promises settle in, continuations
 * run in the order the effects began, so replays stay byte-identical
 * (STYLE.md §S3).
 */
import type { HoldRelease, Scheduler } from '../net/scheduler.ts';

/** How an effect ended. */
export type EffectOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** The world's effect runner. */
export class Effects {
  #pending = 0;
  readonly #settled = new Set<() => void>();

  constructor(readonly scheduler: Scheduler) {}

  /** Effects not yet settled. */
  get pending(): number {
    return this.#pending;
  }

  /** Starts `work` now; `resume` runs at this virtual instant, in the place held for it, once it has settled. */
  run<T>(work: () => Promise<T>, resume: (outcome: EffectOutcome<T>) => void): void {
    const release = this.scheduler.hold();
    this.#pending++;
    let promise: Promise<T>;
    try {
      promise = work();
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (value) => this.#settle(release, () => resume({ ok: true, value })),
      (error: unknown) => this.#settle(release, () => resume({ ok: false, error })),
    );
  }

  /** Resolves when some effect settles (or at once when none is pending). */
  next(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#settled.add(resolve));
  }

  #settle(release: HoldRelease, continuation: () => void): void {
    this.#pending--;
    release(continuation);
    for (const wake of [...this.#settled]) wake();
    this.#settled.clear();
  }
}
