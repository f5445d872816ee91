import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { base64Decode, bytesToLatin1, latin1Bytes, utf8Bytes } from '../core/bytes.ts';
import {
  SASL_MECHANISMS,
  cramMd5Challenge,
  cramMd5Digest,
  cramMd5Response,
  decodeClientResponse,
  encodeChallenge,
  encodeClientResponse,
  loginResponse,
  parsePlainMessage,
  parseXoauth2Message,
  plainResponse,
  startServerMechanism,
  verifySecret,
  xoauth2ErrorChallenge,
  xoauth2Response,
  type SaslServerMechanism,
} from './sasl.ts';

const b = latin1Bytes;
const start = (name: string): SaslServerMechanism =>
  startServerMechanism(name, { challengeNonce: '1896.697170952', hostname: 'postoffice.reston.mci.net' })!;

describe('sasl PLAIN', () => {
  // The two examples of RFC 4616 §4.
  it.each([
    [
      '\0tim\0tanstaaftanstaaf',
      { mechanism: 'PLAIN', authzid: '', username: 'tim', password: 'tanstaaftanstaaf' },
    ],
    [
      'Ursel\0Kurt\0xipj3plmq',
      { mechanism: 'PLAIN', authzid: 'Ursel', username: 'Kurt', password: 'xipj3plmq' },
    ],
  ])('reads %j (RFC 4616 §4)', (message, credentials) => {
    expect(start('PLAIN').step(b(message))).toEqual({ kind: 'credentials', credentials });
  });

  it.each([
    ['', 'PLAIN needs authzid NUL authcid NUL password (RFC 4616 §2)'],
    ['tim\0secret', 'PLAIN needs authzid NUL authcid NUL password (RFC 4616 §2)'],
    ['\0\0secret', 'PLAIN user name and password may not be empty (RFC 4616 §2)'],
    ['\0tim\0', 'PLAIN user name and password may not be empty (RFC 4616 §2)'],
    ['\0tim\0a\0b', 'PLAIN message has more than two NULs (RFC 4616 §2)'],
    ['\0tim\0\xff', 'PLAIN fields must be UTF-8 (RFC 4616 §2)'],
  ])('rejects the malformed message %j (RFC 4616 §2)', (message, reason) => {
    expect(start('PLAIN').step(b(message))).toEqual({ kind: 'error', error: 'malformed', reason });
  });

  it('sends an empty challenge when there is no initial response (RFC 4954 §4)', () => {
    const mech = start('PLAIN');
    expect(mech.step(undefined)).toEqual({ kind: 'challenge', data: new Uint8Array(0) });
    expect(mech.step(plainResponse('alice', 'secret'))).toEqual({
      kind: 'credentials',
      credentials: { mechanism: 'PLAIN', authzid: '', username: 'alice', password: 'secret' },
    });
    expect(mech.step(b('again'))).toEqual({
      kind: 'error',
      error: 'unexpected',
      reason: 'the exchange is already over',
    });
  });

  it('builds the client message (RFC 4616 §2)', () => {
    expect(bytesToLatin1(plainResponse('Kurt', 'xipj3plmq', 'Ursel'))).toBe('Ursel\0Kurt\0xipj3plmq');
    expect(parsePlainMessage(plainResponse('jörg', 'pässword'))).toEqual({
      mechanism: 'PLAIN',
      authzid: '',
      username: 'jörg',
      password: 'pässword',
    });
  });
});

describe('sasl LOGIN', () => {
  it('prompts Username: then Password: (draft-murchison-sasl-login)', () => {
    const mech = start('LOGIN');
    const first = mech.step(undefined);
    expect(first).toEqual({ kind: 'challenge', data: b('Username:') });
    expect(first.kind === 'challenge' && encodeChallenge(first.data)).toBe('VXNlcm5hbWU6');
    const second = mech.step(b('alice'));
    expect(second.kind === 'challenge' && encodeChallenge(second.data)).toBe('UGFzc3dvcmQ6');
    expect(mech.step(b('secret'))).toEqual({
      kind: 'credentials',
      credentials: { mechanism: 'LOGIN', authzid: '', username: 'alice', password: 'secret' },
    });
  });

  it('takes an initial response as the user name (TOLERANCE)', () => {
    const mech = start('login');
    expect(mech.step(b('alice'))).toEqual({ kind: 'challenge', data: b('Password:') });
    expect(mech.step(b('secret'))).toMatchObject({ kind: 'credentials' });
  });

  it('answers the prompts on the client side', () => {
    expect(loginResponse(b('Username:'), 'alice', 'pw')).toEqual(b('alice'));
    expect(loginResponse(b('Password:'), 'alice', 'pw')).toEqual(b('pw'));
    expect(loginResponse(b('Who?'), 'alice', 'pw')).toBeUndefined();
  });
});

describe('sasl CRAM-MD5', () => {
  it('verifies the RFC 2195 example (RFC 2195 §2)', () => {
    const mech = start('CRAM-MD5');
    const challenge = mech.step(undefined);
    expect(challenge).toEqual({ kind: 'challenge', data: b('<1896.697170952@postoffice.reston.mci.net>') });
    expect(encodeChallenge(b('<1896.697170952@postoffice.reston.mci.net>'))).toBe(
      'PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+',
    );
    const response = cramMd5Response('<1896.697170952@postoffice.reston.mci.net>', 'tim', 'tanstaaftanstaaf');
    expect(bytesToLatin1(response)).toBe('tim b913a602c7eda7a495b4e6e7334d3890');
    const step = mech.step(base64Decode('dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw')!);
    expect(step).toEqual({
      kind: 'credentials',
      credentials: {
        mechanism: 'CRAM-MD5',
        authzid: '',
        username: 'tim',
        challenge: '<1896.697170952@postoffice.reston.mci.net>',
        digest: 'b913a602c7eda7a495b4e6e7334d3890',
      },
    });
    if (step.kind !== 'credentials') throw new Error('unreachable');
    expect(verifySecret(step.credentials, 'tanstaaftanstaaf')).toBe(true);
    expect(verifySecret(step.credentials, 'wrong')).toBe(false);
  });

  it.each([
    ['tim', 'CRAM-MD5 response must be "user digest" with a 32-digit hex digest (RFC 2195 §2)'],
    [
      ' b913a602c7eda7a495b4e6e7334d3890',
      'CRAM-MD5 response must be "user digest" with a 32-digit hex digest (RFC 2195 §2)',
    ],
    ['tim b913', 'CRAM-MD5 response must be "user digest" with a 32-digit hex digest (RFC 2195 §2)'],
  ])('rejects the malformed response %j (RFC 2195 §2)', (response, reason) => {
    const mech = start('CRAM-MD5');
    mech.step(undefined);
    expect(mech.step(b(response))).toEqual({ kind: 'error', error: 'malformed', reason });
  });

  it('refuses an initial response, since the server speaks first (RFC 2195 §2)', () => {
    expect(start('CRAM-MD5').step(b('tim x'))).toEqual({
      kind: 'error',
      error: 'unexpected',
      reason: 'CRAM-MD5 does not take an initial response',
    });
  });

  it('builds the challenge and needs a caller-supplied nonce', () => {
    expect(cramMd5Challenge('42.1700000000', 'mx.example.net')).toBe('<42.1700000000@mx.example.net>');
    expect(cramMd5Digest('<x@y>', 'pw')).toMatch(/^[0-9a-f]{32}$/);
    expect(() => startServerMechanism('CRAM-MD5')).toThrow(/challengeNonce/);
  });
});

describe('sasl XOAUTH2', () => {
  const message =
    'user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01';

  it('reads the user and bearer token', () => {
    expect(
      bytesToLatin1(xoauth2Response('someuser@example.com', 'ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg')),
    ).toBe(message);
    const step = start('XOAUTH2').step(b(message));
    expect(step).toEqual({
      kind: 'credentials',
      credentials: {
        mechanism: 'XOAUTH2',
        authzid: '',
        username: 'someuser@example.com',
        token: 'ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg',
      },
    });
  });

  it('fails with a JSON error challenge, then failure after the empty reply', () => {
    const mech = start('XOAUTH2');
    mech.step(b(message));
    const challenge = mech.fail();
    expect(challenge).toEqual({
      kind: 'challenge',
      data: utf8Bytes('{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}'),
    });
    expect(mech.step(new Uint8Array(0))).toEqual({ kind: 'failure' });
    expect(mech.step(new Uint8Array(0))).toMatchObject({ kind: 'error', error: 'unexpected' });
    expect(bytesToLatin1(xoauth2ErrorChallenge({ scope: 's', status: '400' }))).toBe(
      '{"status":"400","schemes":"bearer","scope":"s"}',
    );
  });

  it.each([
    ['user=a\x01auth=Bearer t\x01', 'XOAUTH2 response must end with ^A^A'],
    ['user=a\x01auth=Basic t\x01\x01', 'XOAUTH2 auth= must be "Bearer <token>"'],
    ['auth=Bearer t\x01\x01', 'XOAUTH2 response needs user= and auth=Bearer fields'],
  ])('rejects the malformed response %j', (response, reason) => {
    expect(parseXoauth2Message(b(response))).toBe(reason);
  });
});

describe('sasl transport', () => {
  it.each<[string, boolean, ReturnType<typeof decodeClientResponse>]>([
    ['*', false, { kind: 'cancel' }],
    ['', false, { kind: 'data', data: new Uint8Array(0) }],
    ['=', true, { kind: 'data', data: new Uint8Array(0) }],
    ['=', false, { kind: 'bad-base64' }],
    ['dGlt', false, { kind: 'data', data: b('tim') }],
    ['dGlt!', false, { kind: 'bad-base64' }],
  ])('decodes %j (initial: %s) per RFC 4954 §4', (text, initial, decoded) => {
    expect(decodeClientResponse(text, initial)).toEqual(decoded);
  });

  it('encodes an empty initial response as "=" (RFC 4954 §4)', () => {
    expect([encodeClientResponse(new Uint8Array(0), true), encodeClientResponse(b('tim'))]).toEqual([
      '=',
      'dGlt',
    ]);
  });

  it('knows the mechanisms it offers and no others (RFC 4954 §4)', () => {
    expect(SASL_MECHANISMS.map((m) => start(m).name)).toEqual(['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2']);
    expect(startServerMechanism('GSSAPI')).toBeUndefined();
  });

  it('verifies LOGIN/PLAIN passwords and XOAUTH2 tokens', () => {
    expect(verifySecret({ mechanism: 'PLAIN', authzid: '', username: 'a', password: 'pw' }, 'pw')).toBe(true);
    expect(verifySecret({ mechanism: 'LOGIN', authzid: '', username: 'a', password: 'pw' }, 'PW')).toBe(
      false,
    );
    expect(verifySecret({ mechanism: 'XOAUTH2', authzid: '', username: 'a', token: 't' }, 't')).toBe(true);
  });

  it('never throws on arbitrary responses, whatever the mechanism and order', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SASL_MECHANISMS),
        fc.array(fc.option(fc.uint8Array({ maxLength: 40 }), { nil: undefined }), { maxLength: 5 }),
        fc.boolean(),
        (name, responses, failEarly) => {
          const mech = start(name);
          for (const r of responses) {
            const out = mech.step(r);
            expect(['challenge', 'credentials', 'failure', 'error']).toContain(out.kind);
            if (out.kind === 'credentials') {
              verifySecret(out.credentials, 'x');
              if (failEarly) mech.fail();
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
