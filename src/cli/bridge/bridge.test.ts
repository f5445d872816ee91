import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultScenario } from '../../../simulators/world/presets/default.ts';
import { isLoopback, startBridge, type Bridge } from './bridge.ts';
import { SmtpLineClient } from './smtp-line-client.ts';

/** Waits for the server to close a connection (bounded). */
async function closedBy(client: SmtpLineClient, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!client.closed) {
    if (Date.now() > deadline) throw new Error('the connection stayed open');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['localhost', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['192.168.1.10', false],
    ['::', false],
  ])('%s → %s', (address, expected) => expect(isLoopback(address)).toBe(expected));
});

describe('a bridge with a short idle timeout and two connections at most', () => {
  let bridge: Bridge;
  beforeAll(async () => {
    bridge = await startBridge({
      scenario: {
        ...defaultScenario,
        hosts: defaultScenario.hosts.map((h) =>
          h.id === 'mx.example.net' ? { ...h, smtp: { idleTimeoutMs: 300 } } : h,
        ),
      },
      ports: { smtp: 0 },
      maxConnections: 2,
    });
  });
  afterAll(async () => {
    await bridge?.stop();
  });

  it('says 421 and closes when the client stays silent (the session timer, on wall time)', async () => {
    const client = await SmtpLineClient.connect(bridge.ports.smtp!);
    expect((await client.reply()).code).toBe(220);
    const timeout = await client.reply();
    expect(timeout.code).toBe(421);
    expect(timeout.lines[0]).toMatch(/4\.4\.2/);
    await closedBy(client);
    const events = bridge.world.trace.events;
    expect(events.some((e) => e.type === 'conn.closed' && e.by === 'server')).toBe(true);
  });

  it('answers 421 4.7.0 beyond the connection limit, and serves again once one closes', async () => {
    const a = await SmtpLineClient.connect(bridge.ports.smtp!);
    const b = await SmtpLineClient.connect(bridge.ports.smtp!);
    try {
      expect((await a.reply()).code).toBe(220);
      expect((await b.reply()).code).toBe(220);
      const c = await SmtpLineClient.connect(bridge.ports.smtp!);
      const refused = await c.reply();
      expect(refused.code).toBe(421);
      expect(refused.lines[0]).toMatch(/^4\.7\.0 Too many connections/);
      await closedBy(c);
    } finally {
      a.destroy();
      b.destroy();
    }
    const deadline = Date.now() + 10_000;
    while (bridge.connectionCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const d = await SmtpLineClient.connect(bridge.ports.smtp!);
    expect((await d.reply()).code).toBe(220);
    d.destroy();
  });
});

describe('stop', () => {
  it('closes open connections and the ports', async () => {
    const bridge = await startBridge({ ports: { smtp: 0 } });
    const port = bridge.ports.smtp!;
    const client = await SmtpLineClient.connect(port);
    expect((await client.reply()).code).toBe(220);
    await bridge.stop();
    await closedBy(client);
    expect(bridge.world.trace.events.some((e) => e.type === 'session.end' && e.session === 'bs1')).toBe(true);
    await expect(SmtpLineClient.connect(port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
