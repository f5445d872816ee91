/**
 * The Mail client panel's hold on one user's IMAP mail program: the engine's
 * `ImapMailClient` (simulators/agents/mua-imap.ts) does every command over
 * the simulated network; this class forwards the panel's clicks to it, lets
 * the Simulation run the paused world until each click is answered (the
 * terminal's waiting rule), and publishes the client's state to Svelte once
 * per frame or action, like TerminalConnection.
 */
import type { ImapMailClient, ImapMailClientSnapshot } from '../../../simulators/index.ts';

/** What the Simulation hands a new mail client. */
export interface MailClientOptions {
  readonly address: string;
  readonly client: ImapMailClient;
  /** Reads virtual time. */
  readonly now: () => number;
  /** How long after the last step the learner still waits: a round trip (IDLE's `+`) and a margin. */
  readonly quietMs: number;
  /** Runs the world while the learner waits (the Simulation's rule); called after every intent. */
  readonly wait: (connection: MailClientConnection) => void;
}

/** One user's mail client, as the panel sees it; see the module comment. */
export class MailClientConnection {
  readonly address: string;
  /** The client's state; replaced on publish when it changed. */
  state: ImapMailClientSnapshot;

  readonly #options: MailClientOptions;
  readonly #client: ImapMailClient;
  #published = -1;
  #lastBusy: number;
  #disposed = false;

  constructor(options: MailClientOptions) {
    this.#options = options;
    this.#client = options.client;
    this.address = options.address;
    this.#lastBusy = options.now();
    this.state = $state.raw(this.#client.snapshot());
  }

  /** Whether the Simulation can forget it: logged out, or its world is gone. */
  get finished(): boolean {
    return this.#disposed || this.#client.snapshot().phase === 'closed';
  }

  /** SELECT another folder. */
  selectFolder(name: string): void {
    this.#act(() => this.#client.selectFolder(name));
  }

  /** Read a message: UID FETCH with BODY[], which sets \Seen. */
  open(uid: number): void {
    this.#act(() => this.#client.open(uid));
  }

  /** Set or clear a flag with UID STORE. */
  setFlag(uid: number, flag: string, on: boolean): void {
    this.#act(() => this.#client.setFlag([uid], flag, on));
  }

  /** UID MOVE to another folder. */
  move(uid: number, folder: string): void {
    this.#act(() => this.#client.move([uid], folder));
  }

  /** EXPUNGE what is marked \Deleted. */
  expunge(): void {
    this.#act(() => this.#client.expunge());
  }

  /** UID SEARCH for the query. */
  search(query: string): void {
    this.#act(() => this.#client.search(query));
  }

  /** Shows the whole folder again (nothing is sent). */
  clearSearch(): void {
    this.#client.clearSearch();
    this.publish();
  }

  /** Logs out. */
  close(): void {
    this.#act(() => this.#client.close());
  }

  /** The world this client lived in is gone (the simulation was reset). */
  dispose(): void {
    this.#disposed = true;
  }

  /**
   * Whether the learner is still waiting, when the next event is due at
   * `nextAt`: while a step runs, and for `quietMs` after the last one ended.
   */
  waiting(nextAt: number): boolean {
    if (this.#disposed) return false;
    if (this.#client.busy) {
      this.#lastBusy = this.#options.now();
      return true;
    }
    return nextAt <= this.#lastBusy + this.#options.quietMs;
  }

  /** Copies the client's state when it changed. */
  publish(): void {
    if (this.#client.version === this.#published) return;
    this.#published = this.#client.version;
    this.state = this.#client.snapshot();
  }

  #act(intent: () => void): void {
    if (this.#disposed) return;
    intent();
    this.#lastBusy = this.#options.now();
    this.#options.wait(this);
  }
}
