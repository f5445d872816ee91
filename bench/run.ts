/**
 * `npm run bench`: prints figures, asserts nothing. Each figure names what it
 * measured and how, so it can be compared with the targets in the README.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { webCryptoDkim } from '../simulators/auth/dkim/crypto.ts';
import { Scheduler } from '../simulators/net/scheduler.ts';
import { World } from '../simulators/world/world.ts';
import { PRESETS } from '../simulators/world/presets/index.ts';

const only = new Set(process.argv.slice(2));
const want = (name: string) => only.size === 0 || only.has(name);

function line(label: string, value: string): void {
  console.log(`${label.padEnd(58)} ${value}`);
}

function benchScheduler(): void {
  const s = new Scheduler();
  const n = 1_000_000;
  let fired = 0;
  for (let i = 0; i < n; i++) s.schedule((i * 7919) % 10_000, () => fired++);
  const t0 = performance.now();
  s.runUntilIdle();
  const ms = performance.now() - t0;
  line(
    'kernel: scheduler events/s (1M random-time events)',
    `${Math.round((fired / ms) * 1000).toLocaleString('en')}`,
  );
}

/** Sends `messages` messages from Alice to Bob, all at once (each MUA submission is its own connection). */
function sendAll(world: World, messages: number): void {
  for (let i = 0; i < messages; i++)
    world.send('alice@example.com', {
      to: ['bob@example.net'],
      subject: `Message ${i}`,
      body: `Hello Bob, number ${i}.\n`,
    });
}

/**
 * An untimed run first, so the figures are the engine's steady throughput
 * rather than the JavaScript engine compiling it (the first few hundred
 * messages run markedly slower).
 */
function warmUp(): void {
  const world = new World(PRESETS.default);
  sendAll(world, 300);
  world.runUntilIdle();
}

function benchPipeline(messages: number): void {
  const world = new World(PRESETS.default);
  const t0 = performance.now();
  let delivered = 0;
  const bob = world.account('bob@example.net')!;
  sendAll(world, messages);
  world.runUntilIdle();
  delivered = bob.inbox.messages.length;
  const ms = performance.now() - t0;
  line(
    `pipeline: MUA→MSA→MTA→MX→MDA, no DKIM (${messages} msgs)`,
    `${Math.round((delivered / ms) * 1000).toLocaleString('en')} msg/s (${delivered} delivered, ${world.trace.length.toLocaleString('en')} trace events)`,
  );
}

/**
 * The same journey with the MSA signing (RSA-2048 only) and the MX verifying,
 * through WebCrypto effects. Each effect holds its place in the virtual order
 * of events without stopping the events before it, so the burst of
 * submissions is signed in parallel; `settle` awaits effects only when the
 * clock has to wait for one.
 */
async function benchPipelineDkim(messages: number): Promise<void> {
  const preset = PRESETS.default!;
  const scenario = { ...preset, dkim: (preset.dkim ?? []).filter((k) => k.algorithm === 'rsa-sha256') };
  const world = new World(scenario, { crypto: webCryptoDkim(globalThis.crypto.subtle) });
  const t0 = performance.now();
  const bob = world.account('bob@example.net')!;
  sendAll(world, messages);
  await world.settle();
  const delivered = bob.inbox.messages.length;
  const ms = performance.now() - t0;
  line(
    `pipeline: MUA→MSA→MTA→MX→MDA, DKIM rsa-2048 (${messages} msgs)`,
    `${Math.round((delivered / ms) * 1000).toLocaleString('en')} msg/s (${delivered} delivered, ${world.trace.length.toLocaleString('en')} trace events)`,
  );
}

async function benchBridge(): Promise<void> {
  try {
    const { benchSmtpBridge } = (await import('./smtp-bridge.ts')) as {
      benchSmtpBridge: (o: {
        messages: number;
        connections: number;
      }) => Promise<{ messagesPerSecond: number }>;
    };
    const r = await benchSmtpBridge({ messages: 3000, connections: 10 });
    line(
      'bridge: SMTP over loopback, 10 connections, 3000 msgs',
      `${Math.round(r.messagesPerSecond).toLocaleString('en')} msg/s (target ≥ 600)`,
    );
  } catch (e) {
    line('bridge: SMTP over loopback', `not measured (${(e as Error).message})`);
  }
}

async function benchPop3(): Promise<void> {
  const { benchPop3Bridge } = await import('./pop3-bridge.ts');
  const r = await benchPop3Bridge({ retrievals: 20_000, connections: 4 });
  line(
    'bridge: POP3 RETR of 2 KB messages, 4 sessions',
    `${Math.round(r.retrPerSecond).toLocaleString('en')} RETR/s (target ≥ 3,900)`,
  );
}

async function benchImap(): Promise<void> {
  const { benchImapBridge } = await import('./imap-bridge.ts');
  const r = await benchImapBridge({ messages: 10_000, seconds: 3 });
  line(
    'bridge: IMAP UID FETCH 1:* (FLAGS), 10,000 messages',
    `${r.fetchPerSecond.toFixed(1)}/s (target ≥ 75)`,
  );
  line('bridge: IMAP SEARCH SUBJECT, 10,000 messages', `${r.searchPerSecond.toFixed(1)}/s (target ≥ 35)`);
}

function benchBundle(): void {
  try {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { stdio: 'ignore' });
  } catch {
    line('app: first-load JavaScript', 'not measured (vite build failed)');
    return;
  }
  const html = readFileSync('dist/index.html', 'utf8');
  const entry = [
    ...html.matchAll(/<script[^>]+src="\/([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+\.js)"/g),
  ].map((m) => m[1]!);
  let gz = 0;
  for (const file of entry) gz += gzipSync(readFileSync(join('dist', file))).length;
  let total = 0;
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.js')) total += gzipSync(readFileSync(p)).length;
    }
  };
  walk('dist');
  line(
    'app: first-load JavaScript (gzip)',
    `${(gz / 1024).toFixed(1)} KB (target ≤ 300 KB); all JS ${(total / 1024).toFixed(1)} KB`,
  );
}

if (want('kernel')) benchScheduler();
if (want('pipeline')) warmUp();
if (want('pipeline')) benchPipeline(2000);
if (want('pipeline')) await benchPipelineDkim(2000);
if (want('bridge')) await benchBridge();
if (want('pop3')) await benchPop3();
if (want('imap')) await benchImap();
if (want('bundle')) benchBundle();
