import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToLatin1 } from '../../core/bytes.ts';
import {
  quotaResponse,
  quotaRootResponse,
  readQuota,
  readQuotaRoot,
  type QuotaData,
  type QuotaRootData,
} from './quota-responses.ts';
import { encodeResponse } from './response-encoder.ts';
import { parseResponse } from './response-parser.ts';
import type { ImapResponse } from './responses.ts';

const wire = (r: ImapResponse) => bytesToLatin1(encodeResponse(r)).replace(/\r\n$/, '');

function parsed(line: string): ImapResponse {
  const r = parseResponse(line);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe('QUOTA and QUOTAROOT responses (RFC 9208 §4.2)', () => {
  it.each<[string, QuotaData]>([
    ['* QUOTA "" (STORAGE 10 512)', { root: '', resources: [{ name: 'STORAGE', usage: 10, limit: 512 }] }],
    [
      '* QUOTA "User quota" (STORAGE 0 1024 MESSAGE 3 1000)',
      {
        root: 'User quota',
        resources: [
          { name: 'STORAGE', usage: 0, limit: 1024 },
          { name: 'MESSAGE', usage: 3, limit: 1000 },
        ],
      },
    ],
    ['* QUOTA user/bob@example.net ()', { root: 'user/bob@example.net', resources: [] }],
  ])('QUOTA %s', (line, data) => {
    expect(wire(quotaResponse(data))).toBe(line);
    expect(readQuota(parsed(line))).toEqual({ ok: true, value: data });
  });

  it.each<[string, QuotaRootData]>([
    ['* QUOTAROOT INBOX ""', { mailbox: 'INBOX', roots: [''] }],
    ['* QUOTAROOT comp.mail.mime', { mailbox: 'comp.mail.mime', roots: [] }],
    ['* QUOTAROOT &ZeVnLIqe- "User quota" other', { mailbox: '日本語', roots: ['User quota', 'other'] }],
  ])('QUOTAROOT %s', (line, data) => {
    expect(wire(quotaRootResponse(data))).toBe(line);
    expect(readQuotaRoot(parsed(line))).toEqual({ ok: true, value: data });
  });

  it('reads a lower-case resource name and an inbox in any case', () => {
    expect(readQuota(parsed('* QUOTA x (storage 1 2)'))).toEqual({
      ok: true,
      value: { root: 'x', resources: [{ name: 'STORAGE', usage: 1, limit: 2 }] },
    });
    expect(readQuotaRoot(parsed('* QUOTAROOT inbox'))).toEqual({
      ok: true,
      value: { mailbox: 'INBOX', roots: [] },
    });
  });

  it.each([
    ['* QUOTA', 'QUOTA: missing the quota root name'],
    ['* QUOTA "" STORAGE 1 2', 'QUOTA: expected a list of resources after the root, e.g. (STORAGE 10 512)'],
    ['* QUOTA "" (STORAGE 1)', 'QUOTA: each resource is a name, a usage and a limit'],
    ['* QUOTA "" (STORAGE x 2)', 'QUOTA: resource 1 is not "name usage limit"'],
    ['* QUOTAROOT', 'QUOTAROOT: missing the mailbox name'],
    ['* QUOTAROOT INBOX (x)', 'QUOTAROOT: a quota root name must be a string'],
  ])('refuses %j', (line, message) => {
    const r = parsed(line);
    expect(r.kind === 'data' && r.name === 'QUOTA' ? readQuota(r) : readQuotaRoot(r)).toEqual({
      ok: false,
      message,
    });
  });
});

const text = fc.string({ maxLength: 12 });
const mailbox = text.filter((s) => s.toUpperCase() !== 'INBOX' || s === 'INBOX');
const resources = fc.array(
  fc.record({
    name: fc.constantFrom('STORAGE', 'MESSAGE', 'MAILBOX', 'ANNOTATION-STORAGE', 'X-FOO'),
    usage: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
    limit: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
  }),
  { maxLength: 4 },
);

describe('quota responses: properties', () => {
  it('QUOTA round-trips through the encoder, the response parser and the reader', () => {
    fc.assert(
      fc.property(text, resources, (root, res) => {
        const data = { root, resources: res };
        expect(readQuota(parsed(wire(quotaResponse(data))))).toEqual({ ok: true, value: data });
      }),
    );
  });

  it('QUOTAROOT round-trips, mailbox names through modified UTF-7', () => {
    fc.assert(
      fc.property(mailbox, fc.array(text, { maxLength: 3 }), (name, roots) => {
        const data = { mailbox: name, roots };
        expect(readQuotaRoot(parsed(wire(quotaRootResponse(data))))).toEqual({ ok: true, value: data });
      }),
    );
  });

  it('never throws on random QUOTA and QUOTAROOT lines', () => {
    const token = fc.oneof(
      fc.constantFrom('STORAGE', '(STORAGE 1 2)', '()', '""', 'NIL', '&Jjo-', '&-', '&x', '(1 2 3)'),
      fc.nat().map(String),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('QUOTA', 'QUOTAROOT'),
        fc.array(token, { maxLength: 6 }),
        (name, tokens) => {
          const r = parseResponse(`* ${name} ${tokens.join(' ')}`);
          if (!r.ok) return;
          const out = name === 'QUOTA' ? readQuota(r.value) : readQuotaRoot(r.value);
          expect(typeof out.ok).toBe('boolean');
        },
      ),
    );
  });
});
