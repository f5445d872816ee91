/**
 * `mailroom spf --zone FILE --ip IP --mail-from ADDRESS --helo NAME [--json]`:
 * runs the engine's check_host() (RFC 7208) against a simulated DNS built
 * from zone files, with their `;@timeout` / `;@servfail` pragmas, and prints
 * the evaluation as a tree, or as JSON.
 *
 * Exit codes: 0 when the evaluation ran, whatever its result; 1 when a zone
 * file cannot be read; 2 for a usage error.
 */
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.ts';
import {
  evaluateSpf,
  parseClientIp,
  spfInputFor,
  type SpfResult,
  type SpfStep,
} from '../../../simulators/auth/spf/index.ts';
import { normaliseName } from '../../../simulators/dns/zone-file.ts';
import { loadZoneResolver, zoneErrorLines, ZoneFileError, type ZoneResolver } from '../zone-resolver.ts';

const USAGE = `Usage: mailroom spf --zone FILE [--zone FILE ...] --ip IP --mail-from ADDRESS
                    --helo NAME [--origin NAME] [--now EPOCH] [--json]

Evaluates SPF (RFC 7208 check_host()) for a client address and envelope
sender against a simulated DNS made of zone files, and prints each record,
term and DNS query as a tree, then the result.

Options:
  --zone FILE          a zone file (BIND master format); repeat for several.
                       Its origin is its $ORIGIN, else its name
                       (example.com.zone, db.example.com), else its SOA owner
  --ip IP              the SMTP client's address, IPv4 or IPv6
  --mail-from ADDRESS  the MAIL FROM address; --mail-from "" (the null
                       reverse-path) checks postmaster@ the HELO name
                       (RFC 7208 §2.4)
  --helo NAME          the HELO/EHLO name (for %{h}, and for a null sender)
  --origin NAME        the origin of zone files that have no $ORIGIN
  --now EPOCH          seconds since 1970 for %{t} (default: now)
  --json               print { result, explanation, lookups, steps } as JSON
  -h, --help           show this help

DNS faults go in a zone file as comments, so BIND still loads it:
  ;@timeout NAME [TYPE ...]    queries for NAME (or only these types) time out
  ;@servfail NAME [TYPE ...]   … are answered SERVFAIL
NAME is absolute ($ORIGIN does not apply); both give temperror.

Exit status: 0 the evaluation ran (whatever the result), 1 a zone file could
not be read, 2 usage error.

Example:
  mailroom spf --zone example.com.zone --ip 192.0.2.25 \\
      --mail-from alice@example.com --helo smtp.example.com
`;

/** The `--json` output (the issue's shape: exactly these four keys). */
export interface SpfJson {
  readonly result: SpfResult['result'];
  /** For `fail`, the `exp=` text or the default explanation (RFC 7208 §6.2); null otherwise. */
  readonly explanation: string | null;
  /** DNS-querying terms counted against the limit of ten (§4.6.4). */
  readonly lookups: number;
  readonly steps: readonly SpfStep[];
}

/** The JSON object printed for a result. */
export function spfJson(result: SpfResult): SpfJson {
  return {
    result: result.result,
    explanation: result.explanation ?? null,
    lookups: result.lookups,
    steps: result.steps,
  };
}

function answerText(step: Extract<SpfStep, { kind: 'query' }>): string {
  if (step.rcode !== 'NOERROR') return step.rcode;
  if (step.answers.length === 0) return 'no records (void)';
  return step.answers.join(', ');
}

/**
 * The steps as an indented tree: each include/redirect nests two levels
 * (its check, then its contents), and what a term does (its queries, the
 * check it starts, its verdict) sits one level under the term.
 */
export function formatSpfTree(steps: readonly SpfStep[]): string[] {
  const lines: string[] = [];
  const openTerm = new Set<number>();
  const put = (level: number, text: string) => lines.push(`${'  '.repeat(level)}${text}`);
  for (const [i, step] of steps.entries()) {
    const d = step.depth;
    const inner = 2 * d + 1 + (openTerm.has(d) ? 1 : 0);
    switch (step.kind) {
      case 'check':
        openTerm.delete(d);
        put(2 * d, `check_host(${step.domain})${step.via === 'initial' ? '' : ` via ${step.via}`}`);
        break;
      case 'query':
        put(inner, `${step.type} ${step.name}? ${answerText(step)}  [${step.purpose}]`);
        break;
      case 'record':
        put(inner, `record: ${step.text}`);
        break;
      case 'syntax-error':
        put(inner, `syntax error: ${step.message}`);
        put(inner + 1, step.text);
        put(inner + 1, `${' '.repeat(step.position)}^`);
        break;
      case 'term':
        put(inner, `term ${step.index + 1}: ${step.text}`);
        openTerm.add(d);
        break;
      case 'term-result': {
        // A term that errs is not a match, and the error ends its level: say so rather than "no match".
        const next = steps[i + 1];
        const erred =
          !step.matched &&
          next?.kind === 'result' &&
          next.depth === d &&
          (next.result === 'temperror' || next.result === 'permerror');
        put(inner, `${step.matched ? 'match' : erred ? 'error' : 'no match'}: ${step.reason}`);
        openTerm.delete(d);
        break;
      }
      case 'limit':
        put(inner, `limit: ${step.message}`);
        break;
      case 'explanation':
        put(inner, `explanation (${step.source === 'exp' ? 'exp=' : 'default'}): ${step.text}`);
        break;
      case 'result':
        put(inner, `=> ${step.result}: ${step.reason}`);
        break;
    }
  }
  return lines;
}

/** The last line of the readable output. */
export function formatSpfResultLine(result: SpfResult): string {
  const lookups = `${result.lookups} DNS ${result.lookups === 1 ? 'lookup' : 'lookups'}`;
  const why = result.explanation ?? result.reason;
  return `SPF result: ${result.result} (${lookups}) — ${why}`;
}

function usageError(io: CliIo, message: string): number {
  io.stderr(`spf: ${message}\n\n${USAGE}`);
  return 2;
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: false,
      options: {
        zone: { type: 'string', multiple: true },
        ip: { type: 'string' },
        'mail-from': { type: 'string' },
        helo: { type: 'string' },
        origin: { type: 'string' },
        now: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    return usageError(io, (e as Error).message);
  }
  const { values } = parsed;
  const zones = values.zone ?? [];
  if (zones.length === 0) return usageError(io, 'missing --zone FILE (the DNS to evaluate against)');
  if (values.ip === undefined) return usageError(io, "missing --ip IP (the SMTP client's address)");
  if (values['mail-from'] === undefined) {
    return usageError(io, 'missing --mail-from ADDRESS (use --mail-from "" for the null reverse-path)');
  }
  if (values.helo === undefined) return usageError(io, 'missing --helo NAME (the HELO/EHLO name)');
  if (parseClientIp(values.ip) === undefined) {
    return usageError(io, `--ip '${values.ip}' is not an IPv4 or IPv6 address`);
  }
  if (values.origin !== undefined && normaliseName(values.origin) === undefined) {
    return usageError(io, `--origin '${values.origin}' is not a domain name`);
  }
  let now = Math.floor(Date.now() / 1000);
  if (values.now !== undefined) {
    if (!/^[0-9]{1,15}$/.test(values.now)) {
      return usageError(io, `--now '${values.now}' is not a number of seconds since 1970`);
    }
    now = Number(values.now);
  }

  let dns: ZoneResolver;
  try {
    dns = await loadZoneResolver(zones, io.cwd, values.origin === undefined ? {} : { origin: values.origin });
  } catch (e) {
    if (!(e instanceof ZoneFileError)) throw e;
    io.stderr(`spf: ${e.message}\n`);
    return 1;
  }
  for (const line of zoneErrorLines(dns)) io.stderr(`${line}\n`);

  const input = spfInputFor({ ip: values.ip, mailFrom: values['mail-from'], helo: values.helo, now });
  const result = evaluateSpf(input, (q) => dns.resolver.resolve(q));

  if (values.json) {
    io.stdout(`${JSON.stringify(spfJson(result), null, 2)}\n`);
  } else {
    if (input.identity === 'helo') {
      io.stdout(`null reverse-path: checking ${input.sender} (RFC 7208 §2.4)\n`);
    }
    for (const line of formatSpfTree(result.steps)) io.stdout(`${line}\n`);
    io.stdout(`${formatSpfResultLine(result)}\n`);
  }
  return 0;
}

/** The `spf` subcommand. */
export const spfCommand: CliCommand = {
  name: 'spf',
  summary: 'evaluate SPF for an address and sender against zone files',
  usage: USAGE,
  run,
};
