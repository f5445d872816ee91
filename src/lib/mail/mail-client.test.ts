import { describe, expect, it } from 'vitest';
import {
  latin1Bytes,
  utf8Bytes,
  type ImapListedMessage,
  type ImapMailClientSnapshot,
} from '../../../simulators/index.ts';
import {
  addressText,
  describeClient,
  folderRows,
  formatSize,
  messageRow,
  messageRows,
  readMessage,
  shortDate,
} from './mail-client.ts';

const alice = [{ name: 'Alice', mailbox: 'alice', host: 'example.com' }];
const listed = (uid: number, subject: string, flags: string[] = []): ImapListedMessage => ({
  uid,
  flags,
  internalDate: Date.UTC(2026, 10, 29, 9, 5),
  size: 1142,
  envelope: { subject, from: alice, sender: alice, replyTo: alice, to: [], cc: [], bcc: [] },
});

const snapshot = (over: Partial<ImapMailClientSnapshot> = {}): ImapMailClientSnapshot => ({
  phase: 'open',
  conn: undefined,
  port: 143,
  folders: [],
  selected: 'INBOX',
  messages: [],
  opened: undefined,
  search: undefined,
  busy: false,
  idling: true,
  error: undefined,
  ...over,
});

describe('folderRows', () => {
  it('names special-use folders (RFC 6154) and knows \\Noselect ones (RFC 3501 §7.2.2)', () => {
    expect(
      folderRows([
        { name: 'INBOX', delimiter: '/', attributes: ['\\HasNoChildren'] },
        { name: 'Sent', delimiter: '/', attributes: ['\\HasNoChildren', '\\Sent'] },
        { name: 'Lists', delimiter: '/', attributes: ['\\Noselect', '\\HasChildren'] },
      ]),
    ).toEqual([
      { name: 'INBOX', specialUse: undefined, purpose: undefined, selectable: true },
      { name: 'Sent', specialUse: '\\Sent', purpose: 'sent mail', selectable: true },
      { name: 'Lists', specialUse: undefined, purpose: undefined, selectable: false },
    ]);
  });
});

describe('messageRow', () => {
  it('reads the flags case-insensitively and says them in words (RFC 3501 §2.3.2)', () => {
    expect(messageRow(listed(3, '=?UTF-8?Q?caf=C3=A9?=', ['\\seen', '\\Flagged', '\\Deleted']))).toEqual({
      uid: 3,
      from: 'Alice',
      subject: 'café',
      date: '29 Nov 09:05',
      size: '1.1 KB',
      flags: { seen: true, flagged: true, answered: false, deleted: true },
      rawFlags: '\\seen \\Flagged \\Deleted',
      state: 'read, flagged, deleted',
    });
    expect(messageRow(listed(4, 'x', ['\\Answered'])).state).toBe('unread, answered');
  });

  it('shows addresses without a name, and groups as their name', () => {
    expect(
      addressText([{ mailbox: 'bob', host: 'example.net' }, { mailbox: 'undisclosed-recipients' }]),
    ).toBe('bob@example.net, undisclosed-recipients');
  });

  it('formats dates in UTC and sizes in binary units', () => {
    expect(shortDate(Date.UTC(2026, 0, 2, 3, 4))).toBe('2 Jan 03:04');
    expect([formatSize(512), formatSize(2048), formatSize(3 * 1024 * 1024)]).toEqual([
      '512 B',
      '2.0 KB',
      '3.0 MB',
    ]);
  });
});

describe('messageRows', () => {
  it('lists newest first, and only the search hits while a search is shown', () => {
    const messages = [listed(1, 'one'), listed(2, 'two'), listed(5, 'five')];
    expect(messageRows(snapshot({ messages })).map((r) => r.uid)).toEqual([5, 2, 1]);
    const search = { query: 'o', criteria: 'TEXT o', uids: [1, 2] };
    expect(messageRows(snapshot({ messages, search })).map((r) => r.uid)).toEqual([2, 1]);
    // While the search runs, the folder stays as it was.
    expect(messageRows(snapshot({ messages, search: { ...search, uids: undefined } }))).toHaveLength(3);
  });
});

describe('readMessage', () => {
  it('decodes the header fields and the main text (RFC 2047, RFC 2045 §6.7)', () => {
    const raw = latin1Bytes(
      [
        'Received: from x by y; Sun, 29 Nov 2026 09:00:00 +0000',
        'From: =?UTF-8?B?w4lsaXNl?= <elise@example.com>',
        'To: bob@example.net',
        'Subject: =?UTF-8?Q?R=C3=A9union?=',
        'Date: Sun, 29 Nov 2026 09:00:00 +0000',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Caf=C3=A9 at ten?',
        '',
      ].join('\r\n'),
    );
    const read = readMessage(raw);
    expect(read.fields).toEqual([
      { name: 'From', value: 'Élise <elise@example.com>' },
      { name: 'To', value: 'bob@example.net' },
      { name: 'Date', value: 'Sun, 29 Nov 2026 09:00:00 +0000' },
      { name: 'Subject', value: 'Réunion' },
    ]);
    expect(read.allFields.map((f) => f.name)).toEqual([
      'Received',
      'From',
      'To',
      'Subject',
      'Date',
      'MIME-Version',
      'Content-Type',
      'Content-Transfer-Encoding',
    ]);
    expect(read.text).toBe('Café at ten?\n');
    expect(read.encoding).toBe('text/plain; utf-8, quoted-printable');
  });

  it('has no text for a message without a text part', () => {
    const raw = utf8Bytes('Subject: pic\r\nContent-Type: image/png\r\n\r\nxx\r\n');
    expect(readMessage(raw)).toMatchObject({ text: undefined, encoding: undefined });
  });
});

describe('describeClient', () => {
  it('says where the client is and what it does', () => {
    const server = 'mx.example.net';
    expect(describeClient(undefined, server)).toBe('Not connected.');
    expect(describeClient(snapshot({ phase: 'connecting', busy: true }), server)).toBe(
      'Connecting to mx.example.net:143 and logging in…',
    );
    expect(describeClient(snapshot(), server)).toBe('INBOX: waiting in IDLE; new mail shows up by itself.');
    expect(describeClient(snapshot({ busy: true }), server)).toBe('INBOX: talking to the server…');
    expect(describeClient(snapshot({ phase: 'closed' }), server)).toBe('Logged out of mx.example.net:143.');
    expect(describeClient(snapshot({ phase: 'closed', error: 'connection lost' }), server)).toBe(
      'Disconnected from mx.example.net:143: connection lost',
    );
  });
});
