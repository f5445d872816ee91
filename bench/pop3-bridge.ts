/**
 * POP3 RETR throughput of the TCP bridge: `connections` clients (one user
 * each, since a maildrop is locked to one session, RFC 1939 §8) log in and
 * RETR 2 KB messages in a loop, one command at a time as real clients do;
 * the figure is RETR responses read per second of wall time. Client and
 * bridge share one Node process. Run alone with
 * `npx tsx bench/pop3-bridge.ts [retrievals] [connections]`.
 */
import { connect, type Socket } from 'node:net';
import { startBridge } from '../src/cli/bridge/bridge.ts';

/** A minimal line-oriented POP3 client for measuring; no error recovery. */
class Pop3Probe {
  #buffer = '';
  #waiting: (() => void) | undefined;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      this.#waiting?.();
    });
  }

  static open(port: number): Promise<Pop3Probe> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new Pop3Probe(socket)));
      socket.once('error', reject);
    });
  }

  /** Waits for a single-line response, or a multi-line one ending in `.`. */
  async response(multiline: boolean): Promise<string> {
    const end = multiline ? '\r\n.\r\n' : '\r\n';
    for (;;) {
      const at = this.#buffer.indexOf(end);
      if (at >= 0 && (!multiline || this.#buffer.startsWith('+OK'))) {
        const out = this.#buffer.slice(0, at + end.length);
        this.#buffer = this.#buffer.slice(at + end.length);
        return out;
      }
      if (multiline && this.#buffer.startsWith('-ERR') && this.#buffer.includes('\r\n'))
        throw new Error(this.#buffer);
      await new Promise<void>((r) => (this.#waiting = r));
    }
  }

  async command(line: string, multiline = false): Promise<string> {
    this.socket.write(`${line}\r\n`);
    const reply = await this.response(multiline);
    if (!reply.startsWith('+OK')) throw new Error(`${line}: ${reply}`);
    return reply;
  }
}

/** Retrieves `retrievals` messages in all over `connections` sessions. */
export async function benchPop3Bridge(options: {
  retrievals: number;
  connections: number;
}): Promise<{ retrPerSecond: number; elapsedMs: number }> {
  const { retrievals, connections } = options;
  const users = Array.from({ length: connections }, (_, i) => ({
    address: `u${i}@example.org`,
    password: 'pw',
  }));
  const bridge = await startBridge({ ports: { pop3: 0 }, users, log: () => {} });
  try {
    const body = 'x'.repeat(76) + '\r\n';
    for (const u of users) {
      const inbox = bridge.world.account(u.address)!.inbox;
      for (let i = 0; i < 20; i++)
        inbox.append(new Uint8Array(Buffer.from(`Subject: ${i}\r\n\r\n${body.repeat(26)}`, 'latin1')), {
          internalDate: 0,
        });
    }
    const probes = await Promise.all(
      users.map(async (u) => {
        const p = await Pop3Probe.open(bridge.ports.pop3!);
        await p.response(false);
        await p.command(`USER ${u.address}`);
        await p.command(`PASS ${u.password}`);
        return p;
      }),
    );
    let done = 0;
    const t0 = performance.now();
    await Promise.all(
      probes.map(async (p) => {
        for (let i = 0; done < retrievals; i = (i + 1) % 20) {
          done++;
          await p.command(`RETR ${i + 1}`, true);
        }
        await p.command('QUIT');
        p.socket.end();
      }),
    );
    const elapsedMs = performance.now() - t0;
    return { retrPerSecond: (done / elapsedMs) * 1000, elapsedMs };
  } finally {
    await bridge.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchPop3Bridge({
    retrievals: Number(process.argv[2] ?? 20000),
    connections: Number(process.argv[3] ?? 4),
  });
  console.log(`${r.retrPerSecond.toFixed(0)} RETR/s (${r.elapsedMs.toFixed(0)} ms)`);
}
