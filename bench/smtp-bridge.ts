/**
 * Throughput of the TCP bridge: `connections` parallel SMTP clients on
 * loopback send `messages` small messages in all to bob@example.net through
 * the bridged MX port (PIPELINING: MAIL, RCPT and DATA in one write, then the
 * body), and the figure is messages accepted and delivered per second of wall
 * time. Client and bridge share one Node process, so the figure is a lower
 * bound. Run alone with `npx tsx bench/smtp-bridge.ts [messages] [connections]`.
 */
import { startBridge } from '../src/cli/bridge/bridge.ts';
import { SmtpLineClient } from '../src/cli/bridge/smtp-line-client.ts';

/** What one run measured. */
export interface SmtpBridgeBenchResult {
  readonly messagesPerSecond: number;
  readonly messages: number;
  readonly delivered: number;
  readonly elapsedMs: number;
}

/** Sends `messages` messages over `connections` connections through a fresh in-process bridge. */
export async function benchSmtpBridge(options: {
  messages: number;
  connections: number;
}): Promise<SmtpBridgeBenchResult> {
  const { messages, connections } = options;
  const bridge = await startBridge({ ports: { smtp: 0 }, log: () => {} });
  try {
    const port = bridge.ports.smtp!;
    const inbox = bridge.world.account('bob@example.net')!.inbox;
    const before = inbox.messages.length;
    const clients = await Promise.all(
      Array.from({ length: connections }, async () => {
        const c = await SmtpLineClient.connect(port, '127.0.0.1', 30_000);
        await c.reply();
        await c.command('EHLO bench.example.org');
        return c;
      }),
    );
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (c) => {
        for (let i = next++; i < messages; i = next++) {
          c.send('MAIL FROM:<bench@example.org>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n');
          const [mail, rcpt, data] = await c.replies(3);
          if (mail!.code !== 250 || rcpt!.code !== 250 || data!.code !== 354)
            throw new Error(`refused: ${mail!.code} ${rcpt!.code} ${data!.code}`);
          c.send(
            `From: <bench@example.org>\r\nTo: <bob@example.net>\r\nSubject: bench ${i}\r\n` +
              `Message-ID: <bench.${i}@example.org>\r\n\r\nMessage number ${i}.\r\n.\r\n`,
          );
          const done = await c.reply();
          if (done.code !== 250)
            throw new Error(`message ${i} refused: ${done.code} ${done.lines.join(' ')}`);
        }
        await c.command('QUIT');
        c.end();
      }),
    );
    const elapsedMs = performance.now() - t0;
    const delivered = inbox.messages.length - before;
    return { messagesPerSecond: (delivered / elapsedMs) * 1000, messages, delivered, elapsedMs };
  } finally {
    await bridge.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const messages = Number(process.argv[2] ?? 1000);
  const connections = Number(process.argv[3] ?? 10);
  const r = await benchSmtpBridge({ messages, connections });
  console.log(
    `${r.delivered}/${r.messages} messages over ${connections} connections in ${r.elapsedMs.toFixed(0)} ms: ` +
      `${r.messagesPerSecond.toFixed(0)} msg/s`,
  );
}
