import { describe, expect, it } from 'vitest';
import { latin1Bytes } from '../core/bytes.ts';
import { MailStore, StoreFullError, type MailboxChange } from './mail-store.ts';

const msg = (text: string) => latin1Bytes(`Subject: ${text}\r\n\r\n${text}\r\n`);

describe('MailStore', () => {
  it('gives every account an INBOX and the special-use folders (RFC 6154)', () => {
    const store = new MailStore(1_000);
    const account = store.createAccount('Bob@Example.NET', 'pw', 'Bob');
    expect(store.account('bob@example.net')).toBe(account);
    expect(account.mailboxes.map((m) => [m.name, m.specialUse ?? null, m.uidValidity])).toEqual([
      ['INBOX', null, 1000],
      ['Drafts', '\\Drafts', 1001],
      ['Sent', '\\Sent', 1002],
      ['Junk', '\\Junk', 1003],
      ['Trash', '\\Trash', 1004],
      ['Archive', '\\Archive', 1005],
    ]);
    expect(account.mailbox('inbox')).toBe(account.inbox);
    expect(account.specialMailbox('\\Junk')?.name).toBe('Junk');
  });

  it('assigns ascending UIDs that are never reused, and raises the modseq on every change (RFC 3501 §2.3.1.1, RFC 7162)', () => {
    const box = new MailStore().createAccount('a@x', 'p').inbox;
    const a = box.append(msg('a'), { internalDate: 1 });
    const b = box.append(msg('b'), { internalDate: 2, flags: ['\\Seen'] });
    expect([a.uid, b.uid, box.uidNext]).toEqual([1, 2, 3]);
    expect(box.expunge([1])).toEqual([1]);
    const c = box.append(msg('c'), { internalDate: 3 });
    expect(c.uid).toBe(3);
    const before = box.highestModSeq;
    const flagged = box.setFlags(2, ['\\Seen', '\\Flagged'])!;
    expect(flagged.modseq).toBeGreaterThan(before);
    expect(box.highestModSeq).toBe(flagged.modseq);
    expect(box.byUid(2)?.flags).toEqual(new Set(['\\Seen', '\\Flagged']));
    expect(box.byUid(1)).toBeUndefined();
  });

  it('tells subscribers of appends, flag changes and expunges', () => {
    const box = new MailStore().createAccount('a@x', 'p').inbox;
    const seen: string[] = [];
    const stop = box.subscribe((c: MailboxChange) =>
      seen.push(c.type === 'expunge' ? `expunge ${c.uids.join(',')}` : `${c.type} ${c.message.uid}`),
    );
    box.append(msg('a'), { internalDate: 1 });
    box.setFlags(1, ['\\Deleted']);
    box.expunge([1, 99]);
    stop();
    box.append(msg('b'), { internalDate: 2 });
    expect(seen).toEqual(['append 1', 'flags 1', 'expunge 1']);
  });

  it('gives \\Recent to the first session that claims it, once (RFC 3501 §2.3.2)', () => {
    const box = new MailStore().createAccount('a@x', 'p').inbox;
    box.append(msg('a'), { internalDate: 1 });
    box.append(msg('b'), { internalDate: 2 });
    expect(box.unclaimedRecentCount).toBe(2);
    expect(box.unclaimedRecentUids).toEqual([1, 2]);
    expect(box.unclaimedRecentUids).toEqual([1, 2]);
    expect(box.claimRecent()).toEqual([1, 2]);
    expect(box.claimRecent()).toEqual([]);
    box.append(msg('c'), { internalDate: 3 });
    expect(box.claimRecent()).toEqual([3]);
  });

  it('refuses appends over the STORAGE quota or on a full disk, and frees space on expunge (RFC 9208 §5.1)', () => {
    const store = new MailStore();
    const account = store.createAccount('a@x', 'p');
    const big = latin1Bytes('x'.repeat(700));
    account.quota = { storageKiB: 1 };
    account.inbox.append(big, { internalDate: 1 });
    expect(account.quotaExceededBy(big.length)).toBe('STORAGE');
    expect(() => account.inbox.append(big, { internalDate: 2 })).toThrow(
      new StoreFullError('a@x', 'STORAGE'),
    );
    expect([account.used, account.usedKiB, account.messageCount, account.inbox.uidNext]).toEqual([
      700, 0, 1, 2,
    ]);
    account.inbox.expunge([1]);
    expect(account.inbox.append(big, { internalDate: 3 }).uid).toBe(2);
    store.full = true;
    expect(() => account.inbox.append(msg('d'), { internalDate: 4 })).toThrow(
      new StoreFullError('a@x', 'disk'),
    );
  });

  it('counts messages in every mailbox against the MESSAGE quota, and frees them when a mailbox goes (RFC 9208 §5.2)', () => {
    const account = new MailStore().createAccount('a@x', 'p');
    account.quota = { messages: 2 };
    account.inbox.append(msg('a'), { internalDate: 1 });
    account.createMailbox('Work')!.append(msg('b'), { internalDate: 2 });
    expect(account.quotaExceededBy(1)).toBe('MESSAGE');
    expect(() => account.inbox.append(msg('c'), { internalDate: 3 })).toThrow(StoreFullError);
    account.deleteMailbox('Work');
    expect([account.messageCount, account.used]).toEqual([1, msg('a').length]);
    expect(account.quotaExceededBy(1)).toBeUndefined();
  });

  it('lets a message move within the account when the quota is full: it is already counted', () => {
    const account = new MailStore().createAccount('a@x', 'p');
    account.quota = { messages: 1 };
    const m = account.inbox.append(msg('a'), { internalDate: 1 });
    const trash = account.mailbox('Trash')!;
    trash.append(m.raw, { internalDate: 1, moved: true });
    account.inbox.expunge([m.uid]);
    expect([account.messageCount, trash.messages.length, account.inbox.messages.length]).toEqual([1, 1, 0]);
  });

  it('renames and deletes mailboxes but never deletes INBOX (RFC 3501 §6.3.4)', () => {
    const account = new MailStore().createAccount('a@x', 'p');
    account.createMailbox('Projects');
    expect(account.createMailbox('Projects')).toBeUndefined();
    expect(account.renameMailbox('Projects', 'Work')).toBe(true);
    expect(account.mailbox('Work')?.name).toBe('Work');
    expect(account.deleteMailbox('INBOX')).toBe(false);
    expect(account.deleteMailbox('Work')).toBe(true);
  });
});
