/**
 * `mailroom check-zone FILE [--origin NAME] [--json]`: parses a BIND master
 * file with the engine's parser (the one the zone editor uses) and prints the
 * records it understood and what is wrong, like `named-checkzone`, and, like
 * the record checkers postmasters use, what is wrong with its SPF, DMARC and
 * DKIM records (the zone editor's record checks).
 *
 * Exit codes: 0 when the zone has no errors (warnings allowed), 1 when it
 * has errors, 2 for a usage error or a file that cannot be read.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.ts';
import { formatFault, formatRecord, normaliseName } from '../../../simulators/dns/zone-file.ts';
import { loadPublicSuffixList } from '../../../simulators/auth/dmarc/org-domain.ts';
import { checkZone } from '../../../simulators/auth/record-lint.ts';

const USAGE = `Usage: mailroom check-zone FILE [--origin NAME] [--json]

Parses a zone file (RFC 1035 master format, with $ORIGIN and $TTL) and prints
its records with absolute names, one per line, then the DNS faults its
pragmas ask for (;@timeout NAME [TYPE ...], ;@servfail NAME [TYPE ...]), as
pragma lines with absolute names. Diagnostics go to stderr as
FILE:LINE:COL: error|warning: message [code]: the zone file's, then in the
same list the checks of its SPF, DMARC and DKIM records (syntax, the 10
DNS lookups of SPF counted through includes and redirects, void lookups,
+all and ?all, ptr, two SPF or DMARC records at one name, DMARC tags and
report addresses, DKIM keys that do not parse or are too short). Includes
and report addresses are followed within this file only.

Options:
  --origin NAME  the zone's origin, for relative names and '@'. Without it, a
                 file with no $ORIGIN takes it from its name: example.com.zone
                 or db.example.com
  --json         print { origin, records, diagnostics } as JSON instead, with
                 faults: [{ kind, name, types?, line }] when there are pragmas
  -h, --help     show this help

Exit status: 0 no errors (warnings allowed), 1 errors, 2 usage or unreadable file.
`;

/**
 * The origin a file name implies, as BIND users name zone files:
 * `example.com.zone` or `db.example.com`. Undefined otherwise.
 */
export function originFromFileName(file: string): string | undefined {
  const name = basename(file);
  const match = /^(.+)\.zone$/i.exec(name) ?? /^db\.(.+)$/i.exec(name);
  const candidate = match?.[1];
  if (candidate === undefined || !/^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?$/i.test(candidate)) return undefined;
  return normaliseName(candidate);
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { origin: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
  } catch (e) {
    io.stderr(`check-zone: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr(
      `check-zone: ${positionals.length === 0 ? 'no zone file given' : 'give one zone file'}\n\n${USAGE}`,
    );
    return 2;
  }
  const file = positionals[0]!;
  if (values.origin !== undefined && normaliseName(values.origin) === undefined) {
    io.stderr(`check-zone: --origin '${values.origin}' is not a domain name\n`);
    return 2;
  }

  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.message;
    io.stderr(`check-zone: cannot read ${file}: ${why}\n`);
    return 2;
  }

  // A $ORIGIN line in the file wins over a name guessed from the file name.
  const hasOriginLine = /^\$ORIGIN[ \t]/im.test(text);
  const origin = values.origin ?? (hasOriginLine ? undefined : originFromFileName(file));
  await loadPublicSuffixList();
  const { zone, diagnostics } = checkZone(text, origin === undefined ? {} : { origin });

  if (values.json) {
    const { faults } = zone;
    const json = { origin: zone.origin, records: zone.records, diagnostics };
    io.stdout(`${JSON.stringify({ ...json, ...(faults === undefined ? {} : { faults }) }, null, 2)}\n`);
  } else {
    for (const rr of zone.records) io.stdout(`${formatRecord(rr)}\n`);
    for (const fault of zone.faults ?? []) io.stdout(`${formatFault(fault)}\n`);
  }
  for (const d of diagnostics) {
    const hint = d.code === 'no-origin' && origin === undefined ? ' (or pass --origin NAME)' : '';
    io.stderr(`${file}:${d.line}:${d.column}: ${d.severity}: ${d.message}${hint} [${d.code}]\n`);
  }
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

/** The `check-zone` subcommand. */
export const checkZoneCommand: CliCommand = {
  name: 'check-zone',
  summary: 'parse a zone file and report its records and problems, SPF/DMARC/DKIM included',
  usage: USAGE,
  run,
};
