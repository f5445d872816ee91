import { describe, expect, it } from 'vitest';
import { mapInputOf as inputOf, TWO_SITES } from './fixtures.ts';
import { boxEdge, hostDescription, layoutMap, roleBadges } from './map-layout.ts';

const pick = (hosts: readonly { id: string; x: number; y: number }[]) =>
  Object.fromEntries(hosts.map((h) => [h.id, [h.x, h.y]]));

describe('layoutMap', () => {
  it('reads the default world left to right as MUA → MSA → MTA → MDA → MUA, the name server above', () => {
    const layout = layoutMap(inputOf(TWO_SITES));
    expect({ width: layout.width, height: layout.height }).toEqual({ width: 1100, height: 320 });
    expect(pick(layout.hosts)).toEqual({
      'alice-laptop': [119, 238],
      'smtp.example.com': [334.5, 238],
      'mx.example.net': [765.5, 238],
      'bob-laptop': [981, 238],
      ns: [550, 68],
    });
  });

  it('draws each link between host centres with its latency half-way', () => {
    const layout = layoutMap(inputOf(TWO_SITES));
    expect(layout.links.map((l) => [l.a, l.b, l.path, l.label, l.labelX, l.labelY])).toEqual([
      ['alice-laptop', 'smtp.example.com', 'M119,238L334.5,238', '5 ms', 226.8, 238],
      ['smtp.example.com', 'mx.example.net', 'M334.5,238L765.5,238', '40 ms', 550, 238],
      ['mx.example.net', 'bob-laptop', 'M765.5,238L981,238', '5 ms', 873.3, 238],
      ['smtp.example.com', 'ns', 'M334.5,238L550,68', '15 ms', 442.3, 153],
      ['mx.example.net', 'ns', 'M765.5,238L550,68', '15 ms', 657.8, 153],
    ]);
  });

  it('frames each organisation, its caption on the outer side', () => {
    const layout = layoutMap(inputOf(TWO_SITES));
    expect(layout.sites).toEqual([
      {
        name: 'example.com',
        x: 20,
        y: 156,
        width: 413.5,
        height: 144,
        side: 'left',
        captionX: 34,
        captionAnchor: 'start',
      },
      {
        name: 'example.net',
        x: 666.5,
        y: 156,
        width: 413.5,
        height: 144,
        side: 'right',
        captionX: 1066,
        captionAnchor: 'end',
      },
    ]);
  });

  it('is deterministic', () => {
    expect(layoutMap(inputOf(TWO_SITES))).toEqual(layoutMap(inputOf(TWO_SITES)));
  });

  it('shows a host that is down, and a link that is down', () => {
    const input = inputOf(TWO_SITES, ['mx.example.net']);
    const layout = layoutMap({
      ...input,
      links: input.links.map((l) => (l.b === 'ns' && l.a === 'mx.example.net' ? { ...l, up: false } : l)),
    });
    expect(layout.hosts.filter((h) => !h.up).map((h) => h.id)).toEqual(['mx.example.net']);
    expect(layout.links.filter((l) => !l.up).map((l) => [l.a, l.b, l.label])).toEqual([
      ['mx.example.net', 'ns', 'down'],
    ]);
  });

  it('stacks hosts of one rank in one site around the path, and puts other internet hosts below it', () => {
    const scenario = structuredClone(TWO_SITES) as { hosts: unknown[]; links: unknown[] };
    scenario.hosts.push(
      { id: 'mx2.example.net', addresses: ['198.51.100.26'], roles: ['mta'], site: 'example.net' },
      { id: 'spoofer', addresses: ['203.0.113.66'], roles: ['mua'] },
    );
    const layout = layoutMap(inputOf(scenario));
    const at = pick(layout.hosts);
    expect({
      mx: at['mx.example.net'],
      mx2: at['mx2.example.net'],
      spoofer: at['spoofer'],
      ns: at['ns'],
      height: layout.height,
    }).toEqual({
      mx: [765.5, 238],
      mx2: [765.5, 352],
      spoofer: [550, 522],
      ns: [550, 68],
      height: 590,
    });
  });

  it('puts a third organisation between the sender and the internet (a list on the way)', () => {
    const scenario = structuredClone(TWO_SITES) as { hosts: unknown[] };
    scenario.hosts.push({
      id: 'lists.example.org',
      addresses: ['192.0.2.80'],
      roles: ['list'],
      site: 'example.org',
    });
    const layout = layoutMap(inputOf(scenario));
    const order = [...layout.hosts].sort((a, b) => a.x - b.x).map((h) => h.id);
    expect(order).toEqual([
      'alice-laptop',
      'smtp.example.com',
      'lists.example.org',
      'ns',
      'mx.example.net',
      'bob-laptop',
    ]);
    expect(layout.sites.map((s) => [s.name, s.side])).toEqual([
      ['example.com', 'left'],
      ['example.net', 'right'],
      ['example.org', 'left'],
    ]);
    // Six columns do not fit 1100 units: the view box widens so the sites' frames do not overlap.
    expect(layout.width).toBeGreaterThan(1100);
    const frames = [...layout.sites].sort((a, b) => a.x - b.x);
    for (let i = 1; i < frames.length; i++)
      expect(frames[i]!.x).toBeGreaterThan(frames[i - 1]!.x + frames[i - 1]!.width);
  });
});

describe('roleBadges', () => {
  it('lays role badges out in a row, upper-cased', () => {
    expect(roleBadges(['mta', 'mda', 'imap', 'pop3'], 170)).toEqual([
      { role: 'mta', text: 'MTA', x: 10, y: 68, width: 29 },
      { role: 'mda', text: 'MDA', x: 43, y: 68, width: 29 },
      { role: 'imap', text: 'IMAP', x: 76, y: 68, width: 36 },
      { role: 'pop3', text: 'POP3', x: 116, y: 68, width: 36 },
    ]);
  });

  it('wraps badges that would cross the box onto a second row', () => {
    expect(roleBadges(['mta', 'msa', 'mda', 'imap', 'pop3'], 170).map((b) => [b.text, b.x, b.y])).toEqual([
      ['MTA', 10, 68],
      ['MSA', 43, 68],
      ['MDA', 76, 68],
      ['IMAP', 109, 68],
      ['POP3', 10, 90],
    ]);
  });
});

describe('layoutMap with many roles', () => {
  it('makes every box as tall as the one with the most rows of badges', () => {
    const scenario = structuredClone(TWO_SITES) as { hosts: { roles: string[] }[] };
    scenario.hosts[2]!.roles = ['mta', 'msa', 'mda', 'imap', 'pop3'];
    const layout = layoutMap(inputOf(scenario));
    expect([layout.hostHeight, layout.height]).toEqual([118, 342]);
  });
});

describe('hostDescription', () => {
  it('tells a screen reader the name, label, addresses, roles and state', () => {
    const layout = layoutMap(inputOf(TWO_SITES, ['bob-laptop']));
    expect(layout.hosts.map(hostDescription)).toEqual([
      "alice-laptop, Alice's laptop, 192.0.2.10, roles MUA",
      'smtp.example.com, Outgoing mail server, 192.0.2.25, roles MSA MTA MDA',
      'mx.example.net, Incoming mail server, 198.51.100.25, roles MTA MDA IMAP POP3',
      "bob-laptop, Bob's laptop, 198.51.100.10, roles MUA, down",
      'ns, Name server, 203.0.113.53, roles DNS',
    ]);
  });
});

describe('boxEdge', () => {
  it('finds where a line from the centre leaves the box', () => {
    const c = { x: 100, y: 100 };
    expect([
      boxEdge(c, { x: 300, y: 100 }, 50, 20),
      boxEdge(c, { x: 100, y: 0 }, 50, 20),
      boxEdge(c, { x: 200, y: 200 }, 50, 20),
      boxEdge(c, { x: 110, y: 105 }, 50, 20),
      boxEdge(c, c, 50, 20),
    ]).toEqual([
      { x: 150, y: 100 },
      { x: 100, y: 80 },
      { x: 120, y: 120 },
      { x: 110, y: 105 },
      { x: 100, y: 100 },
    ]);
  });
});
