/**
 * `mailroom serve --state DIR`: the world's mail stores and outbound queues
 * kept on disk, so that a bridge killed with SIGKILL comes back with every
 * message it answered 250 for, and with the flags, UIDs and UIDVALIDITY
 * that IMAP clients remember.
 *
 * Layout: `DIR/blobs/<sha256>.eml` holds each message's octets, written once
 * and fsynced; `DIR/state.json` lists hosts, accounts, mailboxes (UIDVALIDITY,
 * UIDNEXT, each message's UID, flags, internal date and blob) and queue
 * entries with their pending recipients. It is replaced atomically: written
 * to a temporary file, fsynced, renamed over the old one, directory fsynced.
 *
 * Write-ahead ordering: the MTA queue appends its `queued` trace event
 * right after it takes a message and before it returns the 250 reply, which
 * the session only then transmits (agents/mail-server.ts `#queue`, then
 * `resolveMessage`). Trace listeners run synchronously inside `append`, so
 * the synchronous save on `queued` has the message on disk before the reply
 * octets are written to the socket. Deliveries and bounces (`delivered`,
 * `failed`, `removed`) are saved the same way, so a message is never both in
 * a mailbox and pending in the saved queue. Changes made by IMAP and POP3
 * (flags, expunge, APPEND) are saved in a microtask at the end of the turn
 * that made them: the tagged OK may reach the socket a moment before.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Mailbox } from '../../../simulators/store/mail-store.ts';
import type { World } from '../../../simulators/world/world.ts';

const VERSION = 1;

interface SavedMessage {
  readonly uid: number;
  readonly blob: string;
  readonly internalDate: number;
  readonly flags: readonly string[];
}

interface SavedMailbox {
  readonly name: string;
  readonly specialUse?: string;
  readonly uidValidity: number;
  readonly uidNext: number;
  readonly messages: readonly SavedMessage[];
}

interface SavedAccount {
  readonly address: string;
  readonly password: string;
  readonly displayName: string;
  readonly subscriptions: readonly string[];
  readonly mailboxes: readonly SavedMailbox[];
}

interface SavedQueueEntry {
  readonly id: string;
  readonly mailFrom: string;
  readonly pending: readonly string[];
  readonly blob: string;
}

interface SavedHost {
  readonly host: string;
  readonly accounts: readonly SavedAccount[];
  readonly queue: readonly SavedQueueEntry[];
}

interface SavedState {
  readonly version: number;
  readonly hosts: readonly SavedHost[];
}

/** Actions of the MTA queue after which the state must be on disk before anything else happens. */
const SAVE_NOW = new Set(['queued', 'delivered', 'failed', 'removed']);

/** Writes `data` to `path` and fsyncs it. */
function writeDurably(path: string, data: Uint8Array | string): void {
  const fd = openSync(path, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The world's mail kept in a directory; see the file comment. */
export class StateDir {
  readonly #dir: string;
  readonly #blobs: string;
  readonly #log: (line: string) => void;
  readonly #hashes = new WeakMap<Uint8Array, string>();
  readonly #written = new Set<string>();
  readonly #watched = new WeakSet<Mailbox>();
  #world: World | undefined;
  #pending = false;
  #unsubscribe: (() => void) | undefined;

  constructor(dir: string, log: (line: string) => void) {
    this.#dir = dir;
    this.#blobs = join(dir, 'blobs');
    this.#log = log;
    mkdirSync(this.#blobs, { recursive: true });
    for (const name of readdirSync(this.#blobs)) this.#written.add(name.replace(/\.eml$/, ''));
  }

  /**
   * Puts the saved mail into a freshly built world: accounts, mailboxes with
   * their UIDVALIDITY and UIDs, messages with flags, and the queue's pending
   * entries (tried again at once). Returns how many messages it restored.
   */
  restore(world: World): number {
    const path = join(this.#dir, 'state.json');
    if (!existsSync(path)) return 0;
    const state = JSON.parse(readFileSync(path, 'utf8')) as SavedState;
    if (state.version !== VERSION) throw new Error(`${path}: unknown version ${String(state.version)}`);
    let count = 0;
    const referenced = new Set<string>();
    for (const saved of state.hosts) {
      const server = world.mailServers.get(saved.host);
      if (!server) {
        this.#log(`state: no host ${saved.host} in this scenario; its mail is left on disk`);
        for (const a of saved.accounts)
          for (const m of a.mailboxes) for (const msg of m.messages) referenced.add(msg.blob);
        for (const q of saved.queue) referenced.add(q.blob);
        continue;
      }
      for (const a of saved.accounts) {
        const account =
          server.store.account(a.address) ?? server.store.createAccount(a.address, a.password, a.displayName);
        for (const name of account.mailboxes.map((m) => m.name))
          if (!a.mailboxes.some((m) => m.name === name)) account.deleteMailbox(name);
        account.subscriptions.clear();
        for (const name of a.subscriptions) account.subscriptions.add(name);
        for (const m of a.mailboxes) {
          for (const msg of m.messages) referenced.add(msg.blob);
          count += this.#restoreMailbox(
            account.mailbox(m.name) ?? account.createMailbox(m.name, m.specialUse)!,
            m,
          );
        }
      }
      for (const q of saved.queue) {
        referenced.add(q.blob);
        server.queue.enqueue({ id: q.id, mailFrom: q.mailFrom, rcptTo: q.pending, data: this.#read(q.blob) });
      }
    }
    // Octets of messages gone before the last save (expunged, delivered).
    for (const blob of this.#written) {
      if (referenced.has(blob)) continue;
      unlinkSync(join(this.#blobs, `${blob}.eml`));
      this.#written.delete(blob);
    }
    return count;
  }

  #restoreMailbox(box: Mailbox, saved: SavedMailbox): number {
    box.expunge(box.messages.map((m) => m.uid));
    const first = saved.messages[0]?.uid ?? saved.uidNext;
    // UIDs only ascend in a mailbox: if the fresh one is past them (messages the scenario put there), they cannot be kept.
    const keepUids = box.uidNext <= first;
    if (keepUids) {
      // The engine sets UIDVALIDITY when it makes a mailbox; the saved one is what clients know.
      (box as { uidValidity: number }).uidValidity = saved.uidValidity;
    } else {
      this.#log(
        `state: ${box.account.address} ${box.name}: UIDs could not be kept, new UIDVALIDITY ${box.uidValidity}`,
      );
    }
    for (const m of saved.messages) {
      if (keepUids) this.#skipTo(box, m.uid);
      box.append(this.#read(m.blob), { flags: m.flags, internalDate: m.internalDate, moved: true });
    }
    if (keepUids) this.#skipTo(box, saved.uidNext);
    return saved.messages.length;
  }

  /** Advances the mailbox's next UID to `uid` (UIDs of expunged messages are never reused). */
  #skipTo(box: Mailbox, uid: number): void {
    const gap: number[] = [];
    while (box.uidNext < uid) gap.push(box.append(new Uint8Array(0), { internalDate: 0, moved: true }).uid);
    if (gap.length > 0) box.expunge(gap);
  }

  #read(blob: string): Uint8Array {
    // A plain Uint8Array, as the engine expects (Buffer#slice shares memory).
    return new Uint8Array(readFileSync(join(this.#blobs, `${blob}.eml`)));
  }

  /** Saves after every change from now on; returns the function that stops it. */
  watch(world: World): () => void {
    this.#world = world;
    this.save();
    this.#unsubscribe = world.trace.subscribe((event) => {
      if (event.type === 'agent' && SAVE_NOW.has(event.action)) this.save();
      // A session's end covers what changes no message: CREATE, RENAME, DELETE, SUBSCRIBE.
      else if (event.type === 'session.end') this.#saveSoon();
    });
    return () => this.#unsubscribe?.();
  }

  #saveSoon(): void {
    if (this.#pending) return;
    this.#pending = true;
    queueMicrotask(() => {
      if (this.#pending) this.save();
    });
  }

  /** Writes the state now (blobs first, then state.json atomically). */
  save(): void {
    const world = this.#world;
    if (!world) return;
    this.#pending = false;
    const hosts: SavedHost[] = [];
    for (const [host, server] of world.mailServers) {
      const accounts = server.store.accounts.map((account) => ({
        address: account.address,
        password: account.password,
        displayName: account.displayName,
        subscriptions: [...account.subscriptions],
        mailboxes: account.mailboxes.map((box) => {
          if (!this.#watched.has(box)) {
            this.#watched.add(box);
            box.subscribe(() => this.#saveSoon());
          }
          return {
            name: box.name,
            ...(box.specialUse ? { specialUse: box.specialUse } : {}),
            uidValidity: box.uidValidity,
            uidNext: box.uidNext,
            messages: box.messages.map((m) => ({
              uid: m.uid,
              blob: this.#blob(m.raw),
              internalDate: m.internalDate,
              flags: [...m.flags],
            })),
          };
        }),
      }));
      const queue = server.queue.entries
        .map((e) => ({
          id: e.id,
          mailFrom: e.mailFrom,
          pending: e.recipients.filter((r) => r.state === 'pending').map((r) => r.address),
          blob: this.#blob(e.data),
        }))
        .filter((e) => e.pending.length > 0);
      hosts.push({ host, accounts, queue });
    }
    const state: SavedState = { version: VERSION, hosts };
    const tmp = join(this.#dir, 'state.json.tmp');
    writeDurably(tmp, JSON.stringify(state));
    renameSync(tmp, join(this.#dir, 'state.json'));
    fsyncDir(this.#dir);
  }

  /** The blob name of `raw`, written (and fsynced) the first time it is seen. */
  #blob(raw: Uint8Array): string {
    let hash = this.#hashes.get(raw);
    if (!hash) {
      hash = createHash('sha256').update(raw).digest('hex');
      this.#hashes.set(raw, hash);
    }
    if (!this.#written.has(hash)) {
      writeDurably(join(this.#blobs, `${hash}.eml`), raw);
      fsyncDir(this.#blobs);
      this.#written.add(hash);
    }
    return hash;
  }
}
