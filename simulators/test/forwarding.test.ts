/**
 * A user's `forwardTo`: the MTA hands their mail on instead of storing it,
 * keeping the envelope sender (a `.forward` without SRS) and adding
 * `Delivered-To:`, by which it also refuses a forwarding loop, as Postfix's
 * local delivery does.
 */
import { describe, expect, it } from 'vitest';
import { utf8Text } from '../core/bytes.ts';
import { defaultScenario } from '../world/presets/default.ts';
import type { ScenarioInput } from '../world/scenario.ts';
import { World } from '../world/world.ts';

const scenario: ScenarioInput = {
  ...defaultScenario,
  users: [
    ...(defaultScenario.users ?? []),
    { address: 'old-bob@example.net', password: 'x', host: 'mx.example.net', forwardTo: ['bob@example.net'] },
    {
      address: 'loop-a@example.net',
      password: 'x',
      host: 'mx.example.net',
      forwardTo: ['loop-b@example.net'],
    },
    {
      address: 'loop-b@example.net',
      password: 'x',
      host: 'mx.example.net',
      forwardTo: ['loop-a@example.net'],
    },
  ],
};

describe('forwarding users', () => {
  it('hands the message on with the envelope sender kept and Delivered-To added', () => {
    const world = new World(scenario);
    world.send('alice@example.com', { to: ['old-bob@example.net'], subject: 'new address', body: 'hi' });
    world.runUntilIdle();
    const [message, ...rest] = world.account('bob@example.net')?.inbox.messages ?? [];
    expect(rest).toEqual([]);
    const text = utf8Text(message!.raw);
    expect(text.split('\r\n').slice(0, 3)).toEqual([
      'Return-Path: <alice@example.com>',
      'Delivered-To: bob@example.net',
      'Delivered-To: old-bob@example.net',
    ]);
    expect(world.account('old-bob@example.net')?.inbox.messages).toEqual([]);
  });

  it('bounces a forwarding loop instead of mailing itself forever', () => {
    const world = new World(scenario);
    world.send('alice@example.com', { to: ['loop-a@example.net'], subject: 'round and round', body: 'hi' });
    expect(world.runUntilIdle({ maxEvents: 100_000 })).toBeLessThan(100_000);
    const bounces = (world.account('alice@example.com')?.inbox.messages ?? []).map((m) => utf8Text(m.raw));
    expect(bounces).toHaveLength(1);
    expect(bounces[0]).toContain('mail forwarding loop for loop-a@example.net');
  });
});
