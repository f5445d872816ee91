import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../../../simulators/world/presets/default.ts';
import { parseScenario } from '../../../simulators/world/scenario.ts';
import { World } from '../../../simulators/world/world.ts';
import { prepareScenario } from './bridge.ts';
import { addUsers, BridgeSetupError, chooseBridgedHost, parseUserArg } from './scenario-setup.ts';

const base = parseScenario(defaultScenario);

describe('parseUserArg', () => {
  it.each([
    ['test@example.org:pw', { address: 'test@example.org', password: 'pw' }],
    ['a@b.c:pass:with:colons', { address: 'a@b.c', password: 'pass:with:colons' }],
  ])('%s', (arg, expected) => expect(parseUserArg(arg)).toEqual(expected));

  it.each([
    ['test@example.org', /ADDRESS:PASSWORD/],
    ['test:pw', /not an address/],
    ['test@example.org:', /password is empty/],
  ])('refuses %s', (arg, message) => expect(parseUserArg(arg)).toMatch(message));
});

describe('chooseBridgedHost', () => {
  it('prefers mx.example.net', () => expect(chooseBridgedHost(base)).toBe('mx.example.net'));

  it('falls back to the first host with the mta role', () => {
    const other = parseScenario({
      ...defaultScenario,
      hosts: defaultScenario.hosts.filter((h) => h.id !== 'mx.example.net'),
      links: [],
      users: [],
    });
    expect(chooseBridgedHost(other)).toBe('smtp.example.com');
  });

  it('takes --host, and names the mail servers when it is unknown', () => {
    expect(chooseBridgedHost(base, 'smtp.example.com')).toBe('smtp.example.com');
    expect(() => chooseBridgedHost(base, 'nope.example')).toThrow(
      /no such host .*mail servers: smtp.example.com, mx.example.net/,
    );
    expect(() => chooseBridgedHost(base, 'ns')).toThrow(BridgeSetupError);
  });
});

describe('addUsers', () => {
  it('adds the user on the bridged host, which makes its domain local there', () => {
    const scenario = addUsers(base, 'mx.example.net', [{ address: 'test@example.org', password: 'pw' }]);
    expect(scenario.users.at(-1)).toEqual({
      address: 'test@example.org',
      password: 'pw',
      host: 'mx.example.net',
      submission: 'mx.example.net',
    });
    expect(base.users).toHaveLength(2); // the input is not changed
    const world = new World(scenario);
    const mx = world.mailServers.get('mx.example.net')!;
    expect(mx.localDomains.has('example.org')).toBe(true);
    expect(mx.store.account('test@example.org')?.password).toBe('pw');
  });

  it('only changes the password of a user the scenario has', () => {
    const scenario = addUsers(base, 'mx.example.net', [{ address: 'Alice@example.com', password: 'new' }]);
    expect(scenario.users).toHaveLength(2);
    expect(scenario.users[0]).toMatchObject({
      host: 'smtp.example.com',
      password: 'new',
      mua: 'alice-laptop',
    });
  });
});

describe('prepareScenario', () => {
  it('starts the world at the real time unless the scenario says when', () => {
    const now = Date.UTC(2030, 0, 2, 3, 4, 5, 678);
    expect(prepareScenario(defaultScenario, { now }).scenario.startTime).toBe('2030-01-02T03:04:05Z');
    const fixed = { ...defaultScenario, startTime: '2026-11-29T09:00:00Z' };
    expect(prepareScenario(fixed, { now }).scenario.startTime).toBe('2026-11-29T09:00:00Z');
    expect(prepareScenario(defaultScenario, { now, realStartTime: false }).scenario.startTime).toBe(
      '2026-11-29T09:00:00Z',
    );
  });
});
