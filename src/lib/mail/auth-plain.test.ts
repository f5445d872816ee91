import { describe, expect, it } from 'vitest';
import { authPlain } from './auth-plain.ts';

describe('authPlain', () => {
  it('encodes NUL user NUL password in base64 after AUTH PLAIN (RFC 4616 §2, RFC 4954 §4)', () => {
    expect(authPlain('alice@example.com', 'alice-password')).toEqual({
      message: '\\0alice@example.com\\0alice-password',
      base64: 'AGFsaWNlQGV4YW1wbGUuY29tAGFsaWNlLXBhc3N3b3Jk',
      command: 'AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAGFsaWNlLXBhc3N3b3Jk',
    });
  });

  it('encodes non-ASCII credentials as UTF-8 (RFC 4616 §2)', () => {
    expect(authPlain('jürgen', 'pässword').base64).toBe('AGrDvHJnZW4AcMOkc3N3b3Jk');
  });
});
