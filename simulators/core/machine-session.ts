/**
 * The shell every protocol session shares: an XState actor on the virtual
 * clock, an output queue drained by `poll()`, and the bookkeeping of the
 * engine contract (core/session.ts) — `state` outputs when the machine
 * moves, waking the driver when a timer produced output outside any input,
 * never re-entering the framing loop, closing once. A protocol's session
 * subclasses it and supplies only what is its own: how bytes are framed
 * into events (`bufferBytes`, `readInput`) and how emitted events become
 * outputs (`handleEmitted`).
 */
import { createActor, type Actor, type AnyStateMachine, type EventObject, type InputFrom } from 'xstate';
import type { EngineSession, SessionClock, SessionOutput, TlsInfo } from './session.ts';

/** A state value as a dotted path: `{ mailTransaction: 'hasRecipients' }` → `mailTransaction.hasRecipients`. */
export function dottedState(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    for (const key in value) {
      const rest = dottedState((value as Record<string, unknown>)[key]);
      return rest ? `${key}.${rest}` : key;
    }
  }
  return '';
}

/** XState names a delayed transition's event `xstate.after.<delay>.<state id>`; a learner reads `timer.<delay>`. */
function eventName(type: string): string {
  if (!type.startsWith('xstate.')) return type;
  const after = /^xstate\.after\.([^.]+)\./.exec(type);
  if (after) return `timer.${after[1]}`;
  return type === 'xstate.init' ? 'start' : type;
}

/** The session's clock as its actor sees it: each timer fires through `fired`. */
class TimerClock implements SessionClock {
  constructor(
    readonly clock: SessionClock,
    readonly fired: (fire: (...args: unknown[]) => void) => void,
  ) {}

  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown {
    return this.clock.setTimeout(() => this.fired(fn), timeout);
  }

  clearTimeout(id: unknown): void {
    this.clock.clearTimeout(id);
  }
}

/** A protocol session driven by one XState machine. */
export abstract class MachineSession<
  TMachine extends AnyStateMachine,
  TEvent extends EventObject,
  TEmitted extends EventObject,
  AppEvent,
> implements EngineSession<AppEvent> {
  abstract readonly machineId: string;
  /** Typed loosely on purpose: the shell needs only status, tags, value and send. */
  protected readonly actor: Actor<AnyStateMachine>;
  readonly #outputs: SessionOutput<AppEvent>[] = [];
  readonly #stateOf: (value: unknown) => string;
  #waker: (() => void) | undefined;
  #lastState = '';
  #lastEvent = 'start';
  #pumping = false;
  /** Inside an input call, whose caller drains the outputs itself. */
  #busy = false;
  #ended = false;
  #closeSent = false;

  /** Creates the actor; the subclass calls {@link start} once its own fields exist. */
  protected constructor(
    machine: TMachine,
    input: InputFrom<TMachine>,
    clock: SessionClock,
    stateOf: (value: unknown) => string = dottedState,
  ) {
    this.#stateOf = stateOf;
    // Each `state` output names the event that caused it. Events the session
    // sends are named in `sendToMachine`; a timer's event is only visible to
    // an inspector, so one listens while a timer fires and never otherwise
    // (an inspector on every event costs a copy of each action, microstep and
    // snapshot the machine goes through).
    this.actor = createActor(machine as AnyStateMachine, {
      input,
      clock: new TimerClock(clock, (fire) => this.#timerFired(fire)),
    });
    this.actor.on('*', (event) => this.handleEmitted(event as unknown as TEmitted));
    this.actor.subscribe((snapshot) => {
      const state = this.#stateOf(snapshot.value);
      if (state !== this.#lastState) {
        this.#lastState = state;
        this.#outputs.push({ kind: 'state', state, event: this.#lastEvent });
      }
      if (!this.#busy) this.#waker?.();
    });
  }

  /** Starts the machine; its first outputs (a greeting) are reported as caused by `start`. */
  protected start(): void {
    this.#busy = true;
    try {
      this.actor.start();
    } finally {
      this.#busy = false;
    }
  }

  /** Turns one emitted event into outputs. */
  protected abstract handleEmitted(event: TEmitted): void;
  /** Keeps received bytes for the framing loop. */
  protected abstract bufferBytes(bytes: Uint8Array): void;
  /** The framing loop: feeds buffered input to the machine for as long as its state reads input. */
  protected abstract readInput(): void;

  /** The machine's current state as reported, e.g. `mailTransaction.hasRecipients`. */
  get state(): string {
    return this.#lastState;
  }

  /** Whether an input call is under way (its caller will drain the outputs). */
  protected get busy(): boolean {
    return this.#busy;
  }

  /** Whether outputs are waiting to be polled. */
  protected get hasOutput(): boolean {
    return this.#outputs.length > 0;
  }

  /** Whether the peer has closed its side. */
  protected get ended(): boolean {
    return this.#ended;
  }

  receive(bytes: Uint8Array): void {
    if (this.#ended) return;
    this.input(() => this.bufferBytes(bytes));
  }

  receiveEnd(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.input(() => this.handleEnd());
  }

  handleTlsEstablished(info: TlsInfo): void {
    this.input(() => this.sendToMachine({ type: 'tls.established', info } as unknown as TEvent));
  }

  poll(): SessionOutput<AppEvent> | undefined {
    return this.#outputs.shift();
  }

  setWaker(waker: () => void): void {
    this.#waker = waker;
  }

  stop(): void {
    this.actor.stop();
  }

  /**
   * The peer closed. Whatever it sent before its FIN still counts (a QUIT
   * and its close, a 221 and its close), so the framing loop runs first;
   * then the machine hears `net.closed`.
   */
  protected handleEnd(): void {
    this.pump();
    this.sendToMachine({ type: 'net.closed' } as TEvent);
  }

  /** Applies an input, then runs the framing loop; the caller drains the outputs. */
  protected input(apply: () => void): void {
    const outer = this.#busy;
    this.#busy = true;
    try {
      apply();
      this.pump();
    } finally {
      this.#busy = outer;
    }
  }

  /** Runs the framing loop unless it is already running (an event it sent can cause more input). */
  protected pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      this.readInput();
    } finally {
      this.#pumping = false;
    }
  }

  /** Sends an event to the machine while it runs. */
  protected sendToMachine(event: TEvent): void {
    if (this.actor.getSnapshot().status !== 'active') return;
    this.#lastEvent = eventName(event.type);
    this.actor.send(event);
  }

  /** Runs a timer's callback with an inspector that names the event it delivers. */
  #timerFired(fire: (...args: unknown[]) => void): void {
    const inspection = this.actor.system.inspect((e) => {
      if (e.type === '@xstate.event') this.#lastEvent = eventName(e.event.type);
    });
    try {
      fire();
    } finally {
      inspection.unsubscribe();
    }
  }

  /** Whether the machine still runs. */
  protected get active(): boolean {
    return this.actor.getSnapshot().status === 'active';
  }

  /** Whether the current state carries a framing tag (`codec:data`, `codec:paused`…). */
  protected hasTag(tag: string): boolean {
    return this.actor.getSnapshot().hasTag(tag);
  }

  /** Queues an output. */
  protected output(output: SessionOutput<AppEvent>): void {
    this.#outputs.push(output);
  }

  /** Queues bytes for the peer. */
  protected transmit(bytes: Uint8Array): void {
    this.#outputs.push({ kind: 'transmit', bytes });
  }

  /** Queues the close, once: closing after QUIT and again when the peer's FIN arrives is one close on the wire. */
  protected closeOnce(): void {
    if (!this.#closeSent) this.#outputs.push({ kind: 'close' });
    this.#closeSent = true;
  }

  /** Reports a rule the peer broke. */
  protected violation(rule: string, message: string): void {
    this.#outputs.push({ kind: 'violation', by: 'peer', rule, message });
  }

  /** Queues an app event for the session's owner. */
  protected appEvent(event: AppEvent): void {
    this.#outputs.push({ kind: 'event', event });
  }

  /** Wakes the driver for output produced outside an input (an owner's call, a timer). */
  protected wake(): void {
    this.#waker?.();
  }
}
