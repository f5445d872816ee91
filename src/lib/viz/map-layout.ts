/**
 * Where the network map draws each host and link. Hosts are grouped by their
 * site (organisation) and read left to right as the journey of a message:
 * the sender's site on the left with its laptops at the outer edge and its
 * servers inward, the internet (the name server) in the middle, the
 * recipient's site on the right, mirrored — MUA → MSA → MTA → MDA → MUA.
 *
 * Pure and deterministic: the same world gives the same picture. d3-scale
 * computes the coordinates; the component only draws them (STYLE.md §S6).
 */
import { scalePoint } from 'd3';

/** A host as the network reports it. */
export interface MapHostInput {
  readonly id: string;
  readonly addresses: readonly string[];
  readonly isUp: boolean;
}

/** A link as the network reports it. */
export interface MapLinkInput {
  readonly a: string;
  readonly b: string;
  readonly latencyMs: number;
  readonly up: boolean;
}

/** What the scenario says about a host. */
export interface MapHostInfo {
  readonly id: string;
  readonly label?: string | undefined;
  readonly roles: readonly string[];
  readonly site?: string | undefined;
}

/** Everything the layout needs. */
export interface MapInput {
  readonly hosts: readonly MapHostInput[];
  readonly links: readonly MapLinkInput[];
  readonly info: readonly MapHostInfo[];
}

/** A host placed on the map; `x`, `y` is the centre of its box. */
export interface PlacedHost {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly label: string;
  readonly roles: readonly string[];
  readonly addresses: readonly string[];
  readonly site: string;
  readonly up: boolean;
  /** Role badges, positioned inside the box (they wrap onto more rows when there are many). */
  readonly badges: readonly Badge[];
}

/** A link placed on the map, with an SVG path and its latency label (centre and pill width). */
export interface PlacedLink {
  readonly a: string;
  readonly b: string;
  readonly path: string;
  readonly latencyMs: number;
  readonly up: boolean;
  readonly label: string;
  readonly labelX: number;
  readonly labelY: number;
  readonly labelWidth: number;
}

/** A site's background region, and its caption on the outer side (away from the links that enter it). */
export interface PlacedSite {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly side: 'left' | 'right';
  readonly captionX: number;
  readonly captionAnchor: 'start' | 'end';
}

/** The whole map, in the coordinates of its SVG view box. */
export interface MapLayout {
  readonly width: number;
  readonly height: number;
  readonly hostWidth: number;
  readonly hostHeight: number;
  readonly hosts: readonly PlacedHost[];
  readonly links: readonly PlacedLink[];
  readonly sites: readonly PlacedSite[];
}

/** The site of hosts that belong to no organisation (name servers, relays, spoofers). */
export const INTERNET = 'internet';

/**
 * Width of the view box (the height follows from the hosts), size of a host's
 * box with one row of badges, outer margin.
 */
export const MAP_SIZE = { width: 1100, hostWidth: 170, hostHeight: 96, margin: 20 } as const;

type Row = 'top' | 'main' | 'bottom';
/** Vertical distance between the centres of the name-server row and the mail-path row. */
const ROW_GAP = 170;

/**
 * How far along the journey a role sits: a client at the outer edge, then
 * submission, relay, delivery and access inward. A host takes its earliest role.
 */
const ROLE_RANK: Readonly<Record<string, number>> = {
  mua: 0,
  msa: 1,
  mta: 2,
  list: 2,
  forwarder: 2,
  mda: 3,
  imap: 3,
  pop3: 3,
  dns: 4,
};

function rank(roles: readonly string[]): number {
  return roles.reduce((best, r) => Math.min(best, ROLE_RANK[r] ?? 4), roles.length > 0 ? 4 : 0);
}

/** The least distance between column centres: two boxes, their sites' padding, and a gap. */
const minColumnStep = (size: typeof MAP_SIZE): number => size.hostWidth + 2 * SITE_PAD.x + 8;

/** Gap between hosts stacked in one column. */
const STACK_GAP = 18;
/** Padding of a site's region around its hosts. */
const SITE_PAD = { x: 14, top: 34, bottom: 14 };

/** Lays out the map. */
export function layoutMap(input: MapInput, size: typeof MAP_SIZE = MAP_SIZE): MapLayout {
  const infoById = new Map(input.info.map((h) => [h.id, h]));
  const hosts = input.hosts.map((h, order) => {
    const info = infoById.get(h.id);
    const roles = info?.roles ?? [];
    return {
      ...h,
      order,
      label: info?.label ?? h.id,
      roles,
      site: info?.site ?? INTERNET,
      rank: rank(roles),
    };
  });
  type Host = (typeof hosts)[number];

  // Sites in the order their first host appears: the first (the sender's) at
  // the left edge, the second (the recipient's) at the right edge, any others
  // (a mailing list, a forwarder) alternately inward, between them on the path.
  const orgSites = [...new Set(hosts.map((h) => h.site))].filter((s) => s !== INTERNET);
  const leftSites = orgSites.filter((_, i) => i % 2 === 0);
  const rightSites = orgSites.filter((_, i) => i % 2 === 1).reverse();

  // Columns: one per (site, rank); left sites outer→inner, right sites inner→outer.
  const columnKey = (site: string, r: number) => `${site}#${r}`;
  const ranksOf = (site: string) => [...new Set(hosts.filter((h) => h.site === site).map((h) => h.rank))];
  const columns: string[] = [];
  for (const site of leftSites)
    for (const r of ranksOf(site).sort((x, y) => x - y)) columns.push(columnKey(site, r));
  columns.push(INTERNET);
  for (const site of rightSites)
    for (const r of ranksOf(site).sort((x, y) => y - x)) columns.push(columnKey(site, r));

  // Every box gets the height of the one with the most rows of badges, so the rows stay aligned.
  const badgesOf = new Map(hosts.map((h) => [h.id, roleBadges(h.roles, size.hostWidth)]));
  const badgeRows = Math.max(1, ...[...badgesOf.values()].map((b) => badgeRowCount(b)));
  const hostHeight = size.hostHeight + (badgeRows - 1) * BADGE_ROW;
  const half = { w: size.hostWidth / 2, h: hostHeight / 2 };
  // A third or fourth site (a list, a forwarder) needs more columns than the
  // width holds: the view box widens (and the drawing scales down) rather
  // than let neighbouring sites overlap.
  const edge = size.margin + SITE_PAD.x + half.w;
  const width = Math.max(size.width, (columns.length - 1) * minColumnStep(size) + 2 * edge);
  const x = scalePoint<string>()
    .domain(columns)
    .range([edge, width - edge])
    .align(0.5);

  const slot = (h: Host): { column: string; row: Row } => {
    if (h.site !== INTERNET) return { column: columnKey(h.site, h.rank), row: 'main' };
    return { column: INTERNET, row: h.roles.includes('dns') ? 'top' : 'bottom' };
  };

  // Hosts sharing a slot are stacked vertically, in scenario order: in the
  // main row around its centre line, above and below it away from the middle.
  const bySlot = new Map<string, Host[]>();
  for (const h of hosts) {
    const { column, row } = slot(h);
    const key = `${column}@${row}`;
    bySlot.set(key, [...(bySlot.get(key) ?? []), h]);
  }
  const pitch = hostHeight + STACK_GAP;
  const stackOf = (row: Row) =>
    Math.max(0, ...[...bySlot.entries()].filter(([k]) => k.endsWith(`@${row}`)).map(([, g]) => g.length));
  const mainHalfStack = ((stackOf('main') - 1) / 2) * pitch;
  const rowY: Record<Row, number> = {
    top: -(ROW_GAP + mainHalfStack),
    main: 0,
    bottom: ROW_GAP + mainHalfStack,
  };
  const raw = hosts.map((h) => {
    const { column, row } = slot(h);
    const group = bySlot.get(`${column}@${row}`) ?? [h];
    const i = group.indexOf(h);
    const offset =
      row === 'main' ? (i - (group.length - 1) / 2) * pitch : (row === 'top' ? -1 : 1) * i * pitch;
    return { h, x: x(column) ?? width / 2, y: rowY[row] + offset };
  });

  // Shift everything down so the topmost box (or site caption) starts at the margin.
  const topOf = (r: (typeof raw)[number]) => r.y - half.h - (r.h.site === INTERNET ? 0 : SITE_PAD.top);
  const bottomOf = (r: (typeof raw)[number]) => r.y + half.h + (r.h.site === INTERNET ? 0 : SITE_PAD.bottom);
  const minY = Math.min(...raw.map(topOf));
  const maxY = Math.max(...raw.map(bottomOf));
  const dy = size.margin - minY;
  const height = round(maxY - minY + 2 * size.margin);

  const placed: PlacedHost[] = raw.map(({ h, x: hx, y: hy }) => ({
    id: h.id,
    x: round(hx),
    y: round(hy + dy),
    label: h.label,
    roles: h.roles,
    addresses: h.addresses,
    site: h.site,
    up: h.isUp,
    badges: badgesOf.get(h.id) ?? [],
  }));

  const at = new Map(placed.map((h) => [h.id, h]));
  const links: PlacedLink[] = input.links.flatMap((l) => {
    const a = at.get(l.a);
    const b = at.get(l.b);
    if (!a || !b) return [];
    return [
      {
        a: l.a,
        b: l.b,
        path: `M${round(a.x)},${round(a.y)}L${round(b.x)},${round(b.y)}`,
        latencyMs: l.latencyMs,
        up: l.up,
        label: l.up ? `${l.latencyMs} ms` : 'down',
        labelWidth: pillWidth(l.up ? `${l.latencyMs} ms` : 'down'),
        labelX: round((a.x + b.x) / 2),
        labelY: round((a.y + b.y) / 2),
      },
    ];
  });

  const sites: PlacedSite[] = orgSites.map((name) => {
    const members = placed.filter((h) => h.site === name);
    const x0 = Math.min(...members.map((h) => h.x)) - half.w - SITE_PAD.x;
    const x1 = Math.max(...members.map((h) => h.x)) + half.w + SITE_PAD.x;
    const y0 = Math.min(...members.map((h) => h.y)) - half.h - SITE_PAD.top;
    const y1 = Math.max(...members.map((h) => h.y)) + half.h + SITE_PAD.bottom;
    const side = leftSites.includes(name) ? 'left' : 'right';
    return {
      name,
      x: round(x0),
      y: round(y0),
      width: round(x1 - x0),
      height: round(y1 - y0),
      side,
      captionX: round(side === 'left' ? x0 + SITE_PAD.x : x1 - SITE_PAD.x),
      captionAnchor: side === 'left' ? 'start' : 'end',
    };
  });

  return {
    width,
    height,
    hostWidth: size.hostWidth,
    hostHeight,
    hosts: placed,
    links,
    sites,
  };
}

/** Average advance of one character of the latency label (13 px, semibold), in view-box units. */
const LABEL_CHAR = 7.6;

function pillWidth(text: string): number {
  return Math.round(text.length * LABEL_CHAR + 14);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * Where the line from the centre of one host's box towards another point
 * leaves the box: dots travel between box edges, not over the hosts' text.
 */
export function boxEdge(
  centre: { x: number; y: number },
  towards: { x: number; y: number },
  halfWidth: number,
  halfHeight: number,
): { x: number; y: number } {
  const dx = towards.x - centre.x;
  const dy = towards.y - centre.y;
  if (dx === 0 && dy === 0) return { x: centre.x, y: centre.y };
  const k = Math.min(
    dx === 0 ? Infinity : halfWidth / Math.abs(dx),
    dy === 0 ? Infinity : halfHeight / Math.abs(dy),
  );
  return { x: round(centre.x + dx * Math.min(1, k)), y: round(centre.y + dy * Math.min(1, k)) };
}

/** A point travelling along a line from one host to another: `t` from 0 (at `from`) to 1 (at `to`). */
export function along(
  from: { x: number; y: number },
  to: { x: number; y: number },
  t: number,
): { x: number; y: number } {
  const k = Math.min(1, Math.max(0, t));
  return { x: round(from.x + (to.x - from.x) * k), y: round(from.y + (to.y - from.y) * k) };
}

/** A role badge inside a host's box, positioned from the box's top-left corner. */
export interface Badge {
  readonly role: string;
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
}

/** Average advance of one upper-case character of the badge font (10.5 px, bold), in view-box units. */
const BADGE_CHAR = 7.1;
const BADGE_PAD = 4;
const BADGE_GAP = 4;
/** Height of a badge and the distance between rows of badges. */
export const BADGE_HEIGHT = 18;
const BADGE_ROW = BADGE_HEIGHT + 4;
/** Where the first row of badges starts, below the name, label and address lines. */
const BADGE_TOP = 68;
const BADGE_INSET = 10;

/**
 * Lays out a host's role badges in rows inside a box `boxWidth` wide:
 * `['mta', 'mda']` → `MTA` then `MDA`, wrapping onto a new row when a badge
 * would cross the box's right padding.
 */
export function roleBadges(roles: readonly string[], boxWidth: number): Badge[] {
  const badges: Badge[] = [];
  let x = BADGE_INSET;
  let y = BADGE_TOP;
  for (const role of roles) {
    const text = role.toUpperCase();
    const width = Math.round(text.length * BADGE_CHAR + 2 * BADGE_PAD);
    if (x > BADGE_INSET && x + width > boxWidth - BADGE_INSET) {
      x = BADGE_INSET;
      y += BADGE_ROW;
    }
    badges.push({ role, text, x, y, width });
    x += width + BADGE_GAP;
  }
  return badges;
}

function badgeRowCount(badges: readonly Badge[]): number {
  return new Set(badges.map((b) => b.y)).size;
}

/** What a screen reader says for a host: `mx.example.net, Incoming mail server, 198.51.100.25, roles MTA MDA`. */
export function hostDescription(host: PlacedHost): string {
  const parts = [host.id];
  if (host.label !== host.id) parts.push(host.label);
  parts.push(host.addresses.join(' '));
  if (host.roles.length > 0) parts.push(`roles ${host.roles.map((r) => r.toUpperCase()).join(' ')}`);
  if (!host.up) parts.push('down');
  return parts.join(', ');
}
