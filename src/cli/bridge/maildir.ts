/**
 * `--maildir DIR`: after every local delivery, the stored message is also
 * written to `DIR/<address>/new/<internalDate>.<uid>.eml`, byte for byte as
 * the store holds it (Return-Path, Delivered-To and Received on top), so
 * tests and curious users can compare what was stored with what was sent,
 * and any Maildir reader (mutt -f DIR/<address>) can open it. `tmp/` and
 * `cur/` are created too. A file of the same name is overwritten: a world
 * started at the same scenario time gives the same names.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { World } from '../../../simulators/world/world.ts';
import type { StoredMessage } from '../../../simulators/store/mail-store.ts';

/** The directory name for an address: lower case, with nothing that could leave DIR. */
export function maildirFolderName(address: string): string {
  return address
    .toLowerCase()
    .replace(/[/\\\0]/g, '_')
    .replace(/^\.+/, '_');
}

/** The file name of a stored message. */
export function maildirFileName(message: StoredMessage): string {
  return `${Math.floor(message.internalDate)}.${message.uid}.eml`;
}

/** Mirrors every INBOX delivery of a world into a directory. */
export class MaildirWriter {
  readonly #dir: string;
  readonly #log: (line: string) => void;
  readonly #ready = new Map<string, Promise<string>>();
  readonly #unsubscribes: (() => void)[] = [];
  #pending = new Set<Promise<void>>();

  constructor(dir: string, log: (line: string) => void) {
    this.#dir = dir;
    this.#log = log;
  }

  /** Follows the INBOX of every account on every mail server of `world`. */
  watch(world: World): void {
    for (const server of world.mailServers.values()) {
      for (const account of server.store.accounts) {
        this.#unsubscribes.push(
          account.inbox.subscribe((change) => {
            if (change.type === 'append') this.#write(account.address, change.message);
          }),
        );
      }
    }
  }

  #folder(address: string): Promise<string> {
    let ready = this.#ready.get(address);
    if (!ready) {
      const base = join(this.#dir, maildirFolderName(address));
      ready = Promise.all(['new', 'cur', 'tmp'].map((d) => mkdir(join(base, d), { recursive: true }))).then(
        () => join(base, 'new'),
      );
      this.#ready.set(address, ready);
    }
    return ready;
  }

  #write(address: string, message: StoredMessage): void {
    const done = this.#folder(address)
      .then((folder) => writeFile(join(folder, maildirFileName(message)), message.raw))
      .catch((e: Error) => this.#log(`maildir: cannot write a message for ${address}: ${e.message}`))
      .finally(() => this.#pending.delete(done));
    this.#pending.add(done);
  }

  /** Resolves when every write started so far is done. */
  async flushed(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Stops following the world; pending writes still complete (await {@link flushed}). */
  close(): void {
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
  }
}
