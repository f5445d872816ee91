import { describe, expect, it } from 'vitest';
import { PRESETS } from './presets/index.ts';
import { parseScenario, ScenarioError } from './scenario.ts';

function problems(data: unknown): readonly { path: string; message: string }[] {
  try {
    parseScenario(data);
    return [];
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems;
    throw e;
  }
}

describe('parseScenario', () => {
  it('accepts the default preset and fills in defaults', () => {
    const s = parseScenario(PRESETS.default);
    expect(s.hosts.map((h) => h.id)).toEqual([
      'alice-laptop',
      'smtp.example.com',
      'mx.example.net',
      'bob-laptop',
      'ns',
    ]);
    expect(s.startTime).toBe('2026-11-29T09:00:00Z');
    expect(s.network).toEqual({ defaultLatencyMs: 20, defaultJitterMs: 0 });
  });

  it('names the field of every problem', () => {
    const bad = {
      name: 'broken',
      hosts: [
        { id: 'a', addresses: ['192.0.2.300'] },
        { id: 'a', addresses: ['192.0.2.1'], roles: ['mta', 'coffee'] },
      ],
      links: [{ between: ['a', 'zz'], latencyMs: -1 }],
      dns: { server: 'ns', zones: [] },
      users: [{ address: 'not-an-address', password: 'x', host: 'a' }],
      extra: true,
    };
    expect(problems(bad).map((p) => p.path)).toEqual([
      'hosts[0].addresses[0]',
      'hosts[1].roles[1]',
      'links[0].latencyMs',
      'users[0].address',
      '',
    ]);
  });

  it('checks references between fields: unknown hosts, duplicates', () => {
    const dup = {
      name: 'refs',
      hosts: [
        { id: 'a', addresses: ['192.0.2.1'] },
        { id: 'a', addresses: ['192.0.2.1'] },
      ],
      links: [{ between: ['a', 'b'], latencyMs: 5 }],
      dns: { server: 'ns' },
      users: [{ address: 'x@example.com', password: 'p', host: 'mx' }],
    };
    expect(problems(dup)).toEqual([
      { path: 'hosts[1].id', message: "duplicate host 'a'" },
      { path: 'hosts[1].addresses[0]', message: 'address 192.0.2.1 is used twice' },
      { path: 'links[0].between[1]', message: "no host 'b' in hosts" },
      { path: 'dns.server', message: "no host 'ns' in hosts" },
      { path: 'users[0].host', message: "no host 'mx' in hosts" },
    ]);
  });

  it('checks DKIM keys: a known signer, and a key that fits the algorithm (RFC 6376, RFC 8463)', () => {
    const base = PRESETS.default!;
    const [rsa, ed] = base.dkim!;
    expect(
      problems({
        ...base,
        dkim: [
          { ...rsa!, signer: 'nowhere.example' },
          { ...rsa!, algorithm: 'ed25519-sha256' },
          { ...ed!, privateKey: 'not a key' },
        ],
      }),
    ).toEqual([
      { path: 'dkim[0].signer', message: "no host 'nowhere.example' in hosts" },
      { path: 'dkim[1].privateKey', message: 'ed25519-sha256 needs an ed25519 key, but this key is rsa' },
      {
        path: 'dkim[2].privateKey',
        message: 'must be a PEM private key (PKCS#8 or PKCS#1) or a base64 Ed25519 seed',
      },
    ]);
  });

  it('takes a user’s quota (RFC 9208) and the IMAP quota administrators, checking both', () => {
    const base = PRESETS.default!;
    const users = base.users!.map((u, i) =>
      i === 0 ? { ...u, quota: { storageKiB: 512, messages: 10 } } : u,
    );
    const hosts = base.hosts.map((h) =>
      h.id === 'mx.example.net' ? { ...h, imap: { quotaAdmins: ['postmaster@example.net'] } } : h,
    );
    const s = parseScenario({ ...base, users, hosts });
    expect(s.users[0]!.quota).toEqual({ storageKiB: 512, messages: 10 });
    expect(s.hosts.find((h) => h.id === 'mx.example.net')!.imap).toEqual({
      quotaAdmins: ['postmaster@example.net'],
    });
    const badUsers = base.users!.map((u, i) => (i === 0 ? { ...u, quota: { storageKiB: -1, files: 3 } } : u));
    const badHosts = base.hosts.map((h) =>
      h.id === 'mx.example.net' ? { ...h, imap: { quotaAdmins: ['root'] } } : h,
    );
    expect(problems({ ...base, users: badUsers, hosts: badHosts }).map((p) => p.path)).toEqual([
      'hosts[2].imap.quotaAdmins[0]',
      'users[0].quota.storageKiB',
      'users[0].quota',
    ]);
  });

  it('checks the aliases and lists of forwarder and list hosts', () => {
    const host = {
      id: 'relay.example.org',
      addresses: ['203.0.113.30'],
      roles: ['mta', 'forwarder', 'list'],
      aliases: [{ address: 'bob@example.org', to: [] }],
      lists: [{ address: 'club', members: ['bob@example.net'], rewriteFrom: 'yes' }],
    };
    expect(problems({ ...PRESETS.default, hosts: [...PRESETS.default!.hosts, host] })).toEqual([
      { path: 'hosts[5].aliases[0].to', message: 'Too small: expected array to have >=1 items' },
      { path: 'hosts[5].lists[0].address', message: 'must be an address like bob@example.net' },
      { path: 'hosts[5].lists[0].rewriteFrom', message: 'Invalid input: expected boolean, received string' },
    ]);
  });

  it('explains the problems in its message', () => {
    expect(() => parseScenario({ name: 'x' })).toThrow(/hosts: /);
  });
});
