/**
 * The command table: one handler per verb, looked up by the parsed
 * command's name (a typed table, not string-built method names). Which
 * commands a state accepts is the machine's business, not the table's.
 */
import type { CommandName, ImapCommand } from '../codec/index.ts';
import { deleteAcl, getAcl, listRights, myRights, setAcl } from './acl.ts';
import { compress } from './compress.ts';
import { append } from './append.ts';
import { authenticate } from './authenticate.ts';
import { capability } from './capability.ts';
import { copy } from './copy.ts';
import { expunge } from './expunge.ts';
import { fetch } from './fetch.ts';
import { listCommand, lsub } from './list.ts';
import { login } from './login.ts';
import { create, deleteMailbox, rename, subscribe, unsubscribe } from './mailboxes.ts';
import { getQuota, getQuotaRoot, setQuota } from './quota.ts';
import { search } from './search.ts';
import { close, select, unselect } from './select.ts';
import { sort } from './sort.ts';
import { check, enable, id, idle, logout, namespace, noop, starttls } from './session-commands.ts';
import { status } from './status.ts';
import { store } from './store.ts';
import { thread } from './thread.ts';
import { bad, type CommandHandler, type CommandResult, type ImapSessionState } from './types.ts';

export type {
  CommandHandler,
  CommandOf,
  CommandResult,
  Completion,
  ImapSessionState,
  NextState,
} from './types.ts';
export { continueAuthenticate } from './authenticate.ts';
export { capabilities } from './capability.ts';

type Table = { readonly [N in CommandName]?: CommandHandler<N> };

/** Every command the server implements. */
export const COMMANDS: Table = {
  CAPABILITY: capability,
  NOOP: noop,
  LOGOUT: logout,
  STARTTLS: starttls,
  AUTHENTICATE: authenticate,
  LOGIN: login,
  ENABLE: enable,
  ID: id,
  NAMESPACE: namespace,
  SELECT: (s, c) => select(s, c),
  EXAMINE: (s, c) => select(s, c),
  CREATE: create,
  DELETE: deleteMailbox,
  RENAME: rename,
  SUBSCRIBE: subscribe,
  UNSUBSCRIBE: unsubscribe,
  LIST: listCommand,
  LSUB: lsub,
  STATUS: status,
  GETQUOTA: getQuota,
  GETQUOTAROOT: getQuotaRoot,
  SETQUOTA: setQuota,
  APPEND: append,
  CHECK: check,
  CLOSE: close,
  UNSELECT: unselect,
  EXPUNGE: expunge,
  SEARCH: search,
  FETCH: fetch,
  STORE: store,
  COPY: (s, c) => copy(s, c),
  MOVE: (s, c) => copy(s, c),
  IDLE: idle,
  GETACL: getAcl,
  SETACL: setAcl,
  DELETEACL: deleteAcl,
  LISTRIGHTS: listRights,
  MYRIGHTS: myRights,
  COMPRESS: compress,
  SORT: sort,
  THREAD: thread,
};

/** Runs one command; a command the parser knows but the server does not implement is `BAD`. */
export function runCommand(session: ImapSessionState, command: ImapCommand): CommandResult {
  const handler = COMMANDS[command.name] as CommandHandler<typeof command.name> | undefined;
  if (handler === undefined) return bad(`Command ${command.name} is not supported by this server.`);
  return handler(session, command as never);
}
