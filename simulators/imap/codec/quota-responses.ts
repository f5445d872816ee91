/**
 * QUOTA and QUOTAROOT responses (RFC 9208 §4.2) as typed data, both ways:
 * the server builds them with {@link quotaResponse} / {@link quotaRootResponse},
 * a client reads the response parser's generic {@link ImapResponse} back with
 * {@link readQuota} / {@link readQuotaRoot}, which never throw.
 *
 * ```
 * ; RFC 9208 §9
 * quota-response     = "QUOTA" SP quota-root-name SP quota-list
 * quota-list         = "(" quota-resource *(SP quota-resource) ")"
 * quota-resource     = resource-name SP resource-usage SP resource-limit
 * quotaroot-response = "QUOTAROOT" SP mailbox *(SP quota-root-name)
 * quota-root-name    = astring
 * ```
 *
 * TOLERANCE: an empty quota list `()` is read and written (RFC 2087's
 * grammar allowed it; Dovecot sends it for a root without limits).
 * Mailbox names are Unicode here and modified UTF-7 on the wire.
 */
import { utf8Text } from '../../core/bytes.ts';
import { decodeMutf7, encodeMutf7 } from './mutf7.ts';
import { fail, ok, type Parsed } from './result.ts';
import type { ImapResponse } from './responses.ts';
import { astr, atom, list, num, type ImapValue } from './values.ts';

/** One resource of a quota root: usage and limit in the resource's units (STORAGE: 1024 octets). */
export interface QuotaResourceUsage {
  /** Upper case: `STORAGE`, `MESSAGE`, `MAILBOX`, `ANNOTATION-STORAGE`… */
  readonly name: string;
  readonly usage: number;
  readonly limit: number;
}

/** What `* QUOTA` carries. */
export interface QuotaData {
  readonly root: string;
  readonly resources: readonly QuotaResourceUsage[];
}

/** What `* QUOTAROOT` carries: a mailbox and the roots that govern it (possibly none). */
export interface QuotaRootData {
  readonly mailbox: string;
  readonly roots: readonly string[];
}

/** `* QUOTA "User quota" (STORAGE 10 512 MESSAGE 3 1000)`. */
export function quotaResponse(data: QuotaData): ImapResponse {
  const items = data.resources.flatMap((r) => [atom(r.name), num(r.usage), num(r.limit)]);
  return { kind: 'data', name: 'QUOTA', values: [astr(data.root), list(...items)] };
}

/** `* QUOTAROOT INBOX "User quota"`. */
export function quotaRootResponse(data: QuotaRootData): ImapResponse {
  return {
    kind: 'data',
    name: 'QUOTAROOT',
    values: [astr(encodeMutf7(data.mailbox)), ...data.roots.map(astr)],
  };
}

/** The text of an astring value (atom, number, quoted or literal). */
function astringOf(v: ImapValue | undefined): string | undefined {
  switch (v?.type) {
    case 'atom':
    case 'string':
    case 'astring':
      return v.value;
    case 'number':
      // The parser reads an all-digit atom as a number; as a name it is text.
      return String(v.value);
    case 'literal':
      return utf8Text(v.value);
    default:
      return undefined;
  }
}

/** Reads a `* QUOTA` response. */
export function readQuota(response: ImapResponse): Parsed<QuotaData> {
  if (response.kind !== 'data' || response.name !== 'QUOTA') return fail('Not a QUOTA response');
  const [rootValue, resourceList, ...rest] = response.values;
  const root = astringOf(rootValue);
  if (root === undefined) return fail('QUOTA: missing the quota root name');
  if (resourceList?.type !== 'list' || rest.length > 0)
    return fail('QUOTA: expected a list of resources after the root, e.g. (STORAGE 10 512)');
  const items = resourceList.items;
  if (items.length % 3 !== 0) return fail('QUOTA: each resource is a name, a usage and a limit');
  const resources: QuotaResourceUsage[] = [];
  for (let i = 0; i < items.length; i += 3) {
    const [name, usage, limit] = [items[i], items[i + 1], items[i + 2]];
    if (name?.type !== 'atom' || usage?.type !== 'number' || limit?.type !== 'number')
      return fail(`QUOTA: resource ${i / 3 + 1} is not "name usage limit"`);
    resources.push({ name: name.value.toUpperCase(), usage: usage.value, limit: limit.value });
  }
  return ok({ root, resources });
}

/** Reads a `* QUOTAROOT` response. */
export function readQuotaRoot(response: ImapResponse): Parsed<QuotaRootData> {
  if (response.kind !== 'data' || response.name !== 'QUOTAROOT') return fail('Not a QUOTAROOT response');
  const [mailboxValue, ...rootValues] = response.values;
  const wire = astringOf(mailboxValue);
  if (wire === undefined) return fail('QUOTAROOT: missing the mailbox name');
  const mailbox = wire.toUpperCase() === 'INBOX' ? ok('INBOX') : decodeMutf7(wire);
  if (!mailbox.ok) return fail(`QUOTAROOT: ${mailbox.message}`);
  const roots: string[] = [];
  for (const v of rootValues) {
    const root = astringOf(v);
    if (root === undefined) return fail('QUOTAROOT: a quota root name must be a string');
    roots.push(root);
  }
  return ok({ mailbox: mailbox.value, roots });
}
