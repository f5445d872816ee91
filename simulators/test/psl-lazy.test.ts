/**
 * RFC 7489 mode needs the Public Suffix List, which is loaded only when
 * first needed (to keep it out of the web app's first page load). The
 * receiving MTA loads it as an effect that holds the virtual clock, so a
 * world that starts without it gives the same verdicts at the same times.
 */
import { describe, expect, it } from 'vitest';
import { publicSuffixListLoaded } from '../auth/dmarc/org-domain.ts';
import { PRESETS } from '../world/presets/index.ts';
import { World } from '../world/world.ts';

describe('the Public Suffix List, loaded on first need', () => {
  it('is loaded by the MX under RFC 7489 while the clock waits, and DMARC is evaluated with it', async () => {
    const scenario = structuredClone(PRESETS.default) as typeof PRESETS.default & {
      hosts: { id: string; smtp?: object }[];
    };
    scenario.hosts.find((h) => h.id === 'mx.example.net')!.smtp = { dmarcMode: 'rfc7489' };
    const world = new World(scenario);
    expect(publicSuffixListLoaded()).toBe(false);
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'PSL', body: 'Hi\n' });
    await world.settle();
    expect(publicSuffixListLoaded()).toBe(true);
    const auth = world.trace.events.find((e) => e.type === 'agent' && e.action === 'auth');
    expect(auth?.type === 'agent' && auth.detail).toMatchObject({ dmarc: 'pass', fromDomain: 'example.com' });
    const delivered = world.trace.events.filter((e) => e.type === 'agent' && e.action === 'delivered');
    expect(delivered.length).toBeGreaterThan(0);
  });
});
