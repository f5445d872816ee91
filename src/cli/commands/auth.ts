/**
 * `mailroom auth`: what a receiving MTA concludes about one message — SPF
 * (RFC 7208) for the client address and envelope, every DKIM signature
 * (RFC 6376, RFC 8463), then DMARC (RFC 9989, or RFC 7489 with `--dmarc
 * rfc7489`) combining the two with the From domain's policy — against a
 * simulated DNS made of zone files (with their `;@timeout` / `;@servfail`
 * pragmas), and the Authentication-Results field (RFC 8601) that records it.
 *
 * The message is read from stdin byte for byte (a {@link DkimStreams}, as
 * `dkim` takes). The steps are the MTA's (agents/inbound-auth.ts), run to
 * completion here instead of on the simulated clock: SPF with `--helo` as
 * HELO and `--authserv-id` as `%{r}`, DKIM at `--now`, DMARC for each
 * Author Domain (several only under RFC 7489, strictest failing result).
 *
 * RFC 7489 `pct` sampling draws from a {@link SeededRandom} with the fixed
 * seed {@link DMARC_SEED}, so a run is reproducible.
 *
 * Exit codes: 0 when the checks ran, whatever the verdicts; 1 when a zone
 * file cannot be read; 2 for a usage error.
 */
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.ts';
import { formatAuthenticationResults } from '../../../simulators/auth/authentication-results.ts';
import { runDkim, verifyDkim, webCryptoDkim, type DkimResult } from '../../../simulators/auth/dkim/index.ts';
import { dmarcAuthorDomains, dmarcInputFor } from '../../../simulators/auth/dmarc-input.ts';
import {
  evaluateDmarc,
  loadPublicSuffixList,
  fromDomainOf,
  runDmarc,
  strictestResult,
  type DmarcMode,
  type DmarcPolicy,
  type DmarcResult,
  type IdentifierAlignment,
} from '../../../simulators/auth/dmarc/index.ts';
import {
  evaluateSpf,
  parseClientIp,
  spfInputFor,
  type SpfInput,
  type SpfResult,
} from '../../../simulators/auth/spf/index.ts';
import { SeededRandom } from '../../../simulators/core/random.ts';
import { normaliseName } from '../../../simulators/dns/zone-file.ts';
import { loadZoneResolver, zoneErrorLines, ZoneFileError, type ZoneResolver } from '../zone-resolver.ts';
import { dkimVerifyJson, PROCESS_STREAMS, type DkimSignatureJson, type DkimStreams } from './dkim.ts';

/** The seed of the RFC 7489 `pct` draws; its first draw is 0.8094 (so pct=81 and above select). */
export const DMARC_SEED = 'mailroom auth';

const USAGE = `Usage: mailroom auth --zone FILE [--zone FILE ...] --ip IP --mail-from ADDRESS
                     --helo NAME [options] < message.eml

Checks a message read from stdin (byte for byte; CRLF line ends expected) as
a receiving MTA does: SPF for the client address and envelope sender, every
DKIM-Signature, then DMARC with the From domain's policy, against a
simulated DNS made of zone files. Prints one line per verdict and the
Authentication-Results field that records them.

Options:
  --zone FILE          a zone file (BIND master format); repeat for several.
                       Its origin is its $ORIGIN, else its name
                       (example.com.zone, db.example.com), else its SOA owner
  --ip IP              the SMTP client's address, IPv4 or IPv6
  --mail-from ADDRESS  the MAIL FROM address; --mail-from "" (the null
                       reverse-path) checks postmaster@ the HELO name
                       (RFC 7208 §2.4)
  --helo NAME          the HELO/EHLO name
  --dmarc SPEC         rfc9989 (DMARCbis, the default) or rfc7489
  --authserv-id NAME   the receiver's name in Authentication-Results and
                       SPF's %{r} (default: mailroom)
  --origin NAME        the origin of zone files that have no $ORIGIN
  --now EPOCH          seconds since 1970, for SPF's %{t} and DKIM's x=
                       (default: now)
  --json               print { spf, dkim, dmarc, authenticationResults }:
                         spf    { result, identity, domain, sender,
                                  explanation, lookups, reason }
                         dkim   [{ domain, selector, algorithm, result,
                                  reason }], one per DKIM-Signature field,
                                  top to bottom (as dkim verify --json)
                         dmarc  { result, policy, disposition, domain,
                                  policyDomain, alignment: { spf, dkim },
                                  reason }; policy is what the record
                                  requests (p=, or sp=/np= where it
                                  applies), disposition what is applied
                         authenticationResults  the header field, folded
                                  with CRLF, without the final CRLF
  -h, --help           show this help

RFC 7489 pct= sampling is reproducible: the draws come from a seeded
generator with the fixed seed "${DMARC_SEED}", whose first draw is 0.8094,
so a failing message is selected when pct is 81 or more. RFC 9989 ignores
pct= (t=y lowers the policy instead).

A zone line ";@timeout NAME [TYPE ...]" or ";@servfail NAME [TYPE ...]" (a
comment to BIND) makes lookups of NAME fail: the check that needed it gives
temperror.

Exit status: 0 the checks ran (whatever the verdicts), 1 a zone file could
not be read, 2 usage error.

Example:
  mailroom auth --zone example.com.zone --ip 192.0.2.25 \\
      --mail-from alice@example.com --helo mail.example.com --json < signed.eml
`;

/** `spf` in the `--json` output. */
export interface AuthSpfJson {
  readonly result: SpfResult['result'];
  /** Which identity was checked: MAIL FROM, or HELO for the null reverse-path. */
  readonly identity: 'mailfrom' | 'helo';
  readonly domain: string;
  readonly sender: string;
  readonly explanation: string | null;
  readonly lookups: number;
  readonly reason: string;
}

/** `dmarc` in the `--json` output. */
export interface AuthDmarcJson {
  readonly result: DmarcResult['result'];
  /** What the record requests for this message (p=, sp= or np=); null when no record applies. */
  readonly policy: DmarcPolicy | null;
  /** What is applied: none unless the message fails, lowered by pct= sampling or t=y. */
  readonly disposition: DmarcPolicy;
  /** The Author Domain (RFC5322.From); null when the message has no single one. */
  readonly domain: string | null;
  /** Where the record that applies was found; null when none. */
  readonly policyDomain: string | null;
  readonly alignment: {
    readonly spf: IdentifierAlignment;
    readonly dkim: readonly IdentifierAlignment[];
  } | null;
  readonly reason: string;
}

/** The `--json` output. */
export interface AuthJson {
  readonly spf: AuthSpfJson;
  readonly dkim: readonly DkimSignatureJson[];
  readonly dmarc: AuthDmarcJson;
  readonly authenticationResults: string;
}

/** What the checks concluded. */
interface Verdicts {
  readonly spf: { readonly result: SpfResult; readonly input: SpfInput };
  readonly dkim: readonly DkimResult[];
  /** Undefined when DMARC does not apply (no single Author Domain), with why. */
  readonly dmarc: DmarcResult | undefined;
  readonly dmarcWhy: string;
  readonly authenticationResults: string;
}

function spfJson({ result, input }: Verdicts['spf']): AuthSpfJson {
  return {
    result: result.result,
    identity: input.identity ?? 'mailfrom',
    domain: input.domain,
    sender: input.sender,
    explanation: result.explanation ?? null,
    lookups: result.lookups,
    reason: result.reason,
  };
}

function dmarcJson(dmarc: DmarcResult | undefined, why: string): AuthDmarcJson {
  if (dmarc === undefined) {
    return {
      result: 'none',
      policy: null,
      disposition: 'none',
      domain: null,
      policyDomain: null,
      alignment: null,
      reason: `DMARC not applied: ${why}`,
    };
  }
  return {
    result: dmarc.result,
    policy: dmarc.policy ?? null,
    disposition: dmarc.disposition,
    domain: dmarc.fromDomain,
    policyDomain: dmarc.policyDomain ?? null,
    alignment: dmarc.alignment,
    reason: dmarc.reason,
  };
}

/** The JSON object printed for the verdicts. */
function authJson(v: Verdicts): AuthJson {
  return {
    spf: spfJson(v.spf),
    dkim: dkimVerifyJson(v.dkim).signatures,
    dmarc: dmarcJson(v.dmarc, v.dmarcWhy),
    authenticationResults: v.authenticationResults,
  };
}

function readableLines(v: Verdicts): string[] {
  const { result, input } = v.spf;
  const identity = input.identity ?? 'mailfrom';
  const lines = [
    `SPF (smtp.${identity}=${identity === 'helo' ? input.helo : input.domain}): ${result.result} — ${result.explanation ?? result.reason}`,
  ];
  for (const d of v.dkim) {
    if (d.index === undefined) {
      lines.push(`DKIM: ${d.result} — ${d.reason}`);
      continue;
    }
    const who = [
      d.domain === undefined ? undefined : `d=${d.domain}`,
      d.selector === undefined ? undefined : `s=${d.selector}`,
      d.algorithm === undefined ? undefined : `a=${d.algorithm}`,
    ].filter((x) => x !== undefined);
    lines.push(
      `DKIM-Signature #${d.index + 1}${who.length > 0 ? ` (${who.join(' ')})` : ''}: ${d.result} — ${d.reason}`,
    );
  }
  const dm = v.dmarc;
  if (dm === undefined) lines.push(`DMARC: none — not applied: ${v.dmarcWhy}`);
  else {
    const policy =
      dm.policy === undefined ? '' : `, policy ${dm.policyTag}=${dm.policy}, disposition ${dm.disposition}`;
    lines.push(`DMARC (header.from=${dm.fromDomain}): ${dm.result}${policy} — ${dm.reason}`);
  }
  lines.push(v.authenticationResults.replace(/\r\n/g, '\n'));
  return lines;
}

class UsageError extends Error {}

const DMARC_MODES: readonly DmarcMode[] = ['rfc9989', 'rfc7489'];
// RFC 2045 token characters, as Authentication-Results writes an authserv-id unquoted.
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;

const OPTIONS = {
  zone: { type: 'string', multiple: true },
  ip: { type: 'string' },
  'mail-from': { type: 'string' },
  helo: { type: 'string' },
  dmarc: { type: 'string' },
  'authserv-id': { type: 'string' },
  origin: { type: 'string' },
  now: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

interface Settings {
  readonly zones: readonly string[];
  readonly ip: string;
  readonly mailFrom: string;
  readonly helo: string;
  readonly mode: DmarcMode;
  readonly authservId: string;
  readonly origin: string | undefined;
  readonly now: number;
  readonly json: boolean;
}

function settings(values: Values): Settings {
  const zones = values.zone ?? [];
  if (zones.length === 0) throw new UsageError('missing --zone FILE (the DNS to evaluate against)');
  if (values.ip === undefined) throw new UsageError("missing --ip IP (the SMTP client's address)");
  if (values['mail-from'] === undefined) {
    throw new UsageError('missing --mail-from ADDRESS (use --mail-from "" for the null reverse-path)');
  }
  if (values.helo === undefined || values.helo === '') {
    throw new UsageError('missing --helo NAME (the HELO/EHLO name)');
  }
  if (parseClientIp(values.ip) === undefined) {
    throw new UsageError(`--ip '${values.ip}' is not an IPv4 or IPv6 address`);
  }
  const mode = DMARC_MODES.find((m) => m === values.dmarc?.toLowerCase());
  if (values.dmarc !== undefined && mode === undefined) {
    throw new UsageError(`--dmarc '${values.dmarc}' is not one of ${DMARC_MODES.join(', ')}`);
  }
  const authservId = values['authserv-id'] ?? 'mailroom';
  if (!TOKEN.test(authservId)) {
    throw new UsageError(`--authserv-id '${authservId}' is not a name (a token, e.g. mx.example.org)`);
  }
  if (values.origin !== undefined && normaliseName(values.origin) === undefined) {
    throw new UsageError(`--origin '${values.origin}' is not a domain name`);
  }
  let now = Math.floor(Date.now() / 1000);
  if (values.now !== undefined) {
    if (!/^[0-9]{1,15}$/.test(values.now)) {
      throw new UsageError(`--now '${values.now}' is not a number of seconds since 1970`);
    }
    now = Number(values.now);
  }
  return {
    zones,
    ip: values.ip,
    mailFrom: values['mail-from'],
    helo: values.helo,
    mode: mode ?? 'rfc9989',
    authservId,
    origin: values.origin,
    now,
    json: values.json === true,
  };
}

/** Runs SPF, DKIM and DMARC on the message, as the MTA does (agents/inbound-auth.ts). */
async function check(message: Uint8Array, s: Settings, dns: ZoneResolver): Promise<Verdicts> {
  if (s.mode === 'rfc7489') await loadPublicSuffixList();
  const resolve = dns.resolver.resolve.bind(dns.resolver);
  const input = spfInputFor({
    ip: s.ip,
    mailFrom: s.mailFrom,
    helo: s.helo,
    receiver: s.authservId,
    now: s.now,
  });
  const spf = { result: evaluateSpf(input, resolve), input };
  const dkim = await runDkim(verifyDkim(message, { now: s.now }), {
    resolve,
    crypto: webCryptoDkim(globalThis.crypto.subtle),
  });
  const random = new SeededRandom(DMARC_SEED);
  const { domains, why } = dmarcAuthorDomains(fromDomainOf(message, s.mode));
  const results = domains.map((fromDomain) =>
    runDmarc(
      evaluateDmarc(dmarcInputFor(fromDomain, spf, dkim, { mode: s.mode, random: () => random.next() })),
      resolve,
    ),
  );
  const dmarc = results.length === 0 ? undefined : strictestResult(results);
  const authenticationResults = formatAuthenticationResults({
    authservId: s.authservId,
    spf,
    // An unsigned message's single `none` result becomes `dkim=none`.
    dkim: dkim.filter((d) => d.result !== 'none'),
    ...(dmarc === undefined ? {} : { dmarc }),
  });
  return { spf, dkim, dmarc, dmarcWhy: why ?? '', authenticationResults };
}

/** The `auth` command over the given streams (tests pass collectors). */
export function createAuthCommand(streams: DkimStreams = PROCESS_STREAMS): CliCommand {
  async function run(args: readonly string[], io: CliIo): Promise<number> {
    const usageError = (message: string): number => {
      io.stderr(`auth: ${message}\n\n${USAGE}`);
      return 2;
    };
    let s: Settings;
    try {
      const parsed = parseArgs({ args: [...args], allowPositionals: true, options: OPTIONS });
      if (parsed.positionals.length > 0) {
        return usageError(`unexpected argument '${parsed.positionals[0]}' (the message is read from stdin)`);
      }
      s = settings(parsed.values);
    } catch (e) {
      return usageError((e as Error).message);
    }
    let dns: ZoneResolver;
    try {
      dns = await loadZoneResolver(s.zones, io.cwd, s.origin === undefined ? {} : { origin: s.origin });
    } catch (e) {
      if (!(e instanceof ZoneFileError)) throw e;
      io.stderr(`auth: ${e.message}\n`);
      return 1;
    }
    const message = await streams.readStdin();
    if (message === undefined) return usageError('give the message on stdin, e.g. < message.eml');
    for (const line of zoneErrorLines(dns)) io.stderr(`${line}\n`);
    const verdicts = await check(message, s, dns);
    if (s.json) io.stdout(`${JSON.stringify(authJson(verdicts), null, 2)}\n`);
    else for (const line of readableLines(verdicts)) io.stdout(`${line}\n`);
    return 0;
  }
  return {
    name: 'auth',
    summary: 'check a message from stdin with SPF, DKIM and DMARC, as a receiving MTA does',
    usage: USAGE,
    run,
  };
}

/** The `auth` subcommand, on the process's stdin. */
export const authCommand: CliCommand = createAuthCommand();
