/**
 * DKIM interop with independent implementations: Python dkimpy (Debian
 * python3-dkim) verifies what we sign and signs what we verify, for
 * rsa-sha256 and ed25519-sha256; keys come from `openssl genpkey`.
 * OpenDKIM's opendkim-testmsg can only sign here (rsa-sha1, see below).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64Encode, bytesEqual, bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import { runDkim, txtResolver } from '../auth/dkim/driver.ts';
import { derivePublicKey, keyRecordFor, privateKeyPkcs8, readPem } from '../auth/dkim/pem.ts';
import { signDkim } from '../auth/dkim/sign.ts';
import { verifyDkim } from '../auth/dkim/verify.ts';
import type { DkimGenerator, DkimKeyType } from '../auth/dkim/types.ts';
import { hostCrypto, nodeHost, type NodeHost, type RunResult } from '../auth/dkim/testing/node-host.ts';

const crypto = hostCrypto();
const DOMAIN = 'example.com';
const SELECTOR = 'sel';
const KEY_NAME = `${SELECTOR}._domainkey.${DOMAIN}`;
const TIMEOUT_MS = 20_000;

const MESSAGE = latin1Bytes(
  [
    'Received: from relay.example.net by mx.example.org',
    'From: Alice Example <alice@example.com>',
    'To: Bob <bob@example.org>',
    'Subject: Interop  test\t with   spaces',
    'Date: Thu, 01 Jan 2026 12:00:00 +0000',
    'Message-ID: <interop-1@example.com>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Hello Bob,  ',
    '',
    'trailing whitespace and blank lines follow\t',
    '',
    '',
  ].join('\r\n'),
);

const PY_VERIFY = `
import sys, dkim
msg = open(sys.argv[1], 'rb').read()
record = open(sys.argv[3], 'rb').read()
def dnsfunc(name, timeout=5):
    if isinstance(name, str): name = name.encode()
    return record if name.rstrip(b'.').lower() == sys.argv[2].encode() else None
print('pass' if dkim.verify(msg, dnsfunc=dnsfunc) else 'fail')
`;
const PY_SIGN = `
import sys, dkim
msg = open(sys.argv[1], 'rb').read()
key = open(sys.argv[2], 'rb').read()
sig = dkim.sign(msg, b'${SELECTOR}', b'${DOMAIN}', key, canonicalize=(b'relaxed', b'relaxed'),
                signature_algorithm=sys.argv[3].encode(), linesep=b'\\r\\n')
sys.stdout.buffer.write(sig + msg)
`;

interface Key {
  readonly keyType: DkimKeyType;
  readonly pemPath: string;
  /** What dkimpy takes: PKCS#1 PEM for RSA, the base64 seed for Ed25519. */
  readonly dkimpyKeyPath: string;
  readonly pkcs8: Uint8Array;
  readonly record: string[];
  readonly opensslSpki: Uint8Array;
}

let host: NodeHost;
let tmp: string;
let python: string;
const keys: Partial<Record<DkimKeyType, Key>> = {};

const run = <T>(gen: DkimGenerator<T>, records: Record<string, string | string[]> = {}) =>
  runDkim(gen, { resolve: txtResolver(records), crypto });

function check(result: RunResult, what: string): string {
  if (result.error || result.status !== 0) {
    throw new Error(
      `${what} failed (status ${result.status}${result.error ? `, ${result.error}` : ''}): ${result.stderr}`,
    );
  }
  return result.stdout;
}

beforeAll(async () => {
  host = await nodeHost();
  tmp = host.tempDir('mailroom-dkim-');
  python = host.env('MAILROOM_PYTHON') ?? (host.exists('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
  const probe = host.run(python, ['-c', 'import dkim, nacl'], { timeoutMs: TIMEOUT_MS });
  if (probe.status !== 0) {
    throw new Error(
      `${python} cannot import dkimpy (${probe.error ?? probe.stderr.trim()}): apt-get install python3-dkim python3-nacl`,
    );
  }
  for (const keyType of ['rsa', 'ed25519'] as const) {
    const pemPath = `${tmp}/${keyType}.pem`;
    const args =
      keyType === 'rsa'
        ? ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']
        : ['-algorithm', 'ED25519'];
    check(
      host.run('openssl', ['genpkey', ...args, '-out', pemPath], { timeoutMs: TIMEOUT_MS }),
      'openssl genpkey (apt-get install openssl)',
    );
    const pem = host.readText(pemPath);
    const pkcs8 = privateKeyPkcs8(pem)!;
    const derPath = `${tmp}/${keyType}.pub.der`;
    check(
      host.run('openssl', ['pkey', '-in', pemPath, '-pubout', '-outform', 'DER', '-out', derPath], {
        timeoutMs: TIMEOUT_MS,
      }),
      'openssl pkey',
    );
    const dkimpyKeyPath = `${tmp}/${keyType}.dkimpy`;
    if (keyType === 'rsa') {
      check(
        host.run('openssl', ['pkey', '-in', pemPath, '-traditional', '-out', dkimpyKeyPath], {
          timeoutMs: TIMEOUT_MS,
        }),
        'openssl pkey -traditional',
      );
    } else {
      host.writeFile(dkimpyKeyPath, base64Encode(readPem(pem)!.der.slice(-32)));
    }
    const spki = await run(derivePublicKey(pkcs8, keyType));
    keys[keyType] = {
      keyType,
      pemPath,
      dkimpyKeyPath,
      pkcs8,
      record: keyRecordFor(spki, keyType),
      opensslSpki: host.readBytes(derPath),
    };
  }
}, 60_000);

afterAll(() => {
  if (tmp) host.remove(tmp);
});

describe.each(['rsa', 'ed25519'] as const)('%s', (keyType) => {
  const algorithm = keyType === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256';
  const key = () => keys[keyType]!;

  it('our public key equals openssl’s', async () => {
    const spki = await run(derivePublicKey(key().pkcs8, keyType));
    expect(bytesEqual(spki, key().opensslSpki)).toBe(true);
  });

  it.each(['relaxed/relaxed', 'simple/simple', 'relaxed/simple', 'simple/relaxed'] as const)(
    'dkimpy verifies what we sign (%s)',
    async (canonicalization) => {
      const signed = await run(
        signDkim(MESSAGE, {
          domain: DOMAIN,
          selector: SELECTOR,
          privateKeyPkcs8: key().pkcs8,
          algorithm,
          canonicalization,
          timestamp: 1767225600,
        }),
      );
      const msgPath = `${tmp}/ours-${keyType}.eml`;
      const recordPath = `${tmp}/${keyType}.txt`;
      host.writeFile(msgPath, signed);
      host.writeFile(recordPath, key().record.join(''));
      const out = check(
        host.run(python, ['-c', PY_VERIFY, msgPath, KEY_NAME, recordPath], { timeoutMs: TIMEOUT_MS }),
        'dkimpy verify',
      );
      expect(out.trim()).toBe('pass');
      // And dkimpy notices tampering.
      host.writeFile(msgPath, latin1Bytes(bytesToLatin1(signed).replace('Hello Bob', 'Hello Eve')));
      const tampered = check(
        host.run(python, ['-c', PY_VERIFY, msgPath, KEY_NAME, recordPath], { timeoutMs: TIMEOUT_MS }),
        'dkimpy verify',
      );
      expect(tampered.trim()).toBe('fail');
    },
    TIMEOUT_MS,
  );

  it(
    'we verify what dkimpy signs',
    async () => {
      const msgPath = `${tmp}/plain.eml`;
      host.writeFile(msgPath, MESSAGE);
      const out = host.run(python, ['-c', PY_SIGN, msgPath, key().dkimpyKeyPath, algorithm], {
        timeoutMs: TIMEOUT_MS,
      });
      check(out, 'dkimpy sign');
      const signed = latin1Bytes(out.stdout);
      const results = await run(verifyDkim(signed, { now: 1767225600 }), { [KEY_NAME]: key().record });
      expect(results.map((r) => [r.result, r.algorithm, r.reason])).toEqual([
        ['pass', algorithm, 'signature verified'],
      ]);
      const tampered = latin1Bytes(bytesToLatin1(signed).replace('Subject: Interop', 'Subject: Intercept'));
      expect((await run(verifyDkim(tampered, { now: 0 }), { [KEY_NAME]: key().record }))[0]?.result).toBe(
        'fail',
      );
    },
    TIMEOUT_MS,
  );
});

describe('OpenDKIM', () => {
  // opendkim-testmsg verifies only against live DNS (no key-file option), so
  // it cannot check our signatures offline; it signs with a=rsa-sha1 only,
  // which RFC 8301 §3.1 forbids verifiers to accept. What can be checked is
  // that we read its signature and refuse it for the right reason.
  it(
    'opendkim-testmsg signs rsa-sha1; we report it obsolete (RFC 8301)',
    () => {
      const probe = host.run('opendkim-testmsg', ['-x'], { timeoutMs: TIMEOUT_MS });
      if (probe.error)
        throw new Error(`opendkim-testmsg is missing (${probe.error}): apt-get install opendkim-tools`);
      const traditional = `${tmp}/rsa.pkcs1.pem`;
      check(
        host.run('openssl', ['pkey', '-in', keys.rsa!.pemPath, '-traditional', '-out', traditional], {
          timeoutMs: TIMEOUT_MS,
        }),
        'openssl',
      );
      const out = check(
        host.run('opendkim-testmsg', ['-C', '-d', DOMAIN, '-s', SELECTOR, '-k', traditional], {
          input: bytesToLatin1(MESSAGE),
          timeoutMs: TIMEOUT_MS,
        }),
        'opendkim-testmsg',
      );
      expect(out).toMatch(/^DKIM-Signature: v=1; a=rsa-sha1;/);
      return run(verifyDkim(latin1Bytes(out), { now: 0 }), { [KEY_NAME]: keys.rsa!.record }).then(
        (results) => {
          expect(results[0]).toMatchObject({
            result: 'permerror',
            domain: DOMAIN,
            selector: SELECTOR,
            reason: expect.stringContaining('RFC 8301'),
          });
        },
      );
    },
    TIMEOUT_MS,
  );
});
