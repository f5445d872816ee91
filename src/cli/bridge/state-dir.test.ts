/**
 * `mailroom serve --state DIR` against real clients and a real SIGKILL: the
 * server runs as a child process, Python's smtplib sends, imaplib sets flags
 * and expunges, the process is killed without warning right after a 250,
 * and a second process on the same directory must serve every message with
 * its UID, UIDVALIDITY and flags, over IMAP and POP3.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../../simulators/world/presets/index.ts';
import { World } from '../../../simulators/world/world.ts';
import { startBridge } from './bridge.ts';
import { SmtpLineClient } from './smtp-line-client.ts';
import { StateDir } from './state-dir.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'mailroom-state-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Ports {
  smtp: number;
  pop3: number;
  imap: number;
}

/** Starts `mailroom serve --state dir` on free ports; resolves once it is ready. */
function serve(): Promise<{ child: ChildProcess; ports: Ports; banner: string }> {
  const child = spawn(
    process.execPath,
    [
      'bin/mailroom.js',
      'serve',
      ...['--state', dir, '--smtp', '0', '--submission', '0', '--pop3', '0', '--imap', '0'],
      ...['--user', 'test@example.org:pw'],
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`not ready: ${out}`)), 30_000);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (t: string) => {
      out += t;
      if (!out.includes('Ready.')) return;
      clearTimeout(timer);
      const port = (label: RegExp) => Number(new RegExp(`${label.source}.*:(\\d+)\\n`, 'm').exec(out)![1]);
      resolve({
        child,
        banner: out,
        ports: { smtp: port(/^SMTP/m), pop3: port(/^POP3/m), imap: port(/^IMAP/m) },
      });
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

/** Runs a Python snippet with the ports as variables; returns what it prints, parsed as JSON. */
async function python(ports: Ports, code: string): Promise<unknown> {
  const prelude = `import json, smtplib, imaplib, poplib, time\nSMTP, POP3, IMAP = ${ports.smtp}, ${ports.pop3}, ${ports.imap}\n`;
  const { stdout } = await run('python3', ['-c', prelude + code], { timeout: 30_000 });
  return JSON.parse(stdout) as unknown;
}

const SEND = `
def send(subject):
    s = smtplib.SMTP('127.0.0.1', SMTP, timeout=10)
    s.ehlo('client.example')
    code = s.sendmail('sender@client.example', ['test@example.org'], f'Subject: {subject}\\r\\nFrom: sender@client.example\\r\\n\\r\\n{subject} body\\r\\n')
    s.quit()
`;

const IMAP_STATE = `
m = imaplib.IMAP4('127.0.0.1', IMAP)
m.login('test@example.org', 'pw')
typ, data = m.select('INBOX')
validity = m.response('UIDVALIDITY')[1][0].decode()
typ, data = m.uid('FETCH', '1:*', '(UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
items = []
for part in data:
    if isinstance(part, tuple):
        items.append([part[0].decode(), part[1].decode().strip()])
m.logout()
`;

describe('StateDir', () => {
  it('has the message on disk when the 250 is written', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'mailroom-wal-'));
    const bridge = await startBridge({
      ports: { smtp: 0 },
      users: [{ address: 'test@example.org', password: 'pw' }],
      stateDir,
    });
    const onDisk: string[] = [];
    // The bytes event is appended just before the socket write: what is on disk then was there before the reply.
    const unsubscribe = bridge.world.trace.subscribe((e) => {
      if (e.type !== 'bytes' || e.direction !== 's2c') return;
      const id = /250 2\.0\.0 Ok: queued as (\w+)/.exec(new TextDecoder().decode(e.bytes))?.[1];
      if (!id) return;
      const state = readFileSync(join(stateDir, 'state.json'), 'utf8');
      onDisk.push(state.includes(`"id":"${id}"`) ? id : `missing ${id}`);
    });
    try {
      const c = await SmtpLineClient.connect(bridge.ports.smtp!);
      await c.reply();
      await c.command('EHLO client.example');
      await c.command('MAIL FROM:<a@client.example>');
      await c.command('RCPT TO:<test@example.org>');
      await c.command('DATA');
      expect((await c.command('Subject: wal test\r\n\r\nx\r\n.')).code).toBe(250);
      c.destroy();
      expect(onDisk).toHaveLength(1);
      expect(onDisk[0]).not.toMatch(/missing/);
    } finally {
      unsubscribe();
      await bridge.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('puts pending queue entries back in the queue of a new world', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'mailroom-queue-'));
    try {
      const world = new World(PRESETS.default);
      const saver = new StateDir(stateDir, () => {});
      const stop = saver.watch(world);
      const mx = world.mailServers.get('mx.example.net')!;
      mx.queue.enqueue({
        id: 'ABCDEF0123',
        mailFrom: 'a@client.example',
        rcptTo: ['someone@far.example'],
        data: new TextEncoder().encode('Subject: queued\r\n\r\nx\r\n'),
      });
      stop();
      // A new world, its clock not run: the entry is back before any attempt.
      const again = new World(PRESETS.default);
      new StateDir(stateDir, () => {}).restore(again);
      const entry = again.mailServers.get('mx.example.net')!.queue.entries.find((e) => e.id === 'ABCDEF0123');
      expect(entry?.recipients.map((r) => r.address)).toEqual(['someone@far.example']);
      expect(new TextDecoder().decode(entry!.data)).toBe('Subject: queued\r\n\r\nx\r\n');
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describe('serve --state', () => {
  it('keeps accepted mail, flags, UIDs and UIDVALIDITY through a SIGKILL', async () => {
    const first = await serve();
    expect(first.banner).toMatch(/State: .*\(0 messages loaded\)/);
    const before = (await python(
      first.ports,
      `${SEND}
for s in ['one', 'two', 'three']: send(s)
m = imaplib.IMAP4('127.0.0.1', IMAP)
m.login('test@example.org', 'pw')
for i in range(200):
    m.select('INBOX')
    if int(m.response('EXISTS')[1][-1]) >= 3: break
    time.sleep(0.05)
m.uid('STORE', '1', '+FLAGS', '(\\\\Flagged \\\\Seen)')
m.uid('STORE', '2', '+FLAGS', '(\\\\Deleted)')
m.expunge()
m.logout()
${IMAP_STATE}
send('four')
print(json.dumps({'validity': validity, 'items': items}))`,
    )) as { validity: string; items: [string, string][] };
    // 'four' got its 250 just now: kill before anything else can happen.
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(before.items).toHaveLength(2);

    const second = await serve();
    expect(second.banner).toMatch(/State: .*\(\d+ messages loaded\)/);
    const after = (await python(
      second.ports,
      `
m = imaplib.IMAP4('127.0.0.1', IMAP)
m.login('test@example.org', 'pw')
for i in range(200):
    m.select('INBOX')
    if int(m.response('EXISTS')[1][-1]) >= 3: break
    time.sleep(0.05)
m.logout()
${IMAP_STATE}
p = poplib.POP3('127.0.0.1', POP3, timeout=10)
p.user('test@example.org')
p.pass_('pw')
count = p.stat()[0]
subjects = [next(l.decode() for l in p.top(i + 1, 0)[1] if l.startswith(b'Subject:')) for i in range(count)]
p.quit()
print(json.dumps({'validity': validity, 'items': items, 'pop3': subjects}))`,
    )) as { validity: string; items: [string, string][]; pop3: string[] };

    expect(after.validity).toBe(before.validity);
    // The messages of before, with the same UIDs and flags, then 'four' with the next UID.
    expect(after.items.slice(0, 2)).toEqual(before.items);
    expect(before.items[0]![0]).toMatch(/UID 1 FLAGS \(.*\\Flagged.*\)/);
    expect(before.items[1]![0]).toMatch(/UID 3 /);
    expect(after.items[2]![0]).toMatch(/UID 4 /);
    expect(after.items[2]![1]).toBe('Subject: four');
    expect(after.pop3).toEqual(['Subject: one', 'Subject: three', 'Subject: four']);
  }, 120_000);
});
