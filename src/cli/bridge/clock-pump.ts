/**
 * Real-time driving of a world: its virtual clock follows wall time, so that
 * virtual now = whole milliseconds since the bridge started. The bridge calls
 * `pump()` around every socket input; a single timer wakes the world when
 * its next scheduled event is due (idle timeouts, simulated latency, queue
 * retries), at most `maxSleepMs` apart. There is never more than one timer,
 * and it is only re-armed when an earlier wake-up is needed, so a busy
 * bridge does not churn timers.
 *
 * An asynchronous effect (WebCrypto, for DKIM) holds the virtual clock while
 * it runs: a pump then stops where the effect began. Effects settle in
 * microtasks, not on a timer, so the pump also waits on the world's effects
 * and pumps again the moment one settles.
 */
import type { Scheduler } from '../../../simulators/net/scheduler.ts';

/** Options of a {@link ClockPump}. */
export interface ClockPumpOptions {
  /** Wall time in ms (default `performance.now()`). */
  readonly now?: () => number;
  /** Longest sleep between wake-ups (default 1000 ms). */
  readonly maxSleepMs?: number;
  /** Called with an exception thrown by a scheduled event; the pump carries on. */
  readonly onError?: (error: unknown) => void;
  /** The world's effects (`world.effects`): pumped again when one settles. */
  readonly effects?: { next(): Promise<void> };
}

/** Keeps a scheduler's clock in step with wall time. */
export class ClockPump {
  readonly #scheduler: Scheduler;
  readonly #now: () => number;
  readonly #maxSleep: number;
  readonly #onError: (error: unknown) => void;
  /** Wall time at virtual 0. */
  readonly #origin: number;
  #timer: NodeJS.Timeout | undefined;
  /** Wall time the armed timer fires at. */
  #timerAt = Infinity;
  #pumping = false;
  #stopped = false;
  readonly #effects: { next(): Promise<void> } | undefined;
  /** A pump is already promised for when the holding effect settles. */
  #awaitingEffect = false;

  constructor(scheduler: Scheduler, options: ClockPumpOptions = {}) {
    this.#scheduler = scheduler;
    this.#now = options.now ?? (() => performance.now());
    this.#maxSleep = options.maxSleepMs ?? 1000;
    this.#effects = options.effects;
    this.#onError =
      options.onError ??
      ((e) => {
        throw e;
      });
    this.#origin = this.#now() - scheduler.now;
    this.#arm();
  }

  /** Where the virtual clock should be now: whole milliseconds, as in a simulated world. */
  get target(): number {
    return Math.floor(this.#now() - this.#origin);
  }

  /** Advances the virtual clock to wall time, running every event due by then, and re-arms the wake-up. */
  pump(): void {
    if (this.#stopped || this.#pumping) return;
    this.#pumping = true;
    try {
      // An event that throws is already off the heap: report it and go on with the rest.
      for (let attempts = 0; attempts < 1000; attempts++) {
        try {
          const scheduler = this.#scheduler;
          scheduler.runFor(Math.max(0, this.target - scheduler.now));
          break;
        } catch (e) {
          this.#onError(e);
        }
      }
    } finally {
      this.#pumping = false;
    }
    this.#arm();
    this.#awaitEffect();
  }

  /** While an effect holds the clock, pumps again as soon as it settles. */
  #awaitEffect(): void {
    if (this.#effects === undefined || this.#awaitingEffect || !this.#scheduler.held) return;
    this.#awaitingEffect = true;
    void this.#effects.next().then(() => {
      this.#awaitingEffect = false;
      this.pump();
    });
  }

  /** Cancels the wake-up timer; `pump` does nothing afterwards. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    if (this.#stopped) return;
    const next = this.#scheduler.nextAt();
    const wallNow = this.#now();
    const sleep =
      next === undefined
        ? this.#maxSleep
        : Math.min(this.#maxSleep, Math.max(0, next + this.#origin - wallNow));
    const at = wallNow + sleep;
    // The armed timer already wakes us early enough.
    if (this.#timer !== undefined && this.#timerAt <= at + 1) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.pump();
    }, Math.ceil(sleep));
    // The listeners keep the process alive, not the clock.
    this.#timer.unref();
  }
}
