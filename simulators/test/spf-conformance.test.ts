/**
 * The openspf / pyspf SPF test suite (shared/conformance/spf, README §1)
 * run against check_host() through a zonedata → resolver adapter
 * (STYLE.md §S5.7).
 *
 * The adapter follows the README's driver rules (pyspf's testspf.py):
 * owner names lower-cased; `SPF` (type 99) values copied to TXT when the
 * name lists no TXT entry of its own (RFC 7208 §3.1: only TXT is queried, so
 * type 99 data is otherwise ignored); `NONE` dropped; names not listed are
 * NXDOMAIN; `TIMEOUT` times out every type that has no record listed before
 * it. The records go into the simulator's own {@link ZoneData}, so CNAMEs,
 * NXDOMAIN versus NODATA and empty non-terminals behave as the app's DNS
 * does.
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { DnsAnswer, DnsQuery, RData, ResourceRecord, RRType } from '../dns/records.ts';
import { ZoneData } from '../dns/zone-data.ts';
import { evaluateSpf, spfInputFor, type SpfResult } from '../auth/spf/evaluate.ts';

/*
 * Test-only I/O. simulators/tsconfig.json has no Node types on purpose (STYLE.md §S2: a stray `process`
 * or `Buffer` must fail to compile in the engine), and test files are compiled with it. So the little
 * Node this runner needs is imported by computed specifier (typed `any` by TypeScript, and not a static
 * import for the engine's lint rule to police) and given the narrow types below.
 */
interface NodeFs {
  existsSync(path: string): boolean;
  readFileSync(path: string, encoding: 'utf8'): string;
}
interface NodePath {
  resolve(...paths: string[]): string;
  dirname(path: string): string;
}
interface NodeUrl {
  fileURLToPath(url: string): string;
}
declare const console: { log(...args: unknown[]): void };
const nodeModule = (name: string): Promise<unknown> => import(/* @vite-ignore */ `node:${name}`);
const { existsSync, readFileSync } = (await nodeModule('fs')) as NodeFs;
const { resolve, dirname } = (await nodeModule('path')) as NodePath;
const { fileURLToPath } = (await nodeModule('url')) as NodeUrl;
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};

/** The repository root; `shared/` sits beside it (locally /work/main and /work/shared, likewise in CI). */
const repoRoot = resolve(dirname(fileURLToPath((import.meta as ImportMeta & { url: string }).url)), '../..');
const suiteDir = resolve(repoRoot, '../shared/conformance/spf');

interface SuiteTest {
  readonly host: string;
  readonly mailfrom: string;
  readonly helo: string;
  readonly result: string | string[];
  readonly explanation?: string;
  readonly spec?: string;
}

interface Scenario {
  readonly description: string;
  readonly tests: Record<string, SuiteTest>;
  readonly zonedata?: Record<string, unknown[]>;
}

/**
 * Tests not run, with the reason. Empty: every test of rfc7208-tests.yml runs.
 */
const SKIP: Readonly<Record<string, string>> = {};

/**
 * Tests whose explanation is compared ignoring ASCII case, with the reason.
 */
const EXPLANATION_CASE_INSENSITIVE: Readonly<Record<string, string>> = {
  'v-macro-ip6':
    "The suite expects %{i} of an IPv6 client in upper-case hex (…E.B.A.B.E.F.A.C.ip6.arpa), which is pyspf's " +
    "'%032X'. RFC 7208 §7.4 expands %{ir} in lower case (1.0.b.c.0.0.…), and so do we; DNS ignores the case, so " +
    'only this explanation text differs, and the result and the rest of the text must match exactly.',
};

/**
 * Tests where a listed non-preferred result is expected from this adapter, with the reason.
 */
const NON_PREFERRED: Readonly<Record<string, string>> = {
  multispf1:
    'The two identical "v=spf1 -all" records become one: ZoneData, like any DNS server, keeps an RRset free of ' +
    'duplicates (RFC 2181 §5), so the evaluator sees a single record and gives fail. The test itself says the ' +
    'situation "cannot be reliably reproduced with live DNS". Given two identical TXT records the evaluator does ' +
    'give permerror (see evaluate.test.ts).',
};

function loadSuite(file: string): Scenario[] {
  const path = resolve(suiteDir, file);
  if (!existsSync(path)) {
    throw new Error(
      `SPF conformance suite not found at ${path}. The repository expects shared/ beside it ` +
        `(shared/conformance/spf/${file}); see shared/conformance/README.md §1.`,
    );
  }
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((doc) => doc.toJS() as Scenario | null)
    .filter((s): s is Scenario => s !== null && typeof s === 'object' && 'tests' in s);
}

const rr = (name: string, data: RData): ResourceRecord => ({ name, ttl: 300, class: 'IN', ...data });

function txtStrings(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

/** Zonedata of one scenario → a resolve function, per README §1 "How a driver should build DNS". */
function buildResolver(zonedata: Record<string, unknown[]>): (q: DnsQuery) => DnsAnswer {
  const data = new ZoneData();
  /** Names with a TIMEOUT entry → the types answered normally (listed before it). */
  const timeouts = new Map<string, Set<string>>();
  for (const [owner, entries] of Object.entries(zonedata)) {
    const name = owner.toLowerCase().replace(/\.$/, '');
    const list = entries ?? [];
    const hasTxt = list.some((e) => typeof e === 'object' && e !== null && 'TXT' in e);
    const answered = new Set<string>();
    const generatedTxt: ResourceRecord[] = [];
    let timedOut = false;
    for (const entry of list) {
      if (entry === 'TIMEOUT') {
        timedOut = true;
        timeouts.set(name, answered);
        break;
      }
      const [type, value] = Object.entries(entry as Record<string, unknown>)[0] ?? ['', undefined];
      if (value === 'NONE') continue;
      const records: ResourceRecord[] = [];
      switch (type) {
        case 'SPF':
          // RFC 7208 §3.1: type 99 is not queried; the suite's drivers copy it to TXT (README §1 step 2).
          if (!hasTxt) generatedTxt.push(rr(name, { type: 'TXT', strings: txtStrings(value) }));
          break;
        case 'TXT':
          records.push(rr(name, { type: 'TXT', strings: txtStrings(value) }));
          break;
        case 'A':
        case 'AAAA':
          records.push(rr(name, { type, address: String(value) }));
          break;
        case 'MX': {
          const [preference, exchange] = value as [number, string];
          records.push(rr(name, { type: 'MX', preference, exchange: String(exchange).replace(/\.$/, '') }));
          break;
        }
        case 'PTR':
        case 'CNAME':
          records.push(rr(name, { type, target: String(value).replace(/\.$/, '') }));
          break;
        default:
          throw new Error(`zonedata ${owner}: unknown record type ${type}`);
      }
      for (const r of records) {
        data.add(r);
        answered.add(r.type);
      }
    }
    // pyspf appends the generated TXT records after everything else, so behind a TIMEOUT they are never reached.
    if (!timedOut) for (const r of generatedTxt) data.add(r);
  }
  return (q: DnsQuery): DnsAnswer => {
    const name = q.name.toLowerCase();
    const answered = timeouts.get(name);
    if (answered !== undefined && !answered.has(q.type as RRType)) return { rcode: 'TIMEOUT', answers: [] };
    return data.query(q);
  };
}

interface Outcome {
  readonly id: string;
  readonly ok: boolean;
  readonly preferred: boolean;
  readonly got: SpfResult;
  readonly expected: SuiteTest;
}

/** `SPF_DEBUG=mx-limit,ptr-limit npx vitest run …` prints those tests' step traces. */
const DEBUG = new Set((env['SPF_DEBUG'] ?? '').split(',').filter((s) => s !== ''));

function traceText(result: SpfResult): string {
  return result.steps
    .map((s) => {
      const { kind, depth, ...rest } = s;
      return `${'  '.repeat(depth + 1)}${kind} ${JSON.stringify(rest)}`;
    })
    .join('\n');
}

function runTest(id: string, test: SuiteTest, resolver: (q: DnsQuery) => DnsAnswer): Outcome {
  const input = spfInputFor({ ip: test.host, mailFrom: test.mailfrom, helo: test.helo });
  const got = evaluateSpf(input, resolver, { defaultExplanation: 'DEFAULT' });
  if (DEBUG.has(id)) {
    console.log(
      `${id}: ${got.result} ${JSON.stringify(got.explanation)} lookups=${got.lookups} void=${got.voidLookups}\n${traceText(got)}`,
    );
  }
  const accepted = Array.isArray(test.result) ? test.result : [test.result];
  let ok = accepted.includes(got.result);
  if (test.explanation !== undefined) {
    const caseless = id in EXPLANATION_CASE_INSENSITIVE;
    const same = caseless
      ? got.explanation?.toLowerCase() === test.explanation.toLowerCase()
      : got.explanation === test.explanation;
    ok &&= same;
  }
  return { id, ok, preferred: accepted[0] === got.result, got, expected: test };
}

function describeFailure(o: Outcome): string {
  return (
    `${o.id}: expected ${JSON.stringify(o.expected.result)}` +
    `${o.expected.explanation === undefined ? '' : ` / explanation ${JSON.stringify(o.expected.explanation)}`}, ` +
    `got ${o.got.result}${o.got.explanation === undefined ? '' : ` / ${JSON.stringify(o.got.explanation)}`} — ${o.got.reason}`
  );
}

describe('SPF conformance: rfc7208-tests.yml', () => {
  const scenarios = loadSuite('rfc7208-tests.yml');
  const outcomes: Outcome[] = [];
  for (const scenario of scenarios) {
    describe(scenario.description, () => {
      const resolver = buildResolver(scenario.zonedata ?? {});
      for (const [id, test] of Object.entries(scenario.tests)) {
        const skip = SKIP[id];
        if (skip !== undefined) {
          it.skip(`${id} (skipped: ${skip})`, () => {});
          continue;
        }
        it(`${id}: ${JSON.stringify(test.result)}`, () => {
          const outcome = runTest(id, test, resolver);
          outcomes.push(outcome);
          expect(outcome.ok, describeFailure(outcome)).toBe(true);
          if (!outcome.preferred) {
            expect(
              NON_PREFERRED[id],
              `${id}: accepted but not the preferred result ${JSON.stringify(test.result)}`,
            ).toBeDefined();
          }
        });
      }
    });
  }

  it('covers the whole suite', () => {
    const total = scenarios.reduce((n, s) => n + Object.keys(s.tests).length, 0);
    const passed = outcomes.filter((o) => o.ok).length;
    const nonPreferred = outcomes.filter((o) => o.ok && !o.preferred).map((o) => o.id);
    console.log(
      `SPF RFC 7208 suite: ${passed}/${total} (skipped ${Object.keys(SKIP).length}; ` +
        `non-preferred accepted result: ${nonPreferred.join(', ') || 'none'}; ` +
        `explanation compared ignoring case: ${Object.keys(EXPLANATION_CASE_INSENSITIVE).join(', ')})`,
    );
    expect(scenarios).toHaveLength(16);
    expect(total).toBe(203);
    expect(passed + Object.keys(SKIP).length).toBe(total);
  });
});

/**
 * The older RFC 4408 suite, for information only: RFC 7208 changed several
 * answers (void lookups, ip4-mapped addresses, mx limits, type SPF, …), so a
 * difference is reported, not failed, when the RFC 7208 suite has the same
 * test id with a different expectation. Other differences are listed in
 * RFC4408_CHANGED with the reason.
 */
const RFC4408_CHANGED: Readonly<Record<string, string>> = {};

describe('SPF conformance: rfc4408-tests.yml (report only where RFC 7208 changed the answer)', () => {
  it('runs the RFC 4408 suite', () => {
    const scenarios = loadSuite('rfc4408-tests.yml');
    const newer = new Map<string, SuiteTest>();
    for (const s of loadSuite('rfc7208-tests.yml'))
      for (const [id, t] of Object.entries(s.tests)) newer.set(id, t);
    let total = 0;
    let passed = 0;
    const changed: string[] = [];
    const unexplained: string[] = [];
    const nonPreferred: string[] = [];
    for (const scenario of scenarios) {
      const resolver = buildResolver(scenario.zonedata ?? {});
      for (const [id, test] of Object.entries(scenario.tests)) {
        total++;
        const outcome = runTest(id, test, resolver);
        if (outcome.ok) {
          passed++;
          if (!outcome.preferred)
            nonPreferred.push(`${id} (${outcome.got.result}; preferred ${JSON.stringify(test.result)})`);
          continue;
        }
        const in7208 = newer.get(id);
        const differs =
          in7208 !== undefined &&
          (JSON.stringify(in7208.result) !== JSON.stringify(test.result) ||
            in7208.explanation !== test.explanation);
        if (differs || id in RFC4408_CHANGED)
          changed.push(
            `${id} (${RFC4408_CHANGED[id] ?? 'RFC 7208 suite expects ' + JSON.stringify(in7208?.result)})`,
          );
        else unexplained.push(describeFailure(outcome));
      }
    }
    console.log(
      `SPF RFC 4408 suite: ${passed}/${total}; differing where RFC 7208 changed the answer: ${changed.length}` +
        `${changed.map((c) => `\n  ${c}`).join('')}; accepted but not preferred: ${nonPreferred.length}` +
        `${nonPreferred.map((c) => `\n  ${c}`).join('')}`,
    );
    expect(unexplained, unexplained.join('\n')).toEqual([]);
  });
});
