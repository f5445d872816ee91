/**
 * The IMAP engine alone, no TCP: `sessions` server sessions on one store,
 * each logged in and with the same 10,000-message INBOX selected, fed
 * commands by hand and drained as the bridge drains them. The sessions take
 * turns, one command each, round after round, for about `seconds` per
 * workload (`UID FETCH 1:* (FLAGS)`, then `SEARCH SUBJECT …`); the figure is
 * commands answered per second of wall time, and the same per second of CPU
 * time, which a busy machine disturbs less. Run alone with
 * `npx tsx bench/imap-headless.ts [messages] [sessions] [seconds]`.
 */
import { DEFAULT_IMAP_SERVER_CONFIG } from '../simulators/imap/server-config.ts';
import { ImapServerSession } from '../simulators/imap/server-session.ts';
import { Scheduler } from '../simulators/net/scheduler.ts';
import { MailStore } from '../simulators/store/mail-store.ts';

const USER = 'bench@example.org';
const encoder = new TextEncoder();

/** One session with a tagged-reply check: the bytes out are only searched for the tag. */
class HeadlessClient {
  readonly session: ImapServerSession;
  #tag = 0;
  #out: Uint8Array[] = [];

  constructor(store: MailStore, clock: Scheduler) {
    this.session = new ImapServerSession(
      {
        config: { ...DEFAULT_IMAP_SERVER_CONFIG, hostname: 'imap.example.org' },
        store,
        nonce: () => 'bench',
        now: () => 1_700_000_000_000 + clock.now,
      },
      clock,
    );
    this.#drain();
  }

  #drain(): void {
    for (let out = this.session.poll(); out !== undefined; out = this.session.poll())
      if (out.kind === 'transmit') this.#out.push(out.bytes);
  }

  /** Sends one command and checks that its tagged OK came back; returns the octets answered. */
  command(text: string): number {
    const tag = `h${++this.#tag}`;
    this.#out = [];
    this.session.receive(encoder.encode(`${tag} ${text}\r\n`));
    this.#drain();
    let octets = 0;
    for (const b of this.#out) octets += b.length;
    const last = new TextDecoder('latin1').decode(this.#out.at(-1) ?? new Uint8Array());
    if (!last.includes(`${tag} OK`)) throw new Error(`${text}: ${last.slice(-200)}`);
    return octets;
  }
}

/** Runs `command` on every client in turn for about `seconds`; returns commands/s of wall and CPU time. */
function loop(clients: readonly HeadlessClient[], command: string, seconds: number) {
  let n = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (const c of clients) c.command(command);
    n += clients.length;
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: (n / wall) * 1000, perCpuSecond: (n / (cpu.user + cpu.system)) * 1e6 };
}

/** Fills a store, opens the sessions and measures both workloads. */
export function benchImapHeadless(options: { messages: number; sessions: number; seconds: number }) {
  const store = new MailStore(1_700_000_000);
  const inbox = store.createAccount(USER, 'pw').inbox;
  // The same messages as the bridge figure (bench/imap-bridge.ts).
  for (let i = 0; i < options.messages; i++) {
    const raw = `From: sender${i % 97}@example.com\r\nTo: ${USER}\r\nSubject: message ${i} about topic ${i % 50}\r\n\r\nBody of message ${i}.\r\n`;
    inbox.append(encoder.encode(raw), {
      internalDate: 1_700_000_000_000 + i * 1000,
      flags: i % 3 === 0 ? ['\\Seen'] : [],
    });
  }
  const clock = new Scheduler();
  const clients = Array.from({ length: options.sessions }, () => new HeadlessClient(store, clock));
  for (const c of clients) {
    c.command(`LOGIN ${USER} pw`);
    c.command('SELECT INBOX');
  }
  const fetch = loop(clients, 'UID FETCH 1:* (FLAGS)', options.seconds);
  const search = loop(clients, 'SEARCH SUBJECT "topic 7"', options.seconds);
  for (const c of clients) c.session.stop();
  return { fetch, search };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = benchImapHeadless({
    messages: Number(process.argv[2] ?? 10_000),
    sessions: Number(process.argv[3] ?? 10),
    seconds: Number(process.argv[4] ?? 3),
  });
  const show = (x: { perSecond: number; perCpuSecond: number }) =>
    `${x.perSecond.toFixed(1)}/s (${x.perCpuSecond.toFixed(1)} per CPU-second)`;
  console.log(`UID FETCH 1:* (FLAGS): ${show(r.fetch)}; SEARCH SUBJECT: ${show(r.search)}`);
}
