/**
 * IMAP through the TCP bridge on a 10,000-message mailbox, the workload the
 * README compares with Dovecot: `UID FETCH 1:* (FLAGS)` and
 * `SEARCH SUBJECT …` in a loop on one session, each waiting for its tagged
 * OK. Client and bridge share one Node process. Run alone with
 * `npx tsx bench/imap-bridge.ts [messages] [seconds]`.
 */
import { connect, type Socket } from 'node:net';
import { startBridge } from '../src/cli/bridge/bridge.ts';

/** A minimal IMAP client: one command at a time, waits for its tagged response. */
class ImapProbe {
  #buffer = '';
  #waiting: (() => void) | undefined;
  #tag = 0;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      this.#waiting?.();
    });
  }

  static open(port: number): Promise<ImapProbe> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new ImapProbe(socket)));
      socket.once('error', reject);
    });
  }

  /** Waits for a line starting with `marker`; returns everything up to the end of that line. */
  async #until(marker: string): Promise<string> {
    for (;;) {
      const at = this.#buffer.startsWith(marker) ? 0 : this.#buffer.indexOf(`\r\n${marker}`);
      const lineEnd = at < 0 ? -1 : this.#buffer.indexOf('\r\n', at === 0 ? 0 : at + 2);
      if (lineEnd >= 0) {
        const out = this.#buffer.slice(0, lineEnd + 2);
        this.#buffer = this.#buffer.slice(lineEnd + 2);
        return out;
      }
      await new Promise<void>((r) => (this.#waiting = r));
    }
  }

  greeting(): Promise<string> {
    return this.#until('* OK');
  }

  async command(text: string): Promise<string> {
    const tag = `b${++this.#tag}`;
    this.socket.write(`${tag} ${text}\r\n`);
    const out = await this.#until(`${tag} `);
    if (!out.includes(`${tag} OK`)) throw new Error(`${text}: ${out.slice(-200)}`);
    return out;
  }
}

/** Loops `command` for about `seconds`; returns commands per second. */
async function loop(probe: ImapProbe, command: string, seconds: number): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await probe.command(command);
    n++;
  }
  return (n / (performance.now() - t0)) * 1000;
}

/** Fills a mailbox and measures both workloads. */
export async function benchImapBridge(options: { messages: number; seconds: number; only?: 'fetch' }) {
  const user = { address: 'bench@example.org', password: 'pw' };
  const bridge = await startBridge({ ports: { imap: 0 }, users: [user], log: () => {} });
  try {
    const inbox = bridge.world.account(user.address)!.inbox;
    for (let i = 0; i < options.messages; i++) {
      const raw = `From: sender${i % 97}@example.com\r\nTo: ${user.address}\r\nSubject: message ${i} about topic ${i % 50}\r\n\r\nBody of message ${i}.\r\n`;
      inbox.append(new Uint8Array(Buffer.from(raw, 'latin1')), {
        internalDate: 1_700_000_000_000 + i * 1000,
        flags: i % 3 === 0 ? ['\\Seen'] : [],
      });
    }
    const probe = await ImapProbe.open(bridge.ports.imap!);
    await probe.greeting();
    await probe.command(`LOGIN ${user.address} ${user.password}`);
    await probe.command('SELECT INBOX');
    const fetchPerSecond = await loop(probe, 'UID FETCH 1:* (FLAGS)', options.seconds);
    const searchPerSecond =
      options.only === 'fetch' ? 0 : await loop(probe, 'SEARCH SUBJECT "topic 7"', options.seconds);
    await probe.command('LOGOUT').catch(() => '');
    probe.socket.end();
    return { fetchPerSecond, searchPerSecond };
  } finally {
    await bridge.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchImapBridge({
    messages: Number(process.argv[2] ?? 10_000),
    seconds: Number(process.argv[3] ?? 3),
  });
  console.log(
    `UID FETCH 1:* (FLAGS): ${r.fetchPerSecond.toFixed(1)}/s; SEARCH SUBJECT: ${r.searchPerSecond.toFixed(1)}/s`,
  );
}
