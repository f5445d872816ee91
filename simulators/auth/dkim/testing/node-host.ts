/**
 * Test-only access to the host: files, temp dirs, child processes and
 * WebCrypto. The engine tsconfig has no Node types and the engine lint bans
 * `node:*` imports (STYLE.md §S2), so the modules are loaded dynamically and
 * typed here by the few members the DKIM tests use. Never import this from
 * engine code.
 */
import { webCryptoDkim, type SubtleLike } from '../crypto.ts';
import type { DkimCrypto } from '../types.ts';

/** Result of a child process. */
export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: string;
}

/** The host functions the tests use. */
export interface NodeHost {
  readBytes(path: string): Uint8Array;
  readText(path: string): string;
  exists(path: string): boolean;
  writeFile(path: string, data: Uint8Array | string): void;
  resolve(...parts: string[]): string;
  /** A fresh temp directory; remove it with {@link NodeHost.remove}. */
  tempDir(prefix: string): string;
  remove(path: string): void;
  /** Runs a program (no shell) with a hard timeout. */
  run(
    file: string,
    args: readonly string[],
    options?: { input?: string; timeoutMs?: number; env?: Record<string, string> },
  ): RunResult;
  /** The repository root (the nearest directory above the working directory holding simulators/). */
  readonly repoRoot: string;
  env(name: string): string | undefined;
}

interface FsModule {
  readFileSync(path: string, encoding?: 'latin1' | 'utf8'): Uint8Array | string;
  existsSync(path: string): boolean;
  writeFileSync(path: string, data: Uint8Array | string): void;
  mkdtempSync(prefix: string): string;
  rmSync(path: string, options: { recursive: boolean; force: boolean }): void;
}
interface PathModule {
  resolve(...parts: string[]): string;
  join(...parts: string[]): string;
  dirname(path: string): string;
}
interface ChildProcessModule {
  spawnSync(
    file: string,
    args: readonly string[],
    options: {
      input?: string;
      timeout: number;
      encoding: 'utf8';
      env?: Record<string, string | undefined>;
      killSignal: string;
    },
  ): { status: number | null; stdout: string; stderr: string; error?: Error };
}
interface ProcessModule {
  cwd(): string;
  env: Record<string, string | undefined>;
}
interface OsModule {
  tmpdir(): string;
}

const load = (name: string): Promise<unknown> => import(/* @vite-ignore */ `node:${name}`);

let host: Promise<NodeHost> | undefined;

/** Loads the host (once). */
export function nodeHost(): Promise<NodeHost> {
  host ??= (async () => {
    const fs = (await load('fs')) as FsModule;
    const path = (await load('path')) as PathModule;
    const cp = (await load('child_process')) as ChildProcessModule;
    const proc = (await load('process')) as ProcessModule;
    const os = (await load('os')) as OsModule;
    let root = proc.cwd();
    while (!fs.existsSync(path.join(root, 'simulators', 'tsconfig.json')) && path.dirname(root) !== root)
      root = path.dirname(root);
    return {
      repoRoot: root,
      readBytes: (p) => new Uint8Array(fs.readFileSync(p) as Uint8Array),
      readText: (p) => fs.readFileSync(p, 'utf8') as string,
      exists: (p) => fs.existsSync(p),
      writeFile: (p, data) => fs.writeFileSync(p, data),
      resolve: (...parts) => path.resolve(...parts),
      tempDir: (prefix) => fs.mkdtempSync(path.join(os.tmpdir(), prefix)),
      remove: (p) => fs.rmSync(p, { recursive: true, force: true }),
      env: (name) => proc.env[name],
      run(file, args, options = {}) {
        const result = cp.spawnSync(file, args, {
          timeout: options.timeoutMs ?? 20_000,
          encoding: 'utf8',
          killSignal: 'SIGKILL',
          ...(options.input !== undefined ? { input: options.input } : {}),
          ...(options.env ? { env: { ...proc.env, ...options.env } } : {}),
        });
        return {
          status: result.status,
          stdout: result.stdout ?? '',
          stderr: result.stderr ?? '',
          ...(result.error ? { error: result.error.message } : {}),
        };
      },
    } satisfies NodeHost;
  })();
  return host;
}

/** The host's WebCrypto as a {@link DkimCrypto}. */
export function hostCrypto(): DkimCrypto {
  const subtle = (globalThis as unknown as { crypto: { subtle: SubtleLike } }).crypto.subtle;
  return webCryptoDkim(subtle);
}

/** Converts bare LF line ends to CRLF (the dkimpy data files use LF). */
export function toCrlf(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x0a && bytes[i - 1] !== 0x0d) out.push(0x0d);
    out.push(b);
  }
  return Uint8Array.from(out);
}
