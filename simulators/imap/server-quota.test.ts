/**
 * QUOTA (RFC 9208) on the server session: the quota root of an account,
 * its usage, SETQUOTA for administrators only, and APPEND / COPY refused
 * with `NO [OVERQUOTA]` while MOVE, which changes no usage, goes through.
 *
 * Bob's INBOX starts with three messages of 122, 171 and 435 octets.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../net/scheduler.ts';
import { serverHarness, type HarnessOptions } from './test-fixtures.ts';

const server = (options: HarnessOptions = {}) => serverHarness(new Scheduler(), options);
const ROOT = 'user/bob@example.net';

describe('ImapServerSession: QUOTA (RFC 9208)', () => {
  it('has no quota root for an account without limits (§4.2.2)', () => {
    const s = server();
    s.login();
    expect(s.say('a1 GETQUOTAROOT INBOX\r\n')).toEqual([
      '* QUOTAROOT INBOX',
      'a1 OK Getquotaroot completed.',
    ]);
    expect(s.say(`a2 GETQUOTA ${ROOT}\r\n`)).toEqual(['a2 NO [NONEXISTENT] No such quota root.']);
  });

  it('reports the root and the usage of each limited resource (§4.1.1, §4.1.2, §5)', () => {
    const s = server();
    s.store.account('bob@example.net')!.quota = { storageKiB: 2, messages: 10 };
    s.login();
    expect(s.say('a1 GETQUOTAROOT Archive\r\n')).toEqual([
      `* QUOTAROOT Archive ${ROOT}`,
      `* QUOTA ${ROOT} (STORAGE 0 2 MESSAGE 3 10)`,
      'a1 OK Getquotaroot completed.',
    ]);
    s.say('a2 APPEND INBOX {400+}\r\n' + 'x'.repeat(398) + '\r\n\r\n');
    // 728 + 400 octets: one whole KiB (RFC 9208 §5.1 counts units of 1024 octets).
    expect(s.say(`a3 GETQUOTA "${ROOT}"\r\n`)).toEqual([
      `* QUOTA ${ROOT} (STORAGE 1 2 MESSAGE 4 10)`,
      'a3 OK Getquota completed.',
    ]);
    expect(s.say('a4 GETQUOTAROOT Nope\r\n')).toEqual(["a4 NO [NONEXISTENT] Mailbox doesn't exist: Nope"]);
    // Carol's root is not bob's to see.
    expect(s.say('a5 GETQUOTA user/carol@example.net\r\n')).toEqual([
      'a5 NO [NONEXISTENT] No such quota root.',
    ]);
  });

  it('refuses APPEND and COPY over the MESSAGE limit with OVERQUOTA, storing nothing, but lets MOVE through (§4.3.1)', () => {
    const s = server();
    const bob = s.store.account('bob@example.net')!;
    bob.quota = { messages: 4 };
    s.select();
    // MULTIAPPEND is all or nothing (RFC 3502 §6.3.11).
    expect(s.say('a1 APPEND Drafts {2+}\r\nhi {2+}\r\nho\r\n')).toEqual([
      'a1 NO [OVERQUOTA] Quota exceeded (mailbox for user is full)',
    ]);
    expect(bob.mailbox('Drafts')!.messages).toHaveLength(0);
    expect(s.say('a2 COPY 1:2 Archive\r\n')).toEqual(['a2 NO [OVERQUOTA] Quota exceeded']);
    expect(s.say('a3 MOVE 1:2 Archive\r\n')).toEqual([
      '* OK [COPYUID 1700000005 1:2 1:2] Moved UIDs.',
      '* 2 EXPUNGE',
      '* 1 EXPUNGE',
      'a3 OK Move completed.',
    ]);
    expect([bob.messageCount, bob.mailbox('Archive')!.messages.length]).toEqual([3, 2]);
    expect(s.say('a4 COPY 1 Archive\r\n')).toEqual(['a4 OK [COPYUID 1700000005 3 3] Copy completed.']);
  });

  it('refuses SETQUOTA to a user who is not a quota administrator (§4.1.3)', () => {
    const s = server();
    s.login();
    expect(s.say(`a1 SETQUOTA ${ROOT} (STORAGE 1)\r\n`)).toEqual([
      'a1 NO [NOPERM] Only a quota administrator may change quotas.',
    ]);
    expect(s.store.account('bob@example.net')!.quota).toEqual({});
  });

  it('lets a quota administrator set, replace and remove another user’s limits, and announces QUOTASET to them (§4.1.3)', () => {
    const clock = new Scheduler();
    const config = { quotaAdmins: ['Carol@example.net'] };
    const carol = serverHarness(clock, { config });
    const bob = serverHarness(clock, { config, store: carol.store });
    expect(carol.login('carol@example.net', 'hunter2')[0]).toMatch(
      / QUOTA=RES-MESSAGE .* QUOTASET\] Logged in$/,
    );
    expect(bob.login()[0]).not.toContain('QUOTASET');
    expect(carol.say(`c1 SETQUOTA ${ROOT} (STORAGE 1 MESSAGE 3)\r\n`)).toEqual([
      `* QUOTA ${ROOT} (STORAGE 0 1 MESSAGE 3 3)`,
      'c1 OK Setquota completed.',
    ]);
    expect(bob.say('b1 APPEND INBOX {2+}\r\nhi\r\n')).toEqual([
      'b1 NO [OVERQUOTA] Quota exceeded (mailbox for user is full)',
    ]);
    // The limits are replaced as a whole: MESSAGE left out is unlimited now.
    expect(carol.say(`c2 SETQUOTA ${ROOT} (STORAGE 1)\r\n`)).toEqual([
      `* QUOTA ${ROOT} (STORAGE 0 1)`,
      'c2 OK Setquota completed.',
    ]);
    expect(bob.say('b2 APPEND INBOX {2+}\r\nhi\r\n')).toEqual([
      'b2 OK [APPENDUID 1700000000 4] Append completed.',
    ]);
    expect(carol.say(`c3 SETQUOTA ${ROOT} (MAILBOX 5)\r\n`)).toEqual([
      'c3 NO Unsupported quota resource MAILBOX; this server limits STORAGE and MESSAGE.',
    ]);
    expect(carol.say(`c4 SETQUOTA ${ROOT} ()\r\n`)).toEqual(['c4 OK Setquota completed.']);
    expect(bob.say('b3 GETQUOTAROOT INBOX\r\n')).toEqual([
      '* QUOTAROOT INBOX',
      'b3 OK Getquotaroot completed.',
    ]);
    expect(carol.say('c5 SETQUOTA user/nobody@example.net (STORAGE 1)\r\n')).toEqual([
      'c5 NO [NONEXISTENT] No such quota root.',
    ]);
  });
});
