import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import { spfCommand } from './spf.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailroom-spf-'));
  // Named for its origin: no $ORIGIN line.
  await writeFile(
    join(dir, 'example.com.zone'),
    [
      '$TTL 300',
      '@ SOA ns hostmaster 1 2h 1h 1w 5m',
      '@ TXT "v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all"',
      'broken TXT "v=spf1 ip4:192.0.2.0/24 bogus:x -all"',
      'slow TXT "v=spf1 include:_spf.slow.example.net -all"',
      'helo TXT "v=spf1 a -all"',
      'helo A 198.51.100.7',
      'alias CNAME _spf.example.net.',
      'viaalias TXT "v=spf1 include:alias.example.com -all"',
      'softly TXT "v=spf1 ~all"',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'net.txt'),
    [
      '$ORIGIN example.net.',
      '$TTL 300',
      '_spf TXT "v=spf1 ip4:203.0.113.0/24 -all"',
      '_spf.slow TXT "v=spf1 +all"',
      ';@timeout _spf.slow.example.net. TXT',
    ].join('\n'),
  );
  await writeFile(join(dir, 'servfail.txt'), '$ORIGIN example.org.\n;@servfail _spf.example.net. TXT\n');
  await mkdir(join(dir, 'folder'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await spfCommand.run(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: dir,
  });
  return { code, stdout, stderr };
}

const BOTH = ['--zone', 'example.com.zone', '--zone', 'net.txt'];

async function json(...args: string[]): Promise<Record<string, unknown>> {
  const result = await run(...BOTH, '--json', ...args);
  expect(result.code).toBe(0);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('spf', () => {
  it('passes, prints the evaluation as a tree indented by depth, and a result line', async () => {
    const result = await run(
      ...BOTH,
      '--ip',
      '203.0.113.5',
      '--mail-from',
      'alice@example.com',
      '--helo',
      'mx.example.com',
    );
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'check_host(example.com)',
        '  TXT example.com? "v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all"  [SPF record]',
        '  record: v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all',
        '  term 1: ip4:192.0.2.0/24',
        '    no match: 203.0.113.5 is outside ip4:192.0.2.0/24',
        '  term 2: include:_spf.example.net',
        '    check_host(_spf.example.net) via include',
        '      TXT _spf.example.net? "v=spf1 ip4:203.0.113.0/24 -all"  [SPF record (include)]',
        '      record: v=spf1 ip4:203.0.113.0/24 -all',
        '      term 1: ip4:203.0.113.0/24',
        '        match: 203.0.113.5 is inside ip4:203.0.113.0/24',
        "      => pass: 'ip4:203.0.113.0/24' matched: 203.0.113.5 is inside ip4:203.0.113.0/24; its qualifier '+' gives pass (RFC 7208 §4.6.2)",
        '    match: _spf.example.net gave pass, so include matches (RFC 7208 §5.2)',
        "  => pass: 'include:_spf.example.net' matched: _spf.example.net gave pass, so include matches (RFC 7208 §5.2); its qualifier '+' gives pass (RFC 7208 §4.6.2)",
        "SPF result: pass (1 DNS lookup) — 'include:_spf.example.net' matched: _spf.example.net gave pass, so include matches (RFC 7208 §5.2); its qualifier '+' gives pass (RFC 7208 §4.6.2)",
        '',
      ].join('\n'),
    });
  });

  it('prints exactly { result, explanation, lookups, steps } with --json', async () => {
    const out = await json('--ip', '198.51.100.1', '--mail-from', 'alice@example.com', '--helo', 'h.example');
    expect(Object.keys(out)).toEqual(['result', 'explanation', 'lookups', 'steps']);
    expect(out).toMatchObject({
      result: 'fail',
      explanation: 'example.com does not designate 198.51.100.1 as a permitted sender',
      lookups: 1,
    });
    const steps = out.steps as { kind: string; depth: number }[];
    expect(steps[0]).toEqual({ kind: 'check', depth: 0, domain: 'example.com', via: 'initial' });
    expect(steps.at(-1)).toMatchObject({ kind: 'result', depth: 0, result: 'fail' });
    expect(Math.max(...steps.map((s) => s.depth))).toBe(1);
  });

  it('gives explanation null for results other than fail', async () => {
    const out = await json('--ip', '192.0.2.9', '--mail-from', 'a@softly.example.com', '--helo', 'h.example');
    expect(out).toMatchObject({ result: 'softfail', explanation: null, lookups: 0 });
  });

  it('reports permerror for a record with a syntax error, and exits 0', async () => {
    const out = await json('--ip', '192.0.2.9', '--mail-from', 'a@broken.example.com', '--helo', 'h.example');
    expect(out.result).toBe('permerror');
    expect(out.steps).toContainEqual(expect.objectContaining({ kind: 'syntax-error', position: 24 }));
    const text = await run(
      ...BOTH,
      '--ip',
      '192.0.2.9',
      '--mail-from',
      'a@broken.example.com',
      '--helo',
      'h.example',
    );
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('\n  syntax error: ');
    expect(text.stdout).toContain('    v=spf1 ip4:192.0.2.0/24 bogus:x -all\n' + `    ${' '.repeat(24)}^\n`);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toMatch(/^SPF result: permerror \(0 DNS lookups\) — /);
  });

  it('turns a ;@timeout pragma into temperror, and labels the failing term as an error', async () => {
    const out = await json('--ip', '192.0.2.9', '--mail-from', 'a@slow.example.com', '--helo', 'h.example');
    expect(out).toMatchObject({ result: 'temperror', explanation: null, lookups: 1 });
    expect(out.steps).toContainEqual(
      expect.objectContaining({
        kind: 'query',
        name: '_spf.slow.example.net',
        type: 'TXT',
        rcode: 'TIMEOUT',
      }),
    );
    const text = await run(...BOTH, '--ip', '192.0.2.9', '--mail-from', 'a@slow.example.com', '--helo', 'h');
    expect(text.stdout).toContain('      TXT _spf.slow.example.net? TIMEOUT  [SPF record (include)]\n');
    expect(text.stdout).toContain('\n    error: include:_spf.slow.example.net: ');
  });

  it('applies a ;@servfail pragma from another file, also through a CNAME chase', async () => {
    const args = [...BOTH, '--zone', 'servfail.txt', '--json', '--ip', '203.0.113.5', '--helo', 'h'];
    const direct = await run(...args, '--mail-from', 'alice@example.com');
    expect(JSON.parse(direct.stdout)).toMatchObject({ result: 'temperror' });
    const chased = await run(...args, '--mail-from', 'alice@viaalias.example.com');
    const out = JSON.parse(chased.stdout) as { result: string; steps: unknown[] };
    expect(out.result).toBe('temperror');
    expect(out.steps).toContainEqual(
      expect.objectContaining({ kind: 'query', name: 'alias.example.com', rcode: 'SERVFAIL' }),
    );
  });

  it('checks postmaster@ the HELO name for --mail-from "" (RFC 7208 §2.4)', async () => {
    const pass = await json('--ip', '198.51.100.7', '--mail-from', '', '--helo', 'helo.example.com');
    expect(pass.result).toBe('pass');
    expect((pass.steps as unknown[])[0]).toEqual({
      kind: 'check',
      depth: 0,
      domain: 'helo.example.com',
      via: 'initial',
    });
    const fail = await json('--ip', '198.51.100.8', '--mail-from=', '--helo', 'helo.example.com');
    expect(fail).toMatchObject({
      result: 'fail',
      explanation: 'helo.example.com does not designate 198.51.100.8 as a permitted sender',
    });
    const text = await run(...BOTH, '--ip', '198.51.100.7', '--mail-from', '', '--helo', 'helo.example.com');
    expect(text.stdout.split('\n')[0]).toBe(
      'null reverse-path: checking postmaster@helo.example.com (RFC 7208 §2.4)',
    );
  });

  it('reports zone errors on stderr and evaluates with the records that parsed', async () => {
    await writeFile(join(dir, 'bad.zone.txt'), '$ORIGIN example.edu.\n@ TXT "v=spf1 -all"\nx A 1.2.3\n');
    const result = await run(
      '--zone',
      'bad.zone.txt',
      '--ip',
      '192.0.2.1',
      '--mail-from',
      'a@example.edu',
      '--helo',
      'h',
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^bad\.zone\.txt:3:5: error: .* \[bad-address\]\n$/);
    expect(result.stdout).toContain('SPF result: fail');
  });

  it.each([
    [[], 'spf: missing --zone FILE'],
    [['--zone', 'z', '--mail-from', 'a@b.c', '--helo', 'h'], 'spf: missing --ip IP'],
    [['--zone', 'z', '--ip', '192.0.2.1', '--helo', 'h'], 'spf: missing --mail-from ADDRESS'],
    [['--zone', 'z', '--ip', '192.0.2.1', '--mail-from', 'a@b.c'], 'spf: missing --helo NAME'],
    [
      ['--zone', 'z', '--ip', '192.0.2', '--mail-from', 'a@b.c', '--helo', 'h'],
      "spf: --ip '192.0.2' is not an IPv4",
    ],
    [
      ['--zone', 'z', '--ip', '::1', '--mail-from', 'a', '--helo', 'h', '--now', 'soon'],
      "spf: --now 'soon' is not",
    ],
    [
      ['--zone', 'z', '--ip', '::1', '--mail-from', 'a', '--helo', 'h', '--origin', 'a..b'],
      "--origin 'a..b'",
    ],
    [['--zone', 'z', '--bogus'], "spf: Unknown option '--bogus'"],
    [['--zone', 'z', 'extra'], 'spf: Unexpected argument'],
  ])('exits 2 on usage errors and says what is wrong: %j', async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toContain(message);
    expect(result.stderr).toContain('Usage: mailroom spf');
  });

  it.each([
    ['missing.zone', 'spf: cannot read missing.zone: no such file\n'],
    ['folder', 'spf: cannot read folder: it is a directory\n'],
  ])('exits 1 when a zone file cannot be read: %s', async (file, message) => {
    const result = await run(
      ...BOTH,
      '--zone',
      file,
      '--ip',
      '192.0.2.1',
      '--mail-from',
      'a@b.example',
      '--helo',
      'h',
    );
    expect(result).toEqual({ code: 1, stdout: '', stderr: message });
  });

  it('is listed by mailroom --help and prints its usage for spf --help', async () => {
    let stdout = '';
    const io = { stdout: (t: string) => (stdout += t), stderr: () => {}, cwd: dir };
    expect(await main(['--help'], io)).toBe(0);
    expect(stdout).toMatch(/\n {2}spf {10}evaluate SPF/);
    expect(stdout).toMatch(/\n {2}dkim {9}sign a message/);
    stdout = '';
    expect(await main(['spf', '--help'], io)).toBe(0);
    expect(stdout).toBe(spfCommand.usage);
  });
});

describe('the mailroom binary', () => {
  const bin = fileURLToPath(new URL('../../../bin/mailroom.js', import.meta.url));

  it('prints the spf usage for `mailroom spf --help` and exits 0', async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve, reject) => {
      const child = execFile(process.execPath, [bin, 'spf', '--help'], { timeout: 30_000 }, (error, out) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: child.exitCode ?? -1, stdout: out });
      });
    });
    expect(code).toBe(0);
    expect(stdout).toBe(spfCommand.usage);
  }, 40_000);
});
