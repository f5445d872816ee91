/**
 * Test helpers: a simulated DNS from a small map (strings are TXT records)
 * and a one-call evaluation. Lives under `testing/`, which the engine's
 * tsconfig leaves out.
 */
import type { RData, ResourceRecord } from '../../../dns/records.ts';
import { SimResolver, type InjectedFailure } from '../../../dns/resolver.ts';
import { ZoneData } from '../../../dns/zone-data.ts';
import { evaluateDmarc, runDmarc } from '../evaluate.ts';
import type { DmarcMode } from '../record.ts';
import type { DmarcInput, DmarcResult } from '../types.ts';

/** Owner name → records; a string is a one-string TXT record. */
export type ZoneMap = Readonly<Record<string, readonly (string | RData)[]>>;

/** A resolver over `map`, with failures injected by name. */
export function zone(map: ZoneMap, failures: Readonly<Record<string, InjectedFailure>> = {}): SimResolver {
  const records: ResourceRecord[] = Object.entries(map).flatMap(([name, list]) =>
    list.map((d) => ({
      name,
      ttl: 300,
      class: 'IN' as const,
      ...(typeof d === 'string' ? { type: 'TXT' as const, strings: [d] } : d),
    })),
  );
  const resolver = new SimResolver(ZoneData.fromRecords(records));
  for (const [name, failure] of Object.entries(failures)) resolver.fail(name, failure);
  return resolver;
}

/** An A record, to make a name exist. */
export const A: RData = { type: 'A', address: '192.0.2.1' };

/** Evaluates with SPF failing and no DKIM unless given. */
export function dmarc(
  resolver: SimResolver,
  mode: DmarcMode,
  input: Partial<DmarcInput> & { readonly fromDomain: string },
): DmarcResult & { readonly asked: readonly string[] } {
  const asked: string[] = [];
  const result = runDmarc(
    evaluateDmarc({ spf: { result: 'fail', domain: input.fromDomain }, dkim: [], mode, ...input }),
    (q) => {
      asked.push(`${q.type} ${q.name}`);
      return resolver.resolve(q);
    },
  );
  return { ...result, asked };
}
