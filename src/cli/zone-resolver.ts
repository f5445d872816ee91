/**
 * A simulated DNS built from zone files, for the commands that evaluate
 * against DNS (`spf`, `dkim verify`, later `auth`): each file is parsed with
 * the engine's parser, its records are served by a {@link SimResolver} as
 * the world serves them, and its `;@timeout` / `;@servfail` pragmas make
 * the names they give fail (a CNAME chase that reaches such a name fails
 * too), which the evaluators turn into temperror.
 *
 * A file's origin is, as for `check-zone`: `--origin` (the origin before any
 * `$ORIGIN` line), else the file's own `$ORIGIN`, else its name
 * (`example.com.zone`, `db.example.com`), else the owner of its SOA. Files
 * with the same origin are one zone; records outside a file's origin are
 * ignored, as BIND ignores out-of-zone data.
 */
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import type { ResourceRecord } from '../../simulators/dns/records.ts';
import { SimResolver } from '../../simulators/dns/resolver.ts';
import { ZoneData } from '../../simulators/dns/zone-data.ts';
import {
  parseZone,
  type ParsedZone,
  type ZoneDiagnostic,
  type ZoneFault,
} from '../../simulators/dns/zone-file.ts';
import { originFromFileName } from './commands/check-zone.ts';

/** One zone file's text, as read (or given by a test). */
export interface ZoneSource {
  /** The name to report it under (and to guess its origin from). */
  readonly file: string;
  readonly text: string;
}

/** What one file contributed. */
export interface LoadedZoneFile {
  readonly file: string;
  readonly origin: string;
  readonly records: readonly ResourceRecord[];
  readonly faults: readonly ZoneFault[];
  readonly diagnostics: readonly ZoneDiagnostic[];
}

/** A resolver over zone files, and what each file held. */
export interface ZoneResolver {
  readonly resolver: SimResolver;
  readonly files: readonly LoadedZoneFile[];
}

/** Options of {@link zoneResolver} and {@link loadZoneResolver}. */
export interface ZoneResolverOptions {
  /** The origin of every file, before its `$ORIGIN` lines (`--origin`). */
  readonly origin?: string;
}

/** A zone file that could not be read. */
export class ZoneFileError extends Error {
  override readonly name = 'ZoneFileError';
  constructor(
    readonly file: string,
    readonly why: string,
  ) {
    super(`cannot read ${file}: ${why}`);
  }
}

/** Parses one file, with its origin found as the module comment says. */
export function parseZoneSource(source: ZoneSource, options: ZoneResolverOptions = {}): ParsedZone {
  const hasOriginLine = /^\$ORIGIN[ \t]/im.test(source.text);
  const origin = options.origin ?? (hasOriginLine ? undefined : originFromFileName(source.file));
  return parseZone(source.text, origin === undefined ? {} : { origin });
}

/** Builds the resolver from zone texts already read. */
export function zoneResolver(
  sources: readonly ZoneSource[],
  options: ZoneResolverOptions = {},
): ZoneResolver {
  const files = sources.map((source): LoadedZoneFile => {
    const parsed = parseZoneSource(source, options);
    return {
      file: source.file,
      origin: parsed.origin,
      records: parsed.records,
      faults: parsed.faults ?? [],
      diagnostics: parsed.diagnostics,
    };
  });
  const byOrigin = new Map<string, ResourceRecord[]>();
  for (const f of files) byOrigin.set(f.origin, [...(byOrigin.get(f.origin) ?? []), ...f.records]);
  const data = new ZoneData();
  for (const [origin, records] of byOrigin) data.replaceZone(origin, records);
  const resolver = new SimResolver(data);
  for (const [index, f] of files.entries()) resolver.setFaults(`${index}:${f.file}`, f.faults);
  return { resolver, files };
}

/** Reads the files (relative to `cwd`) and builds the resolver; throws {@link ZoneFileError}. */
export async function loadZoneResolver(
  files: readonly string[],
  cwd: string,
  options: ZoneResolverOptions = {},
): Promise<ZoneResolver> {
  const sources: ZoneSource[] = [];
  for (const file of files) sources.push({ file, text: await readTextFile(file, cwd) });
  return zoneResolver(sources, options);
}

/** Reads a file as UTF-8 text, turning a failure into a {@link ZoneFileError}. */
export async function readTextFile(file: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolvePath(cwd, file), 'utf8');
  } catch (e) {
    throw new ZoneFileError(file, fileErrorReason(e));
  }
}

/** Why a file could not be read, in a few words. */
export function fileErrorReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return 'no such file';
  if (err.code === 'EISDIR') return 'it is a directory';
  if (err.code === 'EACCES') return 'permission denied';
  return err.message;
}

/** A diagnostic as compilers print them: `FILE:LINE:COL: error: message [code]`. */
export function formatDiagnostic(file: string, d: ZoneDiagnostic): string {
  return `${file}:${d.line}:${d.column}: ${d.severity}: ${d.message} [${d.code}]`;
}

/**
 * The lines a command prints to stderr about its zones: the errors (records
 * that were left out), not the warnings, which `check-zone` shows.
 */
export function zoneErrorLines(zones: ZoneResolver): string[] {
  return zones.files.flatMap((f) =>
    f.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(f.file, d)),
  );
}
