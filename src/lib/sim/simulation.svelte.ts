/**
 * The one bridge between the engine and Svelte (STYLE.md §S6). A Simulation
 * owns a World and shows it to components as reactive state: the virtual
 * time, the trace, the network's hosts and links. Components read these and
 * call the methods; they never touch the World.
 *
 * Playback lives here and only here: each animation frame runs the world for
 * the wall time that passed times the speed, which is the one place where
 * wall time becomes virtual time. State is published once per frame (or once
 * per step), never once per trace event, so a busy world cannot flood Svelte.
 */
import {
  parseZone,
  PRESETS,
  webCryptoDkim,
  World,
  type DkimCrypto,
  type SubtleLike,
  type SubtleForTls,
  type CheckResult,
  type DirectMessage,
  type Draft,
  type LocalMessage,
  type Pop3CheckOptions,
  type RRType,
  type Scenario,
  type ScenarioInput,
  type StoredMessage,
  type SubmissionResult,
  type TraceEvent,
  type CheckZoneOptions,
  type ZoneReport,
} from '../../../simulators/index.ts';
import { terminalProtocol, type ServiceView } from '../terminal/targets.ts';
import { normalizeName } from '../viz/dns-lookup.ts';
import { MailClientConnection } from './mail-client.svelte.ts';
import { TerminalConnection } from './terminal-connection.svelte.ts';

/** Playback speeds offered, as multiples of real time. */
export const SPEEDS = [0.1, 0.5, 1, 2, 10, 100] as const;
/** One of {@link SPEEDS}. */
export type Speed = (typeof SPEEDS)[number];

/**
 * How playback reads time. `wall`: virtual time advances by the wall time
 * between frames × speed. `manual` (the `?clock=manual` test mode): each frame
 * advances a fixed {@link FRAME_MS} × speed, whatever the wall clock did, so
 * tests on a slow machine see the same virtual times and never need to sleep.
 */
export type ClockMode = 'wall' | 'manual';

/** Virtual ms per frame in manual mode: one 60 Hz frame. */
export const FRAME_MS = 1000 / 60;
/** The longest wall-time gap one frame may turn into virtual time (a background tab must not jump minutes). */
export const MAX_FRAME_MS = 100;
/** How far the "Advance" control moves the clock. */
export const ADVANCE_MS = 100;
/** Wall ms {@link Simulation.fastForward} runs before it publishes and gives the browser a turn. */
export const FAST_FORWARD_TURN_MS = 100;

/**
 * The terminal's waiting rule. While the clock is paused, Connect, each line
 * sent and Start TLS run the world until nothing more is on its way over that
 * connection: it has connected (or failed), and no event is due within
 * `2 × one-way latency + TERMINAL_QUIET_MARGIN_MS` of its last activity (a
 * byte or handshake flight sent or received). The clock stops at the last
 * event run, not at the end of that window. TERMINAL_MAX_WAIT_MS bounds it,
 * a little over the 30 s connect timeout, so a silent server cannot hang the
 * page. With Play running nothing is forced: replies arrive with latency.
 *
 * Check mail follows the same rule: the paused world runs until the mail
 * program has its result, and then for the same quiet window, so the
 * connection's goodbye is not left half-done.
 */
export const TERMINAL_QUIET_MARGIN_MS = 500;
/** The longest a terminal action may run the paused clock, virtual ms. */
export const TERMINAL_MAX_WAIT_MS = 35_000;

/** Schedules animation frames; injected so tests can drive frames by hand. */
export interface FrameScheduler {
  request(callback: (wallMs: number) => void): number;
  cancel(handle: number): void;
}

/** Options for a simulation. */
export interface SimulationOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: string | number;
  readonly clock?: ClockMode;
  readonly frames?: FrameScheduler;
  /**
   * DKIM's crypto. Default: WebCrypto (`globalThis.crypto.subtle`) when the
   * page has it (browsers in a secure context, Node); `null` runs without,
   * so DKIM is skipped and the world stays fully synchronous.
   */
  readonly crypto?: DkimCrypto | null;
}

/** WebCrypto's DKIM provider, when this environment has `crypto.subtle` (jsdom, for one, does not). */
function defaultCrypto(): DkimCrypto | undefined {
  const subtle = (globalThis as { crypto?: { subtle?: unknown } }).crypto?.subtle;
  return subtle === undefined ? undefined : webCryptoDkim(subtle as SubtleLike);
}

/** A host as the map shows it. */
export interface HostView {
  readonly id: string;
  readonly addresses: readonly string[];
  readonly isUp: boolean;
  /** The ports it listens on (the terminal's targets). */
  readonly services: readonly ServiceView[];
}

/** A link as the map shows it. */
export interface LinkView {
  readonly a: string;
  readonly b: string;
  readonly latencyMs: number;
  readonly up: boolean;
}

const browserFrames: FrameScheduler = {
  request: (callback) => requestAnimationFrame(callback),
  cancel: (handle) => cancelAnimationFrame(handle),
};

/** A message a user sent from the Compose panel, and how its submission went. */
export interface Submission {
  /** The Message-ID the MUA gave it. */
  readonly messageId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  /** Virtual time of Send. */
  readonly at: number;
  /** The MUA's report once the submission server has answered; undefined while under way. */
  readonly result?: SubmissionResult;
}

/** A mail check started from the Mail program panel, and how it went. */
export interface MailCheck {
  /** Whose mail program checks. */
  readonly address: string;
  readonly options: Pop3CheckOptions;
  /** Virtual time of Check mail. */
  readonly at: number;
  /** The mail program's report; undefined while the check is under way. */
  readonly result?: CheckResult;
  /** Virtual time the result came. */
  readonly doneAt?: number;
}

/** Something a learner waits on while the paused clock runs (see {@link TERMINAL_QUIET_MARGIN_MS}). */
interface Waiter {
  /** Whether the event due at `nextAt` is still part of the wait. */
  waiting(nextAt: number): boolean;
}

/** Purpose recorded on lookups asked from the DNS panel. */
export const PANEL_PURPOSE = 'asked in the DNS panel';

/** A live world, as reactive state for the app. */
export class Simulation {
  readonly clock: ClockMode;
  #scenario: ScenarioInput;
  readonly #seed: string | number | undefined;
  readonly #frames: FrameScheduler;
  readonly #crypto: DkimCrypto | undefined;

  #world!: World;
  /** The validated scenario, as reactive state: loading another one changes every view. */
  #scenarioView = $state.raw<Scenario>();
  #unsubscribe: () => void = () => {};
  #dirty = true;
  #mailDirty = true;
  #submissionsDirty = false;
  #submissions: Submission[] = [];
  #checksDirty = false;
  #checks: Record<string, MailCheck> = {};
  /** How many messages each mail program's local copy held at the last publish. */
  #localSizes: Record<string, number> = {};
  #localDirty = true;
  /** Zone texts saved in the zone editor, by origin; the world is rebuilt with them on reset. */
  #zoneEdits: Record<string, string> = {};
  /** Open terminals and mail clients, published with the rest; dropped once finished. */
  #terminals: (TerminalConnection | MailClientConnection)[] = [];
  #frame: number | undefined;
  #lastWall: number | undefined;
  /** Virtual ms owed by playback but not yet run: the clock moves in whole ms so times read cleanly. */
  #carry = 0;

  /** Virtual time, ms since the world started. */
  now = $state(0);
  /** Every trace event so far; replaced (never mutated) when events arrive. */
  trace = $state.raw<readonly TraceEvent[]>([]);
  /** Hosts and their state; replaced when the trace says something changed. */
  hosts = $state.raw<readonly HostView[]>([]);
  /** Links and their state; replaced like {@link hosts}. */
  links = $state.raw<readonly LinkView[]>([]);
  /** When the next scheduled event is due; undefined when nothing is scheduled. */
  nextAt = $state<number | undefined>();
  /** Whether playback is running. */
  playing = $state(false);
  /** Whether {@link fastForward} is running the clock. */
  fastForwarding = $state(false);
  /** Playback speed, a multiple of real time. */
  speed = $state<Speed>(1);
  /** Counts worlds: goes up on every reset, so views can forget positions in the old trace. */
  epoch = $state(0);
  /** Each user's INBOX (by address, in scenario order): the stored messages, replaced when one arrives or changes. */
  mailboxes = $state.raw<Readonly<Record<string, readonly StoredMessage[]>>>({});
  /** Messages sent from the Compose panel, oldest first; replaced when one is sent or its result comes. */
  submissions = $state.raw<readonly Submission[]>([]);
  /** Each user's latest mail check from the Mail program panel, by address; replaced when one starts or ends. */
  mailChecks = $state.raw<Readonly<Record<string, MailCheck>>>({});
  /**
   * Each mail program's local copy (by its user's address, for users with a
   * mail program): what it has downloaded over POP3, oldest first; replaced
   * when a message comes in.
   */
  localMail = $state.raw<Readonly<Record<string, readonly LocalMessage[]>>>({});

  constructor(scenario: ScenarioInput = PRESETS.default!, options: SimulationOptions = {}) {
    this.#scenario = scenario;
    this.#seed = options.seed;
    this.clock = options.clock ?? 'wall';
    this.#frames = options.frames ?? browserFrames;
    this.#crypto = options.crypto === null ? undefined : (options.crypto ?? defaultCrypto());
    this.#load();
  }

  /** The validated scenario (host labels, roles and sites, users). */
  get scenario(): Scenario {
    return this.#scenarioView ?? this.#world.scenario;
  }

  /** Replaces the world with one built from `scenario` (a preset, or a changed scenario), paused at time 0. */
  loadScenario(scenario: ScenarioInput): void {
    this.#scenario = scenario;
    // Zone edits belong to the scenario they were made in.
    this.#zoneEdits = {};
    this.reset();
  }

  /**
   * Applies a zone's whole master-file text, as the zone editor hands it over:
   * the running world's DNS answers from it at once, and a reset keeps it.
   * Returns the zone's diagnostics.
   */
  setZoneText(text: string): ZoneReport {
    const origin = parseZone(text).origin;
    // Without an origin the engine explains what is missing; with one, this is the editor's Save.
    return origin === '' ? this.#world.setZoneText(text) : this.applyZone(origin, text);
  }

  /** Whether there is an event to step to. */
  get canStep(): boolean {
    return this.nextAt !== undefined;
  }

  /** Starts playback (optionally at a new speed). */
  play(speed?: Speed): void {
    if (speed !== undefined) this.speed = speed;
    if (this.playing) return;
    this.playing = true;
    this.#lastWall = undefined;
    this.#frame = this.#frames.request(this.#tick);
  }

  /** Stops playback; the clock stays where it is. */
  pause(): void {
    this.playing = false;
    if (this.#frame !== undefined) this.#frames.cancel(this.#frame);
    this.#frame = undefined;
    this.#carry = 0;
  }

  /** Plays when paused, pauses when playing. */
  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  /**
   * Runs the next scheduled event (the clock jumps to its time). Returns false
   * when nothing is scheduled, or while a crypto effect holds the clock (it
   * settles within moments and the view is published again then).
   */
  step(): boolean {
    const ran = this.#world.step();
    this.#publish();
    this.#publishWhenEffectsSettle();
    return ran;
  }

  /**
   * Runs everything due in the next `duration` virtual ms; the clock moves by
   * exactly that much, unless a crypto effect holds it (then it stops there).
   */
  advance(duration: number = ADVANCE_MS): void {
    this.#world.runFor(duration);
    this.#publish();
    this.#publishWhenEffectsSettle();
  }

  /**
   * Runs until nothing is scheduled (at most `maxEvents`, so a looping world
   * cannot hang the page). It stops early while a crypto effect holds the
   * clock; {@link settle} waits for effects too.
   */
  runUntilIdle(maxEvents = 100_000): number {
    const n = this.#world.runUntilIdle({ maxEvents });
    this.#publish();
    this.#publishWhenEffectsSettle();
    return n;
  }

  /** Resolves once no crypto effect holds the clock (at once when none does). */
  async effectsSettled(): Promise<void> {
    const world = this.#world;
    while (world.effects.pending > 0) await world.effects.next();
  }

  /**
   * Runs the next `duration` virtual ms as fast as the machine allows (a
   * simulated day in a second or so), waiting for crypto effects on the way,
   * and resolves when the clock has got there (or the world was reset).
   * Playback pauses first. The page stays responsive: state is published
   * and the browser gets a turn a few times a second.
   */
  async fastForward(duration: number): Promise<void> {
    this.pause();
    const world = this.#world;
    const target = world.now + Math.max(0, duration);
    this.fastForwarding = true;
    let turn = performance.now();
    try {
      while (world === this.#world && (world.now < target || world.scheduler.held)) {
        if (world.scheduler.held) await world.effects.next();
        else world.runFor(target - world.now);
        if (performance.now() - turn > FAST_FORWARD_TURN_MS) {
          this.#publish();
          await new Promise((resolve) => setTimeout(resolve, 0));
          turn = performance.now();
        }
      }
    } finally {
      if (world === this.#world) {
        this.fastForwarding = false;
        this.#publish();
      }
    }
  }

  /** Runs until nothing is scheduled and no crypto effect is pending (at most `maxEvents`). */
  async settle(maxEvents = 100_000): Promise<number> {
    const world = this.#world;
    const n = await world.settle({ maxEvents });
    if (world === this.#world) this.#publish();
    return n;
  }

  /**
   * The trace so far as a pcapng capture for Wireshark; with `includeTlsKeys`
   * the file carries the TLS secrets so Wireshark can show what TLS protects.
   */
  async capture(includeTlsKeys: boolean): Promise<Uint8Array> {
    // The DOM's SubtleCrypto overloads are wider than the few calls the capture makes.
    const subtle = globalThis.crypto.subtle as unknown as SubtleForTls;
    return (await this.#world.pcap(subtle, { includeTlsKeys })).bytes;
  }

  /** Starts the world again from the same scenario and seed, paused at time 0. */
  reset(): void {
    this.pause();
    this.fastForwarding = false;
    this.#load();
  }

  /**
   * Asks the name server for `name`/`type` on behalf of host `from`, as a
   * stub resolver on that host would. Returns the trace position of the
   * `dns.query` event, by which the panel finds the answer later.
   */
  lookup(from: string, name: string, type: RRType): number {
    const seq = this.#world.trace.length;
    this.#world.lookup(from, { name: normalizeName(name), type }, PANEL_PURPOSE, () => {});
    this.#publish();
    return seq;
  }

  /** Users who have a mail program, so can send from the Compose panel. */
  get senders(): readonly string[] {
    return this.#world.scenario.users.filter((u) => u.mua !== undefined).map((u) => u.address);
  }

  /**
   * The user at `from` writes `draft` and presses Send: their MUA submits it
   * to their server (587, STARTTLS, AUTH), which relays it on. The journey
   * shows in the trace as the clock runs; the result lands in `submissions`.
   */
  send(from: string, draft: Draft): Submission {
    const at = this.#world.now;
    const base = { from, to: draft.to, subject: draft.subject, at };
    let submission: Submission;
    try {
      const messageId = this.#world.send(from, draft, (result) => {
        this.#submissions = this.#submissions.map((s) =>
          s.messageId === result.messageId ? { ...s, result } : s,
        );
        this.#submissionsDirty = true;
      });
      submission = { ...base, messageId };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      submission = { ...base, messageId: '', result: { ok: false, messageId: '', reason } };
    }
    this.#submissions = [...this.#submissions, submission];
    this.#submissionsDirty = true;
    this.#publish();
    return submission;
  }

  /** Host `from` sends a message straight to the recipients' MX (a spoofer's script; see World.sendDirect). */
  sendDirect(from: string, message: DirectMessage): void {
    this.#world.sendDirect(from, message);
    this.#publish();
  }

  /**
   * The user at `address` presses Check mail: their mail program connects to
   * their server over POP3 (RFC 1939; STLS when offered on 110, implicit TLS
   * on 995), logs in, downloads what is new into its local copy, and deletes
   * from the server or keeps there, as `options.mode` says. With the clock
   * paused the world runs while the learner waits, by the terminal's rule
   * ({@link TERMINAL_QUIET_MARGIN_MS}); the outcome lands in `mailChecks`.
   */
  checkMail(address: string, options: Pop3CheckOptions): MailCheck {
    const key = address.toLowerCase();
    const start: MailCheck = { address, options, at: this.#world.now };
    let check = start;
    const record = (next: MailCheck) => {
      check = next;
      this.#checks[key] = next;
      this.#checksDirty = true;
    };
    record(start);
    try {
      this.#world.checkMail(address, options, (result) => {
        // A later check replaces this one in the panel; its result must not overwrite the newer check.
        if (this.#checks[key] === start) record({ ...start, result, doneAt: this.#world.now });
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      record({ ...start, result: { ok: false, reason }, doneAt: start.at });
    }
    const user = this.#world.scenario.users.find((u) => u.address.toLowerCase() === key);
    const quietMs =
      2 * (user?.mua === undefined ? 0 : this.#oneWayMs(user.mua, user.host)) + TERMINAL_QUIET_MARGIN_MS;
    this.#settle({
      waiting: (nextAt) => check.doneAt === undefined || nextAt <= check.doneAt + quietMs,
    });
    return check;
  }

  /**
   * Opens a terminal on host `fromHost` to `address`:`port`, as telnet would
   * (with implicit TLS when the port is a TLS port, as `openssl s_client`).
   * The connection follows the waiting rule of {@link TERMINAL_QUIET_MARGIN_MS}.
   */
  openTerminal(fromHost: string, address: string, port: number): TerminalConnection {
    const world = this.#world;
    const from = world.host(fromHost);
    const server = world.network.hostByAddress(address);
    const serverHost = server?.id ?? address;
    const oneWay = this.#oneWayMs(fromHost, serverHost);
    const service = server?.services.find((s) => s.port === port);
    const connection = new TerminalConnection({
      from,
      trace: world.trace,
      now: () => world.now,
      address,
      port,
      serverHost,
      implicitTls: service?.tls ?? false,
      protocol: terminalProtocol(service?.service, port),
      quietMs: 2 * oneWay + TERMINAL_QUIET_MARGIN_MS,
      wait: (c) => this.#settle(c, () => c.publish()),
    });
    this.#terminals.push(connection);
    this.#settle(connection, () => connection.publish());
    return connection;
  }

  /**
   * The user at `address` opens their mail program's IMAP view: one
   * connection that logs in, lists the folders, opens `INBOX` and waits in
   * IDLE between clicks. Each click follows the waiting rule of
   * {@link TERMINAL_QUIET_MARGIN_MS}; a reset of the world ends it.
   */
  openMailClient(address: string): MailClientConnection {
    const world = this.#world;
    const user = world.scenario.users.find((u) => u.address.toLowerCase() === address.toLowerCase());
    const oneWay = user?.mua === undefined ? 0 : this.#oneWayMs(user.mua, user.host);
    const connection = new MailClientConnection({
      address,
      client: world.openImapClient(address),
      now: () => world.now,
      quietMs: 2 * oneWay + TERMINAL_QUIET_MARGIN_MS,
      wait: (c) => this.#settle(c, () => c.publish()),
    });
    this.#terminals.push(connection);
    this.#settle(connection, () => connection.publish());
    return connection;
  }

  /** The origins of the scenario's zones, in scenario order. */
  get zoneOrigins(): readonly string[] {
    return this.#world.scenario.dns.zones.map((z) => z.origin);
  }

  /** The text of a zone as the world serves it: the last one saved, else the scenario's. */
  zoneText(origin: string): string {
    return this.#zoneEdits[origin] ?? this.scenarioZoneText(origin);
  }

  /** The text of a zone as the scenario wrote it ('' for a zone it does not have). */
  scenarioZoneText(origin: string): string {
    return this.#world.scenario.dns.zones.find((z) => z.origin === origin)?.text ?? '';
  }

  /**
   * What the engine's zone checks (`checkZone`) need to check zone `origin`
   * as this world would serve it: the other zones as served, so includes and
   * report addresses are followed into them, and the DMARC rules its
   * receivers apply.
   */
  zoneCheckOptions(origin: string): CheckZoneOptions {
    const otherZones = this.zoneOrigins
      .filter((o) => o !== origin)
      .map((o) => ({ origin: o, text: this.zoneText(o) }));
    const mode = this.#world.scenario.hosts.find((h) => h.smtp?.dmarcMode !== undefined)?.smtp?.dmarcMode;
    return { origin, otherZones, ...(mode ? { dmarcMode: mode } : {}) };
  }

  /**
   * Saves a zone: the world's name server serves the records of `text` from
   * now on (the engine rebuilds the zone's data; lines with errors are left
   * out), so the next message is checked against it, and a reset keeps it.
   */
  applyZone(origin: string, text: string): ZoneReport {
    const report = this.#world.reloadZone(origin, text);
    this.#zoneEdits = { ...this.#zoneEdits, [origin]: text };
    this.#publish();
    return report;
  }

  /** Stops playback and lets go of the world. */
  destroy(): void {
    this.pause();
    this.#unsubscribe();
    for (const t of this.#terminals) t.dispose();
    this.#terminals = [];
  }

  /** The slowest one-way delay between two hosts: their link's latency and jitter, or the network's default. */
  #oneWayMs(a: string, b: string): number {
    const link = this.#world.network.links.find((l) => (l.a === a && l.b === b) || (l.a === b && l.b === a));
    const { defaultLatencyMs, defaultJitterMs } = this.#world.scenario.network;
    return link ? link.latencyMs + link.jitterMs : defaultLatencyMs + defaultJitterMs;
  }

  /**
   * Runs the paused world while the learner waits on `waiter` (see
   * {@link TERMINAL_QUIET_MARGIN_MS}); `published` runs after each publish.
   * When a crypto effect (DKIM) holds the clock, the loop does not spin: it
   * publishes what it has, awaits the effect, and carries on from there, as
   * long as the same world is still paused.
   */
  #settle(waiter: Waiter, published: () => void = () => {}): void {
    const world = this.#world;
    const scheduler = world.scheduler;
    const deadline = world.now + TERMINAL_MAX_WAIT_MS;
    const run = (): void => {
      if (world !== this.#world) return;
      if (!this.playing) {
        for (;;) {
          // An event that just ran may have started an effect: wait for it rather than give up or spin.
          if (scheduler.held) {
            void world.effects.next().then(run);
            break;
          }
          const next = scheduler.nextAt();
          if (next === undefined || next > deadline || !waiter.waiting(next)) break;
          world.step();
        }
      }
      this.#publish();
      published();
    };
    run();
  }

  /** While an effect holds the clock, publishes again once it settles (the view must not go stale until the next click). */
  #publishWhenEffectsSettle(): void {
    const world = this.#world;
    if (!world.scheduler.held) return;
    void world.effects.next().then(() => {
      if (world !== this.#world) return;
      this.#publish();
      this.#publishWhenEffectsSettle();
    });
  }

  #load(): void {
    this.#unsubscribe();
    for (const t of this.#terminals) {
      t.dispose();
      t.publish();
    }
    this.#terminals = [];
    const world = new World(this.#scenario, {
      ...(this.#seed === undefined ? {} : { seed: this.#seed }),
      ...(this.#crypto === undefined ? {} : { crypto: this.#crypto }),
    });
    for (const [origin, text] of Object.entries(this.#zoneEdits)) world.applyZone(origin, text);
    this.#world = world;
    this.#scenarioView = world.scenario;
    this.epoch++;
    this.#carry = 0;
    const stops = [
      world.trace.subscribe(() => {
        this.#dirty = true;
      }),
      ...world.scenario.users.flatMap((u) => {
        const inbox = world.account(u.address)?.inbox;
        return inbox ? [inbox.subscribe(() => (this.#mailDirty = true))] : [];
      }),
    ];
    this.#unsubscribe = () => stops.forEach((stop) => stop());
    this.#submissions = [];
    this.#submissionsDirty = true;
    this.#checks = {};
    this.#checksDirty = true;
    this.#localSizes = {};
    this.#localDirty = true;
    this.#mailDirty = true;
    this.#dirty = true;
    this.#publish();
  }

  /** Copies the world's state into the reactive fields: once per frame or action. */
  #publish(): void {
    const world = this.#world;
    this.now = world.now;
    this.nextAt = world.scheduler.nextAt();
    for (const t of this.#terminals) t.publish();
    this.#terminals = this.#terminals.filter((t) => !t.finished);
    if (this.#submissionsDirty) {
      this.#submissionsDirty = false;
      this.submissions = this.#submissions.slice();
    }
    if (this.#checksDirty) {
      this.#checksDirty = false;
      this.mailChecks = Object.fromEntries(Object.values(this.#checks).map((c) => [c.address, c]));
    }
    if (this.#mailDirty) {
      this.#mailDirty = false;
      this.mailboxes = Object.fromEntries(
        world.scenario.users.map((u) => [u.address, world.account(u.address)?.inbox.messages.slice() ?? []]),
      );
    }
    this.#publishLocalMail();
    if (!this.#dirty) return;
    this.#dirty = false;
    this.trace = world.trace.events.slice();
    this.hosts = world.network.hosts.map((h) => ({
      id: h.id,
      addresses: h.addresses,
      isUp: h.isUp,
      services: h.services.map((s) => ({ port: s.port, service: s.service, tls: s.tls })),
    }));
    this.links = world.network.links.map((l) => ({ a: l.a, b: l.b, latencyMs: l.latencyMs, up: l.up }));
  }

  /**
   * Copies the mail programs' local copies when one has grown. The MUA only
   * ever adds to its copy (POP3 deletes on the server, never locally), so the
   * sizes tell a change.
   */
  #publishLocalMail(): void {
    const world = this.#world;
    let changed = this.#localDirty;
    this.#localDirty = false;
    for (const [address, mua] of world.muas) {
      if (this.#localSizes[address] !== mua.local.size) changed = true;
      this.#localSizes[address] = mua.local.size;
    }
    if (!changed) return;
    this.localMail = Object.fromEntries(
      world.scenario.users.flatMap((u) => {
        const mua = world.muas.get(u.address.toLowerCase());
        return mua === undefined ? [] : [[u.address, [...mua.local.values()]]];
      }),
    );
  }

  readonly #tick = (wallMs: number): void => {
    if (!this.playing) return;
    const elapsed =
      this.clock === 'manual'
        ? FRAME_MS
        : this.#lastWall === undefined
          ? 0
          : Math.min(Math.max(0, wallMs - this.#lastWall), MAX_FRAME_MS);
    this.#lastWall = wallMs;
    this.#carry += elapsed * this.speed;
    const whole = Math.floor(this.#carry);
    this.#carry -= whole;
    if (whole > 0) this.#world.runFor(whole);
    this.#publish();
    this.#frame = this.#frames.request(this.#tick);
  };
}
