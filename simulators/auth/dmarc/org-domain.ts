/**
 * The two ways of finding an Organizational Domain.
 *
 * RFC 7489 §3.2 uses a Public Suffix List: the organizational domain is the
 * longest public suffix that matches plus one more label. Mailroom uses the
 * `tldts` package (pure JavaScript with the list compiled in: no Node APIs,
 * no I/O) and does not hand-write a list. The list is a quarter of a
 * megabyte, so it is loaded on first need ({@link loadPublicSuffixList}):
 * the receiving MTA loads it as an effect that holds the virtual clock, so
 * when it arrives changes nothing in the trace, and the web app's first
 * page load stays small. `allowPrivateDomains: true` applies the whole list, the
 * PRIVATE section included (`blogspot.com`, `github.io`…): RFC 7489 §3.2
 * points at publicsuffix.org's list, which has both sections, and treating
 * `alice.github.io` and `bob.github.io` as one organization would let one
 * align with the other. OpenDMARC also loads the whole file.
 *
 * RFC 9989 §4.10 replaces the list with the DNS Tree Walk; the walk itself
 * needs DNS answers, so it lives in the evaluator. Here are its pure parts:
 * the names it may query ({@link treeWalkTargets}) and the selection of the
 * Organizational Domain from what it found ({@link selectOrganizationalDomain}).
 */
type GetDomain = (domain: string) => string | null;

let getDomain: GetDomain | undefined;
let loading: Promise<void> | undefined;

/** Loads the Public Suffix List once; later calls return the same promise. */
export function loadPublicSuffixList(): Promise<void> {
  loading ??= import('tldts').then((tldts) => {
    getDomain = (domain) => tldts.getDomain(domain, { allowPrivateDomains: true, validateHostname: false });
  });
  return loading;
}

/** Whether {@link pslOrganizationalDomain} can answer now. */
export function publicSuffixListLoaded(): boolean {
  return getDomain !== undefined;
}

/** RFC 9989 §4.10 step 4: a name with more labels is shortened to this many after the first query. */
export const TREE_WALK_MAX_LABELS = 7;

/** RFC 9989 §4.10: at most 1 + {@link TREE_WALK_MAX_LABELS} queries per walk. */
export const TREE_WALK_MAX_QUERIES = 1 + TREE_WALK_MAX_LABELS;

/**
 * The organizational domain by the Public Suffix List (RFC 7489 §3.2 steps
 * 1–4). A name that is itself a public suffix (`co.uk`, or `example` under
 * the list's implicit `*` rule: a single label) has no "x+1th label"; RFC
 * 7489 does not say what then, and Mailroom takes the name itself, as
 * OpenDMARC does.
 */
export function pslOrganizationalDomain(domain: string): string {
  if (getDomain === undefined)
    throw new Error('the Public Suffix List is not loaded: await loadPublicSuffixList()');
  return getDomain(domain) ?? domain;
}

/**
 * The names a DNS Tree Walk queries (under `_dmarc.`), in order (RFC 9989
 * §4.10 steps 1, 4–8): the name itself; then, if it has eight or more
 * labels, its last seven; then one label fewer each time, down to the
 * top-level label. At most {@link TREE_WALK_MAX_QUERIES} names.
 */
export function treeWalkTargets(domain: string): string[] {
  let labels = domain.split('.');
  const out = [domain];
  labels = labels.length > TREE_WALK_MAX_LABELS ? labels.slice(-TREE_WALK_MAX_LABELS) : labels.slice(1);
  while (labels.length > 0) {
    out.push(labels.join('.'));
    labels = labels.slice(1);
  }
  return out;
}

/** A DMARC record found during a walk: where, and its `psd=` value. */
export interface WalkFind {
  readonly domain: string;
  readonly psd: 'y' | 'n' | 'u';
}

/**
 * The Organizational Domain from a walk's finds, longest name first
 * (RFC 9989 §4.10.2):
 * - a record with `psd=n` names its own domain;
 * - a record with `psd=y`, other than at the start, makes the name one label
 *   below it the Organizational Domain;
 * - otherwise the record found with the fewest labels;
 * - with no record at all, the start domain itself.
 */
export function selectOrganizationalDomain(
  start: string,
  finds: readonly WalkFind[],
): { domain: string; reason: string } {
  for (const find of finds) {
    if (find.psd === 'n') {
      return {
        domain: find.domain,
        reason: `_dmarc.${find.domain} has psd=n: it is the Organizational Domain`,
      };
    }
    if (find.psd === 'y' && find.domain !== start) {
      const domain = start
        .split('.')
        .slice(-(find.domain.split('.').length + 1))
        .join('.');
      return {
        domain,
        reason: `_dmarc.${find.domain} has psd=y (a public suffix), so the name one label below it, ${domain}, is the Organizational Domain`,
      };
    }
  }
  const last = finds[finds.length - 1];
  if (last !== undefined) {
    return {
      domain: last.domain,
      reason: `no record decides it by psd=, so the record with the fewest labels, at ${last.domain}, names the Organizational Domain`,
    };
  }
  return {
    domain: start,
    reason: `no DMARC record on the way up, so ${start} is its own Organizational Domain`,
  };
}
