/**
 * Runs a function once input has been quiet for a while: the editor checks
 * the zone when the learner pauses, not on every keystroke. The timer is
 * injected so tests drive it without waiting.
 */

/** A timer source: the browser's by default. */
export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const browserTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A debounced call. */
export interface Debounced {
  /** Asks for a run `ms` after the last request. */
  request(): void;
  /** Runs now if a run is pending (Save must check the latest text). */
  flush(): void;
  /** Forgets a pending run. */
  cancel(): void;
}

/** Debounces `run` by `ms`. */
export function debounce(run: () => void, ms: number, timers: Timers = browserTimers): Debounced {
  let handle: unknown;
  let pending = false;
  const fire = () => {
    pending = false;
    handle = undefined;
    run();
  };
  return {
    request() {
      if (pending) timers.clear(handle);
      pending = true;
      handle = timers.set(fire, ms);
    },
    flush() {
      if (!pending) return;
      timers.clear(handle);
      fire();
    },
    cancel() {
      if (pending) timers.clear(handle);
      pending = false;
      handle = undefined;
    },
  };
}
