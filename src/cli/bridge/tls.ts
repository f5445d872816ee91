/**
 * Certificates for the bridge's real TLS: read from PEM files
 * (`--tls-cert`/`--tls-key`) or made on the spot (`--tls-self-signed`) with
 * the `openssl` command, so no crypto library is needed. A self-signed
 * certificate is what a lab wants: clients must be told to trust it
 * (`swaks --tls`, `curl --insecure`, `ssl._create_unverified_context()`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';

/** A certificate chain and its private key, PEM. */
export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
}

/** A TLS problem the user must fix (missing file, no openssl, bad PEM). */
export class TlsSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsSetupError';
  }
}

/** Reads a certificate (chain) and key from PEM files. */
export async function loadTlsFiles(certFile: string, keyFile: string): Promise<TlsMaterial> {
  const read = async (file: string, what: string) => {
    try {
      return await readFile(file, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new TlsSetupError(
        `cannot read the TLS ${what} ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`,
      );
    }
  };
  return { cert: await read(certFile, 'certificate'), key: await read(keyFile, 'key') };
}

/** A server-side secure context; throws TlsSetupError when the PEM does not parse or the key does not match. */
export function secureContextOf(material: TlsMaterial): SecureContext {
  try {
    return createSecureContext({ cert: material.cert, key: material.key, minVersion: 'TLSv1.2' });
  } catch (e) {
    throw new TlsSetupError(`the TLS certificate or key is not usable: ${(e as Error).message}`);
  }
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { timeout: 60_000 }, (error, _stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr: String(stderr) }));
      else resolve();
    });
  });
}

/**
 * A fresh self-signed certificate for `hostName` (RSA 2048, valid two days),
 * made with `openssl req -x509` in a temporary directory that is removed
 * afterwards.
 */
export async function selfSignedCertificate(
  hostName: string,
  options: { readonly openssl?: string } = {},
): Promise<TlsMaterial> {
  const openssl = options.openssl ?? 'openssl';
  const dir = await mkdtemp(join(tmpdir(), 'mailroom-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  const base = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${hostName}`, '-days', '2'];
  const files = ['-keyout', keyFile, '-out', certFile];
  try {
    try {
      // A subjectAltName lets clients that check names accept it once they trust it (OpenSSL ≥ 1.1.1).
      await run(openssl, [...base, '-addext', `subjectAltName=DNS:${hostName}`, ...files]);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw e;
      await run(openssl, [...base, ...files]);
    }
    return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT')
      throw new TlsSetupError(
        `--tls-self-signed needs the '${openssl}' command, which was not found: install OpenSSL ` +
          `(e.g. apt-get install openssl) or give a certificate with --tls-cert FILE --tls-key FILE`,
      );
    throw new TlsSetupError(
      `openssl could not make a self-signed certificate: ${(err.stderr || err.message).trim()}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
