/**
 * The ACL commands (RFC 4314 §3): SETACL, DELETEACL, GETACL, LISTRIGHTS
 * (all four need `a` on the mailbox) and MYRIGHTS (any of `lrikxa`).
 *
 * Rights strings are checked before anything else: an unknown right, or an
 * uppercase one, is `BAD` (§3.1), as is an empty identifier (§3). A mailbox
 * the user may not see gets the same NO as one that does not exist (§6).
 *
 * LISTRIGHTS (§3.4, §2.1.1): nothing is tied together here, so every right
 * is offered on its own; the owner is always granted `lkxa` (store/acl.ts)
 * and, since `c` stands for `k` and `x`, `c` with them. `d` (for `e` and
 * `t`) is offered on its own.
 */
import {
  formatRights,
  modifyRights,
  OWNER_IMPLICIT_RIGHTS,
  parseRightsModification,
  STANDARD_RIGHTS,
} from '../../store/acl.ts';
import { astr, encodeMutf7, type ImapResponse } from '../codec/index.ts';
import { openMailbox } from '../mailbox-access.ts';
import { bad, ok, type CommandHandler } from './types.ts';

/** `* <name> mailbox …` with the mailbox as the client wrote it. */
function aclData(name: string, mailbox: string, rest: readonly string[]): ImapResponse {
  return { kind: 'data', name, values: [astr(encodeMutf7(mailbox)), ...rest.map((v) => astr(v))] };
}

/** RFC 4314 §3: an identifier that prepares to the empty string is refused with BAD. */
function badIdentifier(identifier: string) {
  return identifier === '' || identifier === '-' ? bad('Invalid identifier.') : undefined;
}

export const getAcl: CommandHandler<'GETACL'> = (s, cmd) => {
  const access = openMailbox(s, cmd.mailbox, ['a']);
  if (!access.ok) return access.result;
  const { box } = access;
  const pairs = box.acl.entries(box.account.address).flatMap(([id, rights]) => [id, formatRights(rights)]);
  return ok('Getacl completed.', undefined, [aclData('ACL', cmd.mailbox, pairs)]);
};

export const setAcl: CommandHandler<'SETACL'> = (s, cmd) => {
  const refused = badIdentifier(cmd.identifier);
  if (refused) return refused;
  const change = parseRightsModification(cmd.rights);
  if (!change.ok) return bad(change.message);
  const access = openMailbox(s, cmd.mailbox, ['a']);
  if (!access.ok) return access.result;
  const { box } = access;
  const owner = box.account.address;
  box.acl.set(
    cmd.identifier,
    modifyRights(box.acl.rightsFor(cmd.identifier, owner), change.modification),
    owner,
  );
  return ok('Setacl completed.');
};

export const deleteAcl: CommandHandler<'DELETEACL'> = (s, cmd) => {
  const refused = badIdentifier(cmd.identifier);
  if (refused) return refused;
  const access = openMailbox(s, cmd.mailbox, ['a']);
  if (!access.ok) return access.result;
  access.box.acl.delete(cmd.identifier, access.box.account.address);
  return ok('Deleteacl completed.');
};

export const listRights: CommandHandler<'LISTRIGHTS'> = (s, cmd) => {
  const refused = badIdentifier(cmd.identifier);
  if (refused) return refused;
  const access = openMailbox(s, cmd.mailbox, ['a']);
  if (!access.ok) return access.result;
  const isOwner = cmd.identifier.toLowerCase() === access.box.account.address;
  const always = isOwner ? formatRights(new Set(OWNER_IMPLICIT_RIGHTS)) : '';
  const optional = STANDARD_RIGHTS.filter((r) => !(isOwner && OWNER_IMPLICIT_RIGHTS.includes(r)));
  // §3.4: the identifier is echoed as the client wrote it, so it can match the reply to its command.
  const groups = [always, ...optional, ...(isOwner ? ['d'] : ['c', 'd'])];
  return ok('Listrights completed.', undefined, [
    {
      kind: 'data',
      name: 'LISTRIGHTS',
      values: [astr(encodeMutf7(cmd.mailbox)), astr(cmd.identifier), ...groups.map((g) => astr(g))],
    },
  ]);
};

/** MYRIGHTS: "any of l, r, i, k, x, a" (RFC 4314 §4). */
export const myRights: CommandHandler<'MYRIGHTS'> = (s, cmd) => {
  const access = openMailbox(s, cmd.mailbox, ['l', 'r', 'i', 'k', 'x', 'a']);
  if (!access.ok) return access.result;
  return ok('Myrights completed.', undefined, [
    aclData('MYRIGHTS', cmd.mailbox, [formatRights(access.rights)]),
  ]);
};
