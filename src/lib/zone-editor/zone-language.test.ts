import { describe, expect, it } from 'vitest';
import { zoneMonarch, zoneTheme } from './zone-language.ts';

type Rule = readonly unknown[] | { include: string };

/** Every rule of the tokenizer, with its state. */
function rules(): { state: string; regex: RegExp; action: unknown }[] {
  return Object.entries(zoneMonarch.tokenizer).flatMap(([state, list]) =>
    (list as readonly Rule[]).flatMap((rule) =>
      Array.isArray(rule) ? [{ state, regex: rule[0] as RegExp, action: rule[1] }] : [],
    ),
  );
}

/** The token names and states an action mentions. */
function walk(action: unknown, tokens: string[], states: string[]): void {
  if (typeof action === 'string') tokens.push(action);
  else if (Array.isArray(action)) for (const a of action) walk(a, tokens, states);
  else if (typeof action === 'object' && action !== null) {
    const a = action as { token?: string; next?: string; cases?: Record<string, unknown> };
    if (a.token !== undefined) tokens.push(a.token);
    if (a.next !== undefined) states.push(a.next);
    for (const c of Object.values(a.cases ?? {})) walk(c, tokens, states);
  }
}

describe('the zone language', () => {
  it('names only states it defines, and lists it includes', () => {
    const defined = new Set(Object.keys(zoneMonarch.tokenizer));
    const states: string[] = [];
    for (const r of rules()) walk(r.action, [], states);
    for (const next of states) if (next !== '@pop') expect(defined).toContain(next.slice(1));
    const includes = Object.values(zoneMonarch.tokenizer).flatMap((list) =>
      (list as readonly Rule[]).flatMap((r) =>
        Array.isArray(r) ? [] : [(r as { include: string }).include],
      ),
    );
    for (const inc of includes) expect(defined).toContain(inc.slice(1));
  });

  it('has no rule that can match nothing (Monarch would stop: "no progress")', () => {
    for (const { state, regex } of rules()) {
      expect(new RegExp(`^(?:${regex.source})`, 'i').test(''), `${state}: ${regex.source}`).toBe(false);
    }
  });

  it('colours every token it produces', () => {
    const tokens: string[] = [];
    for (const r of rules()) walk(r.action, tokens, []);
    const themed = new Set(zoneTheme.rules.map((r) => r.token));
    const unthemed = [...new Set(tokens)].filter(
      (t) => t !== '' && t !== '@brackets' && !themed.has(t) && !themed.has(t.split('.')[0]!),
    );
    expect(unthemed).toEqual([]);
  });

  it('tells SPF, DMARC and DKIM strings apart by how they start', () => {
    const openers = rules().filter((r) => r.state === 'data' && r.regex.source.startsWith('"'));
    const pick = (text: string) =>
      (openers.find((r) => new RegExp(`^(?:${r.regex.source})`, 'i').test(text))?.action as { next: string })
        .next;
    expect(pick('"v=spf1 -all"')).toBe('@spf');
    expect(pick('"v=spf10"')).toBe('@string');
    expect(pick('"v=DMARC1; p=none"')).toBe('@dmarc');
    expect(pick('"v=DKIM1; p="')).toBe('@dkim');
    expect(pick('"hello"')).toBe('@string');
  });
});
