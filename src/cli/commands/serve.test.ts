import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../command.ts';
import { main } from '../main.ts';
import { SmtpLineClient } from '../bridge/smtp-line-client.ts';
import { describeAgentEvent, listenerLine, parseServeArgs, runServe } from './serve.ts';
import type { HostId, VirtualMs } from '../../../simulators/core/ids.ts';

function collect(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: process.cwd() };
}

describe('parseServeArgs', () => {
  it('has the documented defaults', () => {
    expect(parseServeArgs([])).toEqual({
      listen: '127.0.0.1',
      allowRemote: false,
      ports: { smtp: 2525, submission: 2587, pop3: 2110, imap: 2143 },
      users: [],
      maxConnections: 100,
      limits: {},
      traceWindow: 10_000,
      requireTlsForAuth: false,
      quiet: false,
    });
  });

  it('reads every flag', () => {
    expect(
      parseServeArgs([
        ...['--listen', '::1', '--smtp', '25025', '--submission', '0', '--smtps', '2465'],
        ...['--host', 'smtp.example.com', '--user', 'a@b.c:x:y', '--user', 'd@e.f:z'],
        ...['--scenario', 's.json', '--seed', '42', '--trace', 't.jsonl', '--maildir', 'md'],
        ...['--tls-self-signed', '--max-connections', '5', '--quiet', '--pop3', '2111', '--pop3s', '2995'],
        ...['--imap', '2144', '--imaps', '2994', '--max-per-address', '3', '--max-line', '4096'],
        ...['--line-timeout', '30', '--commands-per-second', '50', '--max-message', '2048'],
        ...[
          '--max-literal',
          '8192',
          '--idle-timeout',
          '60',
          '--trace-window',
          '500',
          '--require-tls-for-auth',
        ],
      ]),
    ).toEqual({
      listen: '::1',
      allowRemote: false,
      ports: { smtp: 25025, submission: 0, smtps: 2465, pop3: 2111, pop3s: 2995, imap: 2144, imaps: 2994 },
      host: 'smtp.example.com',
      users: [
        { address: 'a@b.c', password: 'x:y' },
        { address: 'd@e.f', password: 'z' },
      ],
      scenarioFile: 's.json',
      seed: 42,
      traceFile: 't.jsonl',
      maildir: 'md',
      tls: { kind: 'self-signed' },
      maxConnections: 5,
      limits: {
        maxConnectionsPerAddress: 3,
        maxLineLength: 4096,
        lineTimeoutMs: 30_000,
        commandsPerSecond: 50,
        maxMessageSize: 2048,
        maxLiteralSize: 8192,
        idleTimeoutMs: 60_000,
      },
      traceWindow: 500,
      requireTlsForAuth: true,
      quiet: true,
    });
    expect(parseServeArgs(['--seed', 'lesson-3'])).toMatchObject({ seed: 'lesson-3' });
    expect(parseServeArgs(['--tls-cert', 'c.pem', '--tls-key', 'k.pem'])).toMatchObject({
      tls: { kind: 'files', cert: 'c.pem', key: 'k.pem' },
    });
  });

  it.each([
    [['--listen', '0.0.0.0'], /refusing to listen on 0\.0\.0\.0.*--allow-remote/s],
    [['--smtp', '70000'], /--smtp '70000'/],
    [['--submission', 'abc'], /--submission 'abc'/],
    [['--user', 'nobody'], /ADDRESS:PASSWORD/],
    [['--smtps', '2465'], /--smtps needs TLS/],
    [['--tls-cert', 'c.pem'], /both --tls-cert/],
    [['--tls-cert', 'c', '--tls-key', 'k', '--tls-self-signed'], /not both/],
    [['--max-connections', '0'], /--max-connections/],
    [['--max-per-address', '0'], /--max-per-address '0'/],
    [['--max-line', '12'], /--max-line '12': give a whole number from 1024/],
    [['--idle-timeout', '1.5'], /--idle-timeout/],
    [['--trace-window', 'x'], /--trace-window/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j', (args, message) => {
    expect(parseServeArgs(args)).toMatch(message);
  });

  it('allows any address with --allow-remote', () => {
    expect(parseServeArgs(['--listen', '0.0.0.0', '--allow-remote'])).toMatchObject({ listen: '0.0.0.0' });
  });
});

describe('output helpers', () => {
  it('lines up the listeners', () => {
    expect(listenerLine('SMTP (MX, as mx.example.net:25)', '127.0.0.1', 2525)).toBe(
      'SMTP (MX, as mx.example.net:25)    127.0.0.1:2525',
    );
    expect(listenerLine('Submission (MSA, AUTH required)', '::1', 2587)).toBe(
      'Submission (MSA, AUTH required)    [::1]:2587',
    );
  });

  it('describes queue events', () => {
    const base = {
      seq: 1,
      at: 0 as VirtualMs,
      type: 'agent',
      host: 'mx.example.net' as HostId,
      agent: 'mta',
    } as const;
    expect(
      describeAgentEvent({
        ...base,
        action: 'delivered',
        detail: { id: 'ABC', to: 'bob@example.net', how: 'local mailbox INBOX' },
      }),
    ).toBe('mx.example.net: ABC delivered to bob@example.net (local mailbox INBOX)');
    expect(describeAgentEvent({ ...base, action: 'queued', detail: {} })).toBeUndefined();
  });
});

describe('runServe', () => {
  it('prints the listeners, serves until told to stop, and exits 0', async () => {
    const io = collect();
    let greeting = '';
    const code = await runServe(
      ['--smtp', '0', '--submission', '0', '--user', 'test@example.org:pw', '--quiet'],
      io,
      async (bridge) => {
        const client = await SmtpLineClient.connect(bridge.ports.submission!);
        greeting = (await client.reply()).lines.join(' ');
        client.destroy();
        return 'SIGTERM';
      },
    );
    expect(code).toBe(0);
    const out = io.out.join('');
    expect(out).toMatch(/^SMTP \(MX, as mx\.example\.net:25\) +127\.0\.0\.1:\d+\n/);
    expect(out).toMatch(/\nSubmission \(MSA, AUTH required\) +127\.0\.0\.1:\d+\n/);
    expect(out).toMatch(/Ready\. Press Ctrl\+C to stop\.\n$/);
    expect(greeting).toBe('mx.example.net ESMTP Mailroom');
  });

  it('says at start why passwords wait for TLS', async () => {
    const io = collect();
    const code = await runServe(
      ['--smtp', '0', '--submission', '0', '--pop3', '0', '--imap', '0', '--require-tls-for-auth'],
      io,
      async () => 'SIGTERM',
    );
    expect(code).toBe(0);
    expect(io.err.join('')).toMatch(/passwords are refused before TLS/);
    expect(io.out.join('')).toMatch(/plain-text passwords refused/);
  });

  it('reports scenario errors with their field paths (exit 2)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailroom-serve-'));
    try {
      const file = join(dir, 'bad.json');
      await writeFile(
        file,
        JSON.stringify({
          name: 'bad',
          hosts: [{ id: 'x', addresses: ['999.1.1.1'] }],
          dns: { server: 'nope' },
        }),
      );
      const io = collect();
      expect(await runServe(['--scenario', file, '--smtp', '0', '--submission', '0'], io)).toBe(2);
      const err = io.err.join('');
      expect(err).toContain('hosts[0].addresses[0]: must be an IPv4 or IPv6 address');
      expect(err).toContain("dns.server: no host 'nope' in hosts");

      await writeFile(file, '{ not json');
      const io2 = collect();
      expect(await runServe(['--scenario', file], io2)).toBe(2);
      expect(io2.err.join('')).toMatch(/not valid JSON/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says which port is in use (exit 1)', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const io = collect();
      expect(await runServe(['--smtp', '0', '--submission', String(port)], io)).toBe(1);
      expect(io.err.join('')).toMatch(
        new RegExp(`127\\.0\\.0\\.1:${port} \\(submission\\).*already in use.*--submission PORT`),
      );
    } finally {
      blocker.close();
    }
  });

  it('is registered as `mailroom serve`', async () => {
    const io = collect();
    expect(await main(['serve', '--help'], io)).toBe(0);
    expect(io.out.join('')).toMatch(/^Usage: mailroom serve/);
  });
});
