import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatDiagnostic,
  loadZoneResolver,
  zoneErrorLines,
  ZoneFileError,
  zoneResolver,
  type ZoneResolver,
} from './zone-resolver.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailroom-zone-resolver-'));
  await writeFile(join(dir, 'db.example.org'), 'www A 192.0.2.80\n;@timeout slow.example.org. A\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rcode = (z: ZoneResolver, name: string, type: 'A' | 'TXT' | 'MX' = 'A'): string =>
  z.resolver.resolve({ name, type }).rcode;

describe('zone resolver', () => {
  it('takes each file origin from $ORIGIN, else the file name, else the SOA owner', () => {
    const z = zoneResolver([
      { file: 'anything.txt', text: '$ORIGIN example.com.\nwww A 192.0.2.1\n' },
      { file: 'zones/example.net.zone', text: 'www A 192.0.2.2\n' },
      { file: 'plain', text: 'example.edu. 60 SOA ns.example.edu. h.example.edu. 1 2 3 4 5\n' },
    ]);
    expect(z.files.map((f) => f.origin)).toEqual(['example.com', 'example.net', 'example.edu']);
    expect(z.resolver.resolve({ name: 'www.example.net', type: 'A' }).answers).toMatchObject([
      { address: '192.0.2.2' },
    ]);
    expect(rcode(z, 'www.example.com')).toBe('NOERROR');
  });

  it('uses the origin option for files without $ORIGIN, whatever their name', () => {
    const z = zoneResolver([{ file: 'example.net.zone', text: 'www A 192.0.2.2\n' }], {
      origin: 'example.info',
    });
    expect(z.files[0]!.origin).toBe('example.info');
    expect(rcode(z, 'www.example.info')).toBe('NOERROR');
    expect(rcode(z, 'www.example.net')).toBe('NXDOMAIN');
  });

  it('merges files with the same origin instead of letting the last replace the first', () => {
    const z = zoneResolver([
      { file: 'a', text: '$ORIGIN example.com.\nwww A 192.0.2.1\n' },
      { file: 'b', text: '$ORIGIN example.com.\nmail A 192.0.2.2\n' },
    ]);
    expect([rcode(z, 'www.example.com'), rcode(z, 'mail.example.com')]).toEqual(['NOERROR', 'NOERROR']);
  });

  it('applies the pragmas of every file, for their types, and through CNAME chases', () => {
    const z = zoneResolver([
      {
        file: 'example.com.zone',
        text: '@ TXT "v=spf1 -all"\n@ MX 10 mx\nalias CNAME example.com.\n;@servfail example.com. TXT\n',
      },
      { file: 'faults.txt', text: ';@timeout mx.example.com.\n' },
    ]);
    expect(z.files.map((f) => f.faults)).toEqual([
      [{ kind: 'servfail', name: 'example.com', types: ['TXT'], line: 4 }],
      [{ kind: 'timeout', name: 'mx.example.com', line: 1 }],
    ]);
    expect(rcode(z, 'example.com', 'TXT')).toBe('SERVFAIL');
    expect(rcode(z, 'example.com', 'MX')).toBe('NOERROR');
    expect(rcode(z, 'alias.example.com', 'TXT')).toBe('SERVFAIL');
    expect(rcode(z, 'alias.example.com', 'MX')).toBe('NOERROR');
    expect(rcode(z, 'mx.example.com', 'A')).toBe('TIMEOUT');
  });

  it('lists the errors of each file (not the warnings) as FILE:LINE:COL', () => {
    const z = zoneResolver([
      { file: 'x.zone', text: '$ORIGIN example.com.\nwww A 1.2.3\n;@bogus\n;@timeout @\n' },
    ]);
    expect(zoneErrorLines(z)).toEqual([
      "x.zone:2:7: error: '1.2.3' is not an IPv4 address: four numbers 0–255 separated by dots (RFC 1035 §3.4.1) [bad-address]",
      "x.zone:4:11: error: a pragma's name is absolute: '@' and $ORIGIN do not apply, write the full name [pragma-bad-name]",
    ]);
    const warning = z.files[0]!.diagnostics.find((d) => d.code === 'unknown-pragma')!;
    expect(formatDiagnostic('x.zone', warning)).toMatch(/^x\.zone:3:1: warning: ';@bogus' is not a pragma/);
  });

  it('reads files relative to a directory, and names the file it cannot read', async () => {
    const z = await loadZoneResolver(['db.example.org'], dir);
    expect([rcode(z, 'www.example.org'), rcode(z, 'slow.example.org')]).toEqual(['NOERROR', 'TIMEOUT']);
    const error = await loadZoneResolver(['db.example.org', 'missing.zone'], dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZoneFileError);
    expect(error).toMatchObject({ file: 'missing.zone', message: 'cannot read missing.zone: no such file' });
  });
});
