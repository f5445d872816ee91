/**
 * What each part of a zone means, for the editor's hovers: SPF mechanisms,
 * qualifiers and modifiers (RFC 7208), DMARC tags (RFC 9989, with RFC 7489
 * where the two differ), DKIM key tags (RFC 6376 §3.6.1, RFC 8463), record
 * types, and Mailroom's fault pragmas. Markdown, written for a learner.
 */

/** One entry: a title line and the explanation. */
export interface Doc {
  readonly title: string;
  readonly text: string;
}

/** SPF mechanisms (RFC 7208 §5). */
export const SPF_MECHANISMS: Readonly<Record<string, Doc>> = {
  all: {
    title: '`all` — matches every sender (RFC 7208 §5.1)',
    text: 'Always matches, so it ends the record: `-all` says "no other host may send for this domain", `~all` "other hosts are suspicious" (softfail), `?all` "no opinion" (neutral), `+all` lets the whole internet pass. Terms after it are never evaluated.',
  },
  include: {
    title: '`include:<domain>` — asks another record (RFC 7208 §5.2)',
    text: 'Runs the SPF check against `<domain>`\'s record: it matches if that check gives **pass**. A fail, softfail or neutral there is just "no match" here; a record that is missing or broken there is a permerror here. Costs one DNS lookup, plus every lookup of the included record.',
  },
  a: {
    title: "`a[:<domain>][/<cidr>]` — the domain's addresses (RFC 7208 §5.3)",
    text: "Matches if the client's IP is one of the A (IPv4) or AAAA (IPv6) addresses of `<domain>` (the current domain when omitted), or in the network `/<cidr>` around them. Costs one DNS lookup.",
  },
  mx: {
    title: "`mx[:<domain>][/<cidr>]` — the domain's mail servers (RFC 7208 §5.4)",
    text: "Matches if the client's IP is an address of one of the MX hosts of `<domain>` (the current domain when omitted). Costs one DNS lookup, and at most 10 MX names may be looked up.",
  },
  ptr: {
    title: '`ptr[:<domain>]` — reverse DNS (RFC 7208 §5.5): do not use',
    text: 'Matches if a validated reverse name of the client\'s IP ends in `<domain>`. Deprecated: "This mechanism SHOULD NOT be published": it is slow, unreliable, and loads the reverse DNS servers. Use `ip4:`, `ip6:` or `a:` instead.',
  },
  ip4: {
    title: '`ip4:<network>[/<cidr>]` — an IPv4 address or network (RFC 7208 §5.6)',
    text: "Matches if the client's IPv4 address is inside the network, e.g. `ip4:192.0.2.0/24` or `ip4:192.0.2.25` (a single address, /32). Costs no DNS lookup.",
  },
  ip6: {
    title: '`ip6:<network>[/<cidr>]` — an IPv6 address or network (RFC 7208 §5.6)',
    text: "Matches if the client's IPv6 address is inside the network, e.g. `ip6:2001:db8::/32`. Costs no DNS lookup.",
  },
  exists: {
    title: '`exists:<domain>` — a name that exists (RFC 7208 §5.7)',
    text: 'Matches if `<domain>` has an A record, whatever its address. Used with macros (`exists:%{i}._spf.example.com`) to ask a DNS-based list. Costs one DNS lookup.',
  },
};

/** SPF qualifiers (RFC 7208 §4.6.2). */
export const SPF_QUALIFIERS: Readonly<Record<string, Doc>> = {
  '+': {
    title: '`+` pass',
    text: 'The sender is authorised. `+` is the default when no qualifier is written.',
  },
  '-': { title: '`-` fail', text: 'The sender is **not** authorised; receivers may reject the message.' },
  '~': {
    title: '`~` softfail',
    text: 'Probably not authorised; receivers accept the message but treat it with suspicion.',
  },
  '?': { title: '`?` neutral', text: 'No statement: treated like having no SPF record at all.' },
};

/** SPF modifiers (RFC 7208 §6) and the version. */
export const SPF_MODIFIERS: Readonly<Record<string, Doc>> = {
  v: {
    title: '`v=spf1` — an SPF record (RFC 7208 §4.5)',
    text: 'Marks a TXT record as SPF version 1. A name may publish only one: two SPF records make every check a permerror. Terms follow, separated by spaces, and are evaluated left to right.',
  },
  redirect: {
    title: '`redirect=<domain>` — use another record (RFC 7208 §6.1)',
    text: "When no mechanism matched, the result is the result of `<domain>`'s record. Ignored when the record has `all`. Costs one DNS lookup; a target with no SPF record is a permerror.",
  },
  exp: {
    title: '`exp=<domain>` — explanation (RFC 7208 §6.2)',
    text: 'On fail, the receiver may fetch a TXT record at `<domain>` and give its text (with macros expanded) to the sender in the rejection. Costs no lookup against the limit.',
  },
};

/** DMARC tags (RFC 9989 §4.7; RFC 7489 §6.3). */
export const DMARC_TAGS: Readonly<Record<string, Doc>> = {
  v: {
    title: '`v=DMARC1` — a DMARC record (RFC 9989 §4.7)',
    text: 'Must come first, exactly `DMARC1`. The record is found at `_dmarc.<domain>`; a TXT there that does not start with `v=DMARC1` is discarded.',
  },
  p: {
    title: '`p=` — policy (required)',
    text: 'What receivers should do with mail that fails DMARC: `none` (only report), `quarantine` (treat as suspicious, e.g. the Junk folder), `reject` (refuse it during the SMTP transaction, so the sender gets a bounce). A message fails DMARC when neither SPF nor DKIM passes **aligned** with the From domain.',
  },
  sp: {
    title: '`sp=` — policy for subdomains',
    text: 'Like `p=`, for mail from subdomains of the domain (default: the value of `p=`).',
  },
  np: {
    title: '`np=` — policy for non-existent subdomains (RFC 9989)',
    text: 'Like `p=`, for mail from subdomains that do not exist in DNS (default: `sp=`, then `p=`). Not in RFC 7489.',
  },
  psd: {
    title: '`psd=` — public suffix domain (RFC 9989)',
    text: "`y`: this is a public suffix operator's record; `n`: this domain is an Organizational Domain; `u` (default): unknown. Used by the DNS Tree Walk.",
  },
  t: {
    title: '`t=` — testing (RFC 9989)',
    text: "`y` asks receivers to apply the policy one step more leniently (reject → quarantine → none) while the domain owner tests. Replaces RFC 7489's `pct=`.",
  },
  adkim: {
    title: '`adkim=` — DKIM alignment',
    text: '`r` (relaxed, default): the signing domain `d=` and the From domain share an Organizational Domain; `s` (strict): they are equal.',
  },
  aspf: {
    title: '`aspf=` — SPF alignment',
    text: '`r` (relaxed, default): the MAIL FROM domain and the From domain share an Organizational Domain; `s` (strict): they are equal.',
  },
  rua: {
    title: '`rua=` — where to send aggregate reports',
    text: 'Comma-separated `mailto:` URIs. A daily XML summary of who sent mail as this domain and how it fared. An address at another organization receives reports only if it publishes `v=DMARC1` at `<domain>._report._dmarc.<its domain>`.',
  },
  ruf: {
    title: '`ruf=` — where to send failure reports',
    text: 'Comma-separated `mailto:` URIs for per-message failure reports; few receivers send them. The same external-destination rule as `rua=` applies.',
  },
  fo: {
    title: '`fo=` — when to send failure reports',
    text: '`0` (default): when nothing passed aligned; `1`: when anything failed; `d`: DKIM failed; `s`: SPF failed. Colon-separated.',
  },
  pct: {
    title: '`pct=` — percentage (RFC 7489 only)',
    text: 'Apply the policy to this percentage of failing mail (default 100). Removed by RFC 9989, which has `t=` instead; RFC 9989 receivers ignore it.',
  },
  rf: {
    title: '`rf=` — failure report format (RFC 7489 only)',
    text: 'Only `afrf` is defined. Removed by RFC 9989.',
  },
  ri: {
    title: '`ri=` — report interval (RFC 7489 only)',
    text: 'Seconds between aggregate reports (default 86400, a day). Removed by RFC 9989.',
  },
};

/** DKIM key record tags (RFC 6376 §3.6.1). */
export const DKIM_TAGS: Readonly<Record<string, Doc>> = {
  v: {
    title: '`v=DKIM1` — a DKIM key record (RFC 6376 §3.6.1)',
    text: "Optional, but when present it must be the first tag and exactly `DKIM1`. The record sits at `<selector>._domainkey.<domain>`, where the signature's `s=` and `d=` point.",
  },
  k: {
    title: '`k=` — key type',
    text: "`rsa` (default) or `ed25519` (RFC 8463). Must match the signature's algorithm.",
  },
  p: {
    title: '`p=` — the public key',
    text: 'Base64. For RSA, a SubjectPublicKeyInfo; verifiers refuse keys under 1024 bits (RFC 8301), and 2048 is recommended. For Ed25519, the 32 raw key octets. Empty `p=` means the key is revoked.',
  },
  h: {
    title: '`h=` — acceptable hash algorithms',
    text: 'Colon-separated, e.g. `sha256`. Absent: all are allowed. `sha1` is no longer accepted (RFC 8301).',
  },
  s: {
    title: '`s=` — service types',
    text: '`*` (default, all) or `email`. A key for another service cannot verify mail.',
  },
  t: {
    title: '`t=` — flags',
    text: "`y`: the domain is testing DKIM, so verifiers may treat failures as unsigned mail; `s`: the signature's `i=` domain must equal `d=` exactly.",
  },
  n: { title: '`n=` — notes', text: 'Free text for humans; verifiers ignore it.' },
  g: {
    title: '`g=` — granularity (historic)',
    text: 'From RFC 4871; removed in RFC 6376 and ignored by verifiers.',
  },
};

/** Record types, classes and directives of a master file (RFC 1035 §5). */
export const ZONE_WORDS: Readonly<Record<string, Doc>> = {
  A: {
    title: '`A` — IPv4 address (RFC 1035 §3.4.1)',
    text: "The name's IPv4 address, e.g. `smtp IN A 192.0.2.25`.",
  },
  AAAA: {
    title: '`AAAA` — IPv6 address (RFC 3596)',
    text: "The name's IPv6 address, e.g. `smtp IN AAAA 2001:db8::25`.",
  },
  MX: {
    title: '`MX` — mail exchanger (RFC 1035 §3.3.9, RFC 5321 §5)',
    text: 'Where mail for the name is delivered: a preference (lower is tried first) and a host name that has an A or AAAA record, never an address or an alias.',
  },
  TXT: {
    title: '`TXT` — text (RFC 1035 §3.3.14)',
    text: 'One or more quoted strings of at most 255 octets each; SPF, DKIM and DMARC join them without spaces. SPF records live at the domain, DMARC at `_dmarc.<domain>`, DKIM keys at `<selector>._domainkey.<domain>`.',
  },
  CNAME: {
    title: '`CNAME` — alias (RFC 1034 §3.6.2)',
    text: 'The name is an alias of another; it may have no other records.',
  },
  PTR: {
    title: '`PTR` — reverse pointer (RFC 1035 §3.3.12)',
    text: 'In `in-addr.arpa`, the name of the host at an address.',
  },
  NS: { title: '`NS` — name server (RFC 1035 §3.3.11)', text: 'A server authoritative for the zone.' },
  SOA: {
    title: '`SOA` — start of authority (RFC 1035 §3.3.13)',
    text: "The zone's primary server, the responsible mailbox (first dot is the @), serial, refresh, retry, expire, and the TTL of negative answers (RFC 2308).",
  },
  IN: {
    title: '`IN` — the Internet class',
    text: 'The only class the simulator serves; it may be left out.',
  },
  $ORIGIN: {
    title: '`$ORIGIN` — the origin (RFC 1035 §5.1)',
    text: 'Names without a final dot are relative to it, and `@` stands for it.',
  },
  $TTL: {
    title: '`$TTL` — default TTL (RFC 2308 §4)',
    text: 'The time to live of records that give none: seconds, or units such as `1h`, `30m`, `1d`.',
  },
};

/** Mailroom's fault pragmas (simulators/dns/zone-file.ts). */
export const PRAGMAS: Readonly<Record<string, Doc>> = {
  timeout: {
    title: '`;@timeout NAME [TYPE ...]` — make the DNS server not answer',
    text: 'Every query for NAME (or only for these types) times out, as a broken or unreachable name server would. SPF gives temperror and a receiving MTA answers 4xx, so the sender retries later. NAME is absolute; the line is a comment to other DNS software.',
  },
  servfail: {
    title: '`;@servfail NAME [TYPE ...]` — make the DNS server fail',
    text: 'Every query for NAME (or only for these types) is answered SERVFAIL. SPF, DKIM and DMARC treat it as a temporary error. NAME is absolute; the line is a comment to other DNS software.',
  },
};

/** A Doc as Markdown. */
export function docMarkdown(doc: Doc): string {
  return `**${doc.title.replace(/\*\*/g, '')}**\n\n${doc.text}`;
}
