/**
 * A convenience async driver for DKIM generators, for tests and the CLI. The
 * simulated world drives the same generators through its own scheduler so
 * each lookup is a trace step; this one answers immediately.
 */
import type { DnsAnswer, DnsQuery } from '../../dns/records.ts';
import { performCryptoOp } from './crypto.ts';
import type { DkimCrypto, DkimGenerator, DkimResponse } from './types.ts';

/** What {@link runDkim} needs. */
export interface DkimDriverOptions {
  readonly resolve: (query: DnsQuery) => DnsAnswer | Promise<DnsAnswer>;
  readonly crypto: DkimCrypto;
}

/** Runs a DKIM generator to completion. */
export async function runDkim<T>(gen: DkimGenerator<T>, options: DkimDriverOptions): Promise<T> {
  let step = gen.next();
  while (!step.done) {
    const request = step.value;
    let response: DkimResponse;
    if (request.kind === 'dns') response = { kind: 'dns', answer: await options.resolve(request.query) };
    else response = await performCryptoOp(options.crypto, request.op);
    step = gen.next(response);
  }
  return step.value;
}

/**
 * A resolver over a name → TXT map (a string is one single-string record, an
 * array one record of several strings). Other names are NXDOMAIN; a value of
 * `'SERVFAIL'` or `'TIMEOUT'` (as `{ rcode }`) fails the lookup.
 */
export function txtResolver(
  records: Readonly<Record<string, string | readonly string[] | { readonly rcode: 'SERVFAIL' | 'TIMEOUT' }>>,
): (query: DnsQuery) => DnsAnswer {
  const table = new Map(Object.entries(records).map(([k, v]) => [k.toLowerCase().replace(/\.$/, ''), v]));
  return (query) => {
    const value = table.get(query.name.toLowerCase());
    if (value === undefined) return { rcode: 'NXDOMAIN', answers: [] };
    if (typeof value === 'object' && 'rcode' in value) return { rcode: value.rcode, answers: [] };
    if (query.type !== 'TXT') return { rcode: 'NOERROR', answers: [] };
    const strings = typeof value === 'string' ? [value] : [...value];
    return { rcode: 'NOERROR', answers: [{ name: query.name, ttl: 300, class: 'IN', type: 'TXT', strings }] };
  };
}
