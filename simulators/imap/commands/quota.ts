/**
 * QUOTA (RFC 9208): GETQUOTAROOT, GETQUOTA and SETQUOTA over the store's
 * per-account limits (`Account.quota`).
 *
 * Each account is one quota root, named `user/<address>` (Cyrus's style,
 * so an administrator can name anyone's), governing all its mailboxes. It
 * exists while the account has a limit: a mailbox of an account without
 * limits has no quota root (`* QUOTAROOT INBOX`), as RFC 9208 §4.2.2
 * allows. Only the resources with a limit are listed (STORAGE in units of
 * 1024 octets, MESSAGE as a count).
 *
 * SETQUOTA is for the server's quota administrators (`quotaAdmins` in the
 * server config, Cyrus's `admins`); anyone else gets `NO [NOPERM]`: RFC 9208
 * §4.1.3 leaves who may change limits to the server.
 * QUOTASET is announced only to them. The new limits replace the old ones;
 * a resource left out becomes unlimited.
 */
import type { Account, QuotaLimits } from '../../store/mail-store.ts';
import {
  quotaResponse,
  quotaRootResponse,
  type ImapResponse,
  type QuotaResourceUsage,
} from '../codec/index.ts';
import { no, ok, type CommandHandler, type ImapSessionState } from './types.ts';

const ROOT_PREFIX = 'user/';

/** The quota root of an account. */
export function quotaRootName(account: Account): string {
  return `${ROOT_PREFIX}${account.address}`;
}

/** Whether the logged-in user may change quotas. */
export function isQuotaAdmin(s: Pick<ImapSessionState, 'config' | 'account'>): boolean {
  const address = s.account?.address;
  return address !== undefined && s.config.quotaAdmins.some((a) => a.toLowerCase() === address);
}

/** Usage and limit of each limited resource (RFC 9208 §5). */
function resources(account: Account): QuotaResourceUsage[] {
  const out: QuotaResourceUsage[] = [];
  const { storageKiB, messages } = account.quota;
  if (storageKiB !== undefined) out.push({ name: 'STORAGE', usage: account.usedKiB, limit: storageKiB });
  if (messages !== undefined) out.push({ name: 'MESSAGE', usage: account.messageCount, limit: messages });
  return out;
}

/** `* QUOTA root (…)` for an account with limits; nothing for one without (it has no root). */
function quotaOf(account: Account): ImapResponse[] {
  const r = resources(account);
  return r.length === 0 ? [] : [quotaResponse({ root: quotaRootName(account), resources: r })];
}

/** The account whose root `root` names, if this user may see it: their own, or anyone's for an admin. */
function accountOfRoot(s: ImapSessionState, root: string): Account | undefined {
  if (!root.toLowerCase().startsWith(ROOT_PREFIX)) return undefined;
  const account = s.store.account(root.slice(ROOT_PREFIX.length));
  if (account === undefined) return undefined;
  return account === s.account || isQuotaAdmin(s) ? account : undefined;
}

const NO_SUCH_ROOT = 'No such quota root.';

/** GETQUOTAROOT: the mailbox's roots (none or one), then each root's QUOTA (RFC 9208 §4.1.2). */
export const getQuotaRoot: CommandHandler<'GETQUOTAROOT'> = (s, cmd) => {
  const account = s.account;
  const box = account?.mailbox(cmd.mailbox);
  if (account === undefined || box === undefined)
    return no(`Mailbox doesn't exist: ${cmd.mailbox}`, { code: 'NONEXISTENT' });
  const quota = quotaOf(account);
  const roots = quota.length === 0 ? [] : [quotaRootName(account)];
  return ok('Getquotaroot completed.', undefined, [
    quotaRootResponse({ mailbox: box.name, roots }),
    ...quota,
  ]);
};

/** GETQUOTA: one root's usage and limits (RFC 9208 §4.1.1). */
export const getQuota: CommandHandler<'GETQUOTA'> = (s, cmd) => {
  const account = accountOfRoot(s, cmd.root);
  const quota = account === undefined ? [] : quotaOf(account);
  if (quota.length === 0) return no(NO_SUCH_ROOT, { code: 'NONEXISTENT' });
  return ok('Getquota completed.', undefined, quota);
};

/** SETQUOTA: new limits for a root, for quota administrators (RFC 9208 §4.1.3). */
export const setQuota: CommandHandler<'SETQUOTA'> = (s, cmd) => {
  if (!isQuotaAdmin(s)) return no('Only a quota administrator may change quotas.', { code: 'NOPERM' });
  const account = accountOfRoot(s, cmd.root);
  if (account === undefined) return no(NO_SUCH_ROOT, { code: 'NONEXISTENT' });
  const limits: { storageKiB?: number; messages?: number } = {};
  for (const { resource, limit } of cmd.limits) {
    if (resource === 'STORAGE') limits.storageKiB = limit;
    else if (resource === 'MESSAGE') limits.messages = limit;
    else return no(`Unsupported quota resource ${resource}; this server limits STORAGE and MESSAGE.`);
  }
  account.quota = limits satisfies QuotaLimits;
  return ok('Setquota completed.', undefined, quotaOf(account));
};
