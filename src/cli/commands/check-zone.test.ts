import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkZoneCommand, originFromFileName } from './check-zone.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailroom-check-zone-'));
  await writeFile(
    join(dir, 'good.zone.txt'),
    [
      '$ORIGIN example.com.',
      '$TTL 1h',
      '@ SOA ns hostmaster 1 2h 1h 1w 5m',
      '  NS ns',
      'ns A 192.0.2.53',
      '@ TXT "v=spf1 " "-all"',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'bad.txt'),
    [
      '$ORIGIN example.com.',
      '$TTL 1h',
      '@ SOA ns hostmaster 1 2h 1h 1w 5m',
      'www A 192.0.2.300',
      'ok A 192.0.2.1',
    ].join('\n'),
  );
  await writeFile(join(dir, 'example.org.zone'), '$TTL 60\n@ SOA ns hostmaster 1 2 3 4 5\nwww A 192.0.2.1\n');
  await writeFile(join(dir, 'relative.txt'), '$TTL 60\nwww A 192.0.2.1\n');
  await mkdir(join(dir, 'folder'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await checkZoneCommand.run(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: dir,
  });
  return { code, stdout, stderr };
}

describe('check-zone', () => {
  it('prints the records of a good zone with absolute names and exits 0', async () => {
    expect(await run('good.zone.txt')).toEqual({
      code: 0,
      stdout: [
        'example.com. 3600 IN SOA ns.example.com. hostmaster.example.com. 1 7200 3600 604800 300',
        'example.com. 3600 IN NS ns.example.com.',
        'ns.example.com. 3600 IN A 192.0.2.53',
        'example.com. 3600 IN TXT "v=spf1 " "-all"',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('reports errors as FILE:LINE:COL and exits 1', async () => {
    const result = await run('bad.txt');
    expect(result).toEqual({
      code: 1,
      stdout: [
        'example.com. 3600 IN SOA ns.example.com. hostmaster.example.com. 1 7200 3600 604800 300',
        'ok.example.com. 3600 IN A 192.0.2.1',
        '',
      ].join('\n'),
      stderr:
        "bad.txt:4:7: error: '192.0.2.300' is not an IPv4 address: four numbers 0–255 separated by dots (RFC 1035 §3.4.1) [bad-address]\n",
    });
  });

  it('prints { origin, records, diagnostics } with --json', async () => {
    const result = await run('bad.txt', '--json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      origin: 'example.com',
      records: [
        {
          name: 'example.com',
          ttl: 3600,
          class: 'IN',
          type: 'SOA',
          mname: 'ns.example.com',
          rname: 'hostmaster.example.com',
          serial: 1,
          refresh: 7200,
          retry: 3600,
          expire: 604800,
          minimum: 300,
        },
        { name: 'ok.example.com', ttl: 3600, class: 'IN', type: 'A', address: '192.0.2.1' },
      ],
      diagnostics: [
        {
          severity: 'error',
          line: 4,
          column: 7,
          endColumn: 18,
          code: 'bad-address',
          message:
            "'192.0.2.300' is not an IPv4 address: four numbers 0–255 separated by dots (RFC 1035 §3.4.1)",
        },
      ],
    });
  });

  it('takes the origin from a file named example.org.zone', async () => {
    expect(await run(join(dir, 'example.org.zone'))).toEqual({
      code: 0,
      stdout: [
        'example.org. 60 IN SOA ns.example.org. hostmaster.example.org. 1 2 3 4 5',
        'www.example.org. 60 IN A 192.0.2.1',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('asks for --origin when relative names have no origin, and uses it when given', async () => {
    const without = await run('relative.txt');
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('relative.txt:2:1: error: ');
    expect(without.stderr).toContain('(or pass --origin NAME) [no-origin]');
    const withOrigin = await run('relative.txt', '--origin', 'example.net');
    expect(withOrigin.code).toBe(0);
    expect(withOrigin.stdout).toBe('www.example.net. 60 IN A 192.0.2.1\n');
  });

  it('lists the ;@timeout / ;@servfail pragmas after the records, and as faults with --json', async () => {
    await writeFile(
      join(dir, 'faults.txt'),
      '$ORIGIN example.com.\n@ 60 SOA ns h 1 2 3 4 5\n;@timeout _spf.Example.NET txt a\n;@servfail www\n;@timout x.\n',
    );
    expect(await run('faults.txt')).toEqual({
      code: 0,
      stdout: [
        'example.com. 60 IN SOA ns.example.com. h.example.com. 1 2 3 4 5',
        ';@timeout _spf.example.net. TXT A',
        ';@servfail www.',
        '',
      ].join('\n'),
      stderr:
        "faults.txt:5:1: warning: ';@timout' is not a pragma Mailroom knows (;@timeout or ;@servfail), so this line is only a comment [unknown-pragma]\n",
    });
    const json = JSON.parse((await run('faults.txt', '--json')).stdout) as Record<string, unknown>;
    expect(json.faults).toEqual([
      { kind: 'timeout', name: '_spf.example.net', types: ['TXT', 'A'], line: 3 },
      { kind: 'servfail', name: 'www', line: 4 },
    ]);
  });

  it('prints the SPF, DMARC and DKIM record checks with the zone diagnostics, in file order', async () => {
    await writeFile(
      join(dir, 'mail.zone.txt'),
      [
        '$ORIGIN example.com.',
        '$TTL 1h',
        '@ SOA ns hostmaster 1 2h 1h 1w 5m',
        '@ TXT "v=spf1 include:_spf.example.com ptr +all"',
        '_spf TXT "v=spf1 a:gone.example.com -all"',
        '_dmarc TXT "v=DMARC1; rua=mailto:agg@reports.example.net"',
        's1._domainkey TXT "v=DKIM1; k=rsa; p=AAAA"',
        'www A 192.0.2.300',
      ].join('\n'),
    );
    const result = await run('mail.zone.txt');
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').map((l) => l.replace(/: (error|warning): .*\[/, ': $1 ['))).toEqual([
      'mail.zone.txt:4:15: warning [spf-void-lookup]',
      'mail.zone.txt:4:40: warning [spf-ptr]',
      'mail.zone.txt:4:44: error [spf-pass-all]',
      'mail.zone.txt:5:18: warning [spf-void-lookup]',
      'mail.zone.txt:6:13: error [dmarc-no-policy]',
      'mail.zone.txt:6:27: warning [dmarc-report-unverified]',
      'mail.zone.txt:7:38: error [dkim-key-invalid]',
      'mail.zone.txt:8:7: error [bad-address]',
      '',
    ]);
    expect(result.stderr).toContain(
      "mail.zone.txt:4:44: error: '+all' gives pass to every host on the internet: anyone can send mail as example.com",
    );
    const json = JSON.parse((await run('mail.zone.txt', '--json')).stdout) as {
      diagnostics: { code: string; fixes?: unknown }[];
    };
    expect(json.diagnostics.find((d) => d.code === 'spf-pass-all')?.fixes).toEqual([
      {
        title: 'Replace with ~all (softfail)',
        edits: [{ line: 4, column: 44, endLine: 4, endColumn: 48, text: '~all' }],
      },
      {
        title: 'Replace with -all (fail)',
        edits: [{ line: 4, column: 44, endLine: 4, endColumn: 48, text: '-all' }],
      },
    ]);
  });

  it.each([
    [[], 'check-zone: no zone file given'],
    [['a', 'b'], 'check-zone: give one zone file'],
    [['--bogus', 'good.zone.txt'], "check-zone: Unknown option '--bogus'"],
    [['good.zone.txt', '--origin', 'a..b'], "check-zone: --origin 'a..b' is not a domain name"],
    [['missing.zone'], 'check-zone: cannot read missing.zone: no such file'],
    [['folder'], 'check-zone: cannot read folder: it is a directory'],
  ])('exits 2 on usage errors and unreadable files: %j', async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toContain(message);
  });

  it.each([
    ['example.com.zone', 'example.com'],
    ['/etc/bind/db.Example.NET', 'example.net'],
    ['zones/example.com', undefined],
    ['db.', undefined],
    ['my zone.zone', undefined],
  ])('derives the origin of %s as %s', (file, origin) => {
    expect(originFromFileName(file)).toBe(origin);
  });
});
