import { describe, expect, it } from 'vitest';
import { utf8Bytes, type LocalMessage, type StoredMessage } from '../../../simulators/index.ts';
import { checkOptions, compareCopies, DAY_MS, describeCheck } from './mail-program.ts';

function raw(subject: string, messageId: string): Uint8Array {
  return utf8Bytes(
    `From: Alice <alice@example.com>\r\nSubject: ${subject}\r\nMessage-ID: ${messageId}\r\n\r\nHi\r\n`,
  );
}

const stored = (uid: number, subject: string, id: string): StoredMessage => ({
  uid,
  raw: raw(subject, id),
  internalDate: 0,
  flags: new Set(),
  modseq: 1,
});

const local = (uid: string, subject: string, id: string): LocalMessage => ({
  uid,
  bytes: raw(subject, id),
  downloadedAt: 0,
});

describe('compareCopies', () => {
  it('lists both sides and marks the messages whose Message-ID is on the other side (RFC 5322 §3.6.4)', () => {
    const copies = compareCopies(
      [stored(1, 'One', '<1@x>'), stored(3, 'Three', '<3@x>')],
      [local('7.1', 'One', '<1@x>'), local('7.2', '=?UTF-8?B?VHfDtg==?=', '<2@x>')],
    );
    expect(copies).toEqual({
      server: [
        { key: '1', subject: 'One', from: 'Alice <alice@example.com>', onBothSides: true },
        { key: '3', subject: 'Three', from: 'Alice <alice@example.com>', onBothSides: false },
      ],
      local: [
        { key: '7.1', subject: 'One', from: 'Alice <alice@example.com>', onBothSides: true },
        { key: '7.2', subject: 'Twö', from: 'Alice <alice@example.com>', onBothSides: false },
      ],
    });
  });
});

describe('checkOptions', () => {
  it('turns days into deleteAfterMs only when keeping, and ignores a blank or negative number', () => {
    expect([
      checkOptions('download-and-delete', 3, 110),
      checkOptions('download-and-keep', undefined, 995),
      checkOptions('download-and-keep', 0, 110),
      checkOptions('download-and-keep', 14, 110),
      checkOptions('download-and-keep', -1, 110),
      checkOptions('download-and-keep', Number.NaN, 110),
    ]).toEqual([
      { mode: 'download-and-delete', port: 110 },
      { mode: 'download-and-keep', port: 995 },
      { mode: 'download-and-keep', deleteAfterMs: 0, port: 110 },
      { mode: 'download-and-keep', deleteAfterMs: 14 * DAY_MS, port: 110 },
      { mode: 'download-and-keep', port: 110 },
      { mode: 'download-and-keep', port: 110 },
    ]);
  });
});

describe('describeCheck', () => {
  it('says what the last check did, while it runs, and why it failed', () => {
    const options = { mode: 'download-and-delete' } as const;
    expect([
      describeCheck(undefined),
      describeCheck({ address: 'bob@example.net', options, at: 0 }),
      describeCheck({
        address: 'bob@example.net',
        options,
        at: 0,
        doneAt: 9,
        result: { ok: true, retrieved: 2, deleted: 2, onServer: 0 },
      }),
      describeCheck({
        address: 'bob@example.net',
        options,
        at: 0,
        doneAt: 9,
        result: { ok: true, retrieved: 1, deleted: 0, onServer: 1 },
      }),
      describeCheck({ address: 'x', options, at: 0, doneAt: 0, result: { ok: false, reason: 'refused' } }),
    ]).toEqual([
      'No check yet: choose a mode and press Check mail.',
      'Checking: the mail program is talking POP3 to the server…',
      'Retrieved 2, deleted 2 on the server; 0 messages left there.',
      'Retrieved 1, deleted 0 on the server; 1 message left there.',
      'The check failed: refused',
    ]);
  });
});
