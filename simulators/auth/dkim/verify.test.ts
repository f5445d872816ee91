import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesToLatin1, concatBytes, latin1Bytes } from '../../core/bytes.ts';
import type { DnsAnswer } from '../../dns/records.ts';
import { readHeaderSection } from '../../mime/header-section.ts';
import { signDkim, type SignOptions } from './sign.ts';
import { ed25519Key, message, rsaKey, run, type TestKey } from './testing/harness.ts';
import { keyFromAnswer, verifyDkim, type DkimResult } from './verify.ts';
import type { DkimRequest } from './types.ts';

const NAME = 'sel._domainkey.example.com';
const BASE = message(
  'Received: from relay.example.net',
  'From: Alice <alice@example.com>',
  'To: bob@example.org',
  'Subject: Lunch',
  'Date: Thu, 1 Jan 2026 12:00:00 +0000',
  'Message-ID: <1@example.com>',
  '',
  'Shall we meet at noon?',
  '',
);

let ed: TestKey;
let rsa: TestKey;
beforeAll(async () => {
  [ed, rsa] = await Promise.all([ed25519Key(), rsaKey(2048)]);
});

function opts(key: TestKey, extra: Partial<SignOptions> = {}): SignOptions {
  return {
    domain: 'example.com',
    selector: 'sel',
    privateKeyPkcs8: key.pkcs8,
    algorithm: key.keyType === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256',
    ...extra,
  };
}

async function signAndVerify(
  key: TestKey,
  extra: Partial<SignOptions> = {},
  mutate = (m: Uint8Array) => m,
  dns?: Record<string, string | string[]>,
  now = 1000,
) {
  const signed = await run(signDkim(BASE, opts(key, extra)));
  return run(verifyDkim(mutate(signed), { now }), dns ?? { [NAME]: key.record });
}

const edit = (from: string, to: string) => (m: Uint8Array) => latin1Bytes(bytesToLatin1(m).replace(from, to));

describe('verifyDkim', () => {
  it('an unsigned message is none', async () => {
    expect(await run(verifyDkim(BASE, { now: 0 }))).toEqual([
      { result: 'none', reason: 'message not signed', testing: false, warnings: [] },
    ]);
  });

  it.each(['rsa', 'ed25519'] as const)('%s round trip passes for every canonicalization', async (type) => {
    for (const canonicalization of [
      'simple/simple',
      'simple/relaxed',
      'relaxed/simple',
      'relaxed/relaxed',
    ] as const) {
      const [r] = await signAndVerify(type === 'rsa' ? rsa : ed, { canonicalization });
      expect(r).toMatchObject({ result: 'pass', domain: 'example.com', selector: 'sel', testing: false });
      expect(r?.hashed?.canonicalHeaders).toContain('Lunch');
    }
  });

  it('a mailing-list footer breaks the body hash', async () => {
    const [r] = await signAndVerify(ed, {}, (m) => concatBytes([m, latin1Bytes('--\r\nlist footer\r\n')]));
    expect(r?.result).toBe('fail');
    expect(r?.reason).toContain('body hash did not verify');
    expect(r?.bodyHash?.expected).not.toBe(r?.bodyHash?.computed);
  });

  it('l= lets the footer through, with a warning, or policy when asked', async () => {
    const footer = (m: Uint8Array) => concatBytes([m, latin1Bytes('footer\r\n')]);
    const [r] = await signAndVerify(ed, { bodyLength: 'all' }, footer);
    expect(r?.result).toBe('pass');
    expect(r?.warnings.join()).toContain('unsigned');
    const signed = await run(signDkim(BASE, opts(ed, { bodyLength: 'all' })));
    const [p] = await run(verifyDkim(footer(signed), { now: 0, rejectUnsignedBodyTail: true }), {
      [NAME]: ed.record,
    });
    expect(p?.result).toBe('policy');
  });

  it('a truncated body with l= fails', async () => {
    const [r] = await signAndVerify(ed, { bodyLength: 'all' }, edit('Shall we meet at noon?\r\n', ''));
    expect(r?.result).toBe('fail');
    expect(r?.reason).toContain('only');
  });

  it('a changed signed header fails the signature; unsigned ones do not matter', async () => {
    const [changed] = await signAndVerify(rsa, {}, edit('Subject: Lunch', 'Subject: Dinner'));
    expect(changed).toMatchObject({
      result: 'fail',
      reason: expect.stringContaining('signature did not verify'),
    });
    const [added] = await signAndVerify(rsa, {}, edit('Received:', 'X-Foo: bar\r\nReceived:'));
    expect(added?.result).toBe('pass');
  });

  it('over-signed From: an added From fails, top or bottom', async () => {
    const [top] = await signAndVerify(ed, {}, edit('Received:', 'From: mallory@evil.example\r\nReceived:'));
    expect(top?.result).toBe('fail');
    const [bottom] = await signAndVerify(ed, {}, edit('\r\n\r\n', '\r\nFrom: mallory@evil.example\r\n\r\n'));
    expect(bottom?.result).toBe('fail');
    // Without over-signing, a From added at the top is not seen (the bottom one is chosen).
    const [weak] = await signAndVerify(
      ed,
      { headers: ['from', 'to', 'subject'] },
      edit('Received:', 'From: mallory@evil.example\r\nReceived:'),
    );
    expect(weak?.result).toBe('pass');
  });

  it('relaxed survives whitespace and case changes in headers; simple does not', async () => {
    const change = edit('Subject: Lunch', 'SUBJECT:   Lunch  ');
    expect((await signAndVerify(ed, { canonicalization: 'relaxed/relaxed' }, change))[0]?.result).toBe(
      'pass',
    );
    expect((await signAndVerify(ed, { canonicalization: 'simple/simple' }, change))[0]?.result).toBe('fail');
  });

  const dnsRows: [
    string,
    Record<string, string | string[]> | ((name: string) => DnsAnswer),
    string,
    string,
  ][] = [
    ['no record', {}, 'permerror', 'no key for signature'],
    ['timeout', () => ({ rcode: 'TIMEOUT', answers: [] }), 'temperror', 'TIMEOUT'],
    ['servfail', () => ({ rcode: 'SERVFAIL', answers: [] }), 'temperror', 'SERVFAIL'],
    ['NODATA', () => ({ rcode: 'NOERROR', answers: [] }), 'permerror', 'no key for signature'],
    ['syntax error', { [NAME]: 'v=DKIM1; p' }, 'permerror', 'key record syntax error'],
    ['revoked', { [NAME]: 'v=DKIM1; p=' }, 'permerror', 'key revoked'],
    [
      'wrong hash',
      { [NAME]: 'v=DKIM1; k=ed25519; h=sha1; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=' },
      'permerror',
      'inappropriate hash',
    ],
    [
      'wrong key type',
      {
        [NAME]:
          'v=DKIM1; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB',
      },
      'permerror',
      'inappropriate key algorithm',
    ],
    [
      'other key',
      { [NAME]: 'v=DKIM1; k=ed25519; p=yi50DjK5O9pqbFpNHklsv9lqaS0ArSYu02qp1S0DW1Y=' },
      'fail',
      'signature did not verify',
    ],
  ];
  it.each(dnsRows)('DNS: %s → %s', async (_label, dns, result, reason) => {
    const signed = await run(signDkim(BASE, opts(ed)));
    const resolver = typeof dns === 'function' ? (q: { name: string }) => dns(q.name) : dns;
    const [r] = await run(verifyDkim(signed, { now: 0 }), resolver);
    expect(r?.result).toBe(result);
    expect(r?.reason).toContain(reason);
  });

  it('joins the character-strings of a TXT record and reports t=y', async () => {
    const text = ed.record.join('').replace('v=DKIM1;', 'v=DKIM1; t=y;');
    const split = [text.slice(0, 20), text.slice(20)];
    const [r] = await signAndVerify(ed, {}, undefined, { [NAME]: split });
    expect(r).toMatchObject({ result: 'pass', testing: true });
  });

  it('an expired signature is a permerror', async () => {
    const [r] = await signAndVerify(ed, { timestamp: 100, expiration: 200 }, undefined, undefined, 201);
    expect(r).toMatchObject({ result: 'permerror', reason: expect.stringContaining('signature expired') });
    const [ok] = await signAndVerify(ed, { timestamp: 100, expiration: 200 }, undefined, undefined, 200);
    expect(ok?.result).toBe('pass');
  });

  it('verifies every signature top to bottom, each on its own', async () => {
    const once = await run(signDkim(BASE, opts(ed)));
    const twice = await run(signDkim(once, { ...opts(rsa), domain: 'relay.example', selector: 'r' }));
    const results = await run(verifyDkim(twice, { now: 0 }), { [NAME]: ed.record });
    expect(results.map((r: DkimResult) => [r.index, r.domain, r.result])).toEqual([
      [0, 'relay.example', 'permerror'],
      [1, 'example.com', 'pass'],
    ]);
  });

  it('a malformed signature is a permerror with what could be read', async () => {
    const [r] = await run(
      verifyDkim(concatBytes([latin1Bytes('DKIM-Signature: v=1; d=example.com; s=x\r\n'), BASE]), { now: 0 }),
    );
    expect(r).toMatchObject({ result: 'permerror', domain: 'example.com', selector: 'x' });
  });

  it('yields the key query, then hashes and the verification', async () => {
    const signed = await run(signDkim(BASE, opts(ed)));
    const gen = verifyDkim(signed, { now: 0 });
    const first = gen.next().value as DkimRequest;
    expect(first).toEqual({ kind: 'dns', query: { name: NAME, type: 'TXT' } });
  });

  it('keyFromAnswer ignores non-TXT records in a CNAME chain', () => {
    const answer: DnsAnswer = {
      rcode: 'NOERROR',
      answers: [
        { name: NAME, ttl: 1, class: 'IN', type: 'CNAME', target: 'k.example.net' },
        { name: 'k.example.net', ttl: 1, class: 'IN', type: 'TXT', strings: ['v=DKIM1; p='] },
      ],
    };
    expect(keyFromAnswer(NAME, answer)).toMatchObject({ ok: true, key: { keyType: 'rsa' } });
  });
});

describe('properties', () => {
  const headerName = fc.constantFrom('To', 'Cc', 'Subject', 'Reply-To', 'X-Custom', 'List-Id', 'Date');
  const text = fc.string({ unit: fc.constantFrom(...'abc XYZ\t0123!?'.split('')), maxLength: 40 });
  const body = fc
    .array(fc.string({ unit: fc.constantFrom(...'ab \t.\r\n'.split('')), maxLength: 30 }), { maxLength: 6 })
    .map((l) => l.join('\r\n'));
  const msg = fc
    .tuple(fc.array(fc.tuple(headerName, text), { maxLength: 6 }), body)
    .map(([headers, b]) => message('From: a@example.com', ...headers.map(([n, v]) => `${n}: ${v}x`), '', b));
  const canon = fc.constantFrom('simple/simple', 'relaxed/relaxed', 'simple/relaxed', 'relaxed/simple');

  it('sign → verify passes', async () => {
    await fc.assert(
      fc.asyncProperty(msg, canon, async (m, c) => {
        const signed = await run(signDkim(m, opts(ed, { canonicalization: c })));
        const [r] = await run(verifyDkim(signed, { now: 0 }), { [NAME]: ed.record });
        expect(r?.result).toBe('pass');
      }),
      { numRuns: 60 },
    );
  });

  it('any single-byte change in a signed header or the body fails (simple/simple)', async () => {
    await fc.assert(
      fc.asyncProperty(msg, fc.nat(), fc.integer({ min: 1, max: 255 }), async (m, at, delta) => {
        // Every field instance is signed, so every header octet is covered.
        const headers = readHeaderSection(m).fields.map((f) => f.name);
        const signed = await run(signDkim(m, opts(ed, { canonicalization: 'simple/simple', headers })));
        const text = bytesToLatin1(signed);
        const sigEnd = text.indexOf('\r\nFrom:') + 2;
        const sep = text.indexOf('\r\n\r\n', sigEnd);
        // Positions after the DKIM-Signature, skipping the empty separator line.
        const positions = [...Array(signed.length - sigEnd).keys()]
          .map((i) => i + sigEnd)
          .filter((i) => i < sep + 2 || i >= sep + 4);
        const pos = positions[at % positions.length]!;
        const mutated = signed.slice();
        mutated[pos] = (mutated[pos]! + delta) % 256;
        const [r] = await run(verifyDkim(mutated, { now: 0 }), { [NAME]: ed.record });
        expect(r?.result).not.toBe('pass');
      }),
      { numRuns: 150 },
    );
  });
});
