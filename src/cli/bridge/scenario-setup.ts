/**
 * Preparing a scenario for the bridge, before the World is built: choose the
 * host whose servers are bridged, and add the `--user` accounts to it (their
 * mailbox lives there and they submit there, so their domain becomes local
 * there). All pure: data in, data out.
 */
import { parseScenario, type Scenario } from '../../../simulators/world/scenario.ts';

/** A `--user ADDRESS:PASSWORD` account. */
export interface BridgeUser {
  readonly address: string;
  readonly password: string;
}

/** A problem with the command line or the scenario that the user must fix (exit 2). */
export class BridgeSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BridgeSetupError';
  }
}

/** Host roles that give a host a mail server in the World. */
const MAIL_SERVER_ROLES = ['msa', 'mta', 'mda'];

/**
 * `ADDRESS:PASSWORD` → a user; the password is everything after the first
 * colon (so it may contain colons). Returns an error message when malformed.
 */
export function parseUserArg(text: string): BridgeUser | string {
  const colon = text.indexOf(':');
  if (colon < 0) return `--user '${text}': give ADDRESS:PASSWORD, e.g. test@example.org:secret`;
  const address = text.slice(0, colon);
  const password = text.slice(colon + 1);
  if (!/^[^@\s:]+@[^@\s:]+$/.test(address))
    return `--user '${text}': '${address}' is not an address like test@example.org`;
  if (password.length === 0) return `--user '${text}': the password is empty`;
  if (password.length > 200) return `--user '${address}:…': the password is longer than 200 characters`;
  return { address, password };
}

/**
 * The host whose servers are bridged: `wanted` if given (it must be a mail
 * server), else `mx.example.net` if the scenario has it, else the first host
 * with the `mta` role.
 */
export function chooseBridgedHost(scenario: Scenario, wanted?: string): string {
  const isMailServer = (roles: readonly string[]) => roles.some((r) => MAIL_SERVER_ROLES.includes(r));
  if (wanted !== undefined) {
    const host = scenario.hosts.find((h) => h.id.toLowerCase() === wanted.toLowerCase());
    if (!host) {
      const servers = scenario.hosts.filter((h) => isMailServer(h.roles)).map((h) => h.id);
      throw new BridgeSetupError(
        `--host ${wanted}: no such host in scenario '${scenario.name}' (mail servers: ${servers.join(', ') || 'none'})`,
      );
    }
    if (!host.roles.includes('mta') && !host.roles.includes('msa'))
      throw new BridgeSetupError(
        `--host ${host.id}: it runs no SMTP server (roles: ${host.roles.join(', ') || 'none'}; needs mta or msa)`,
      );
    return host.id;
  }
  const preferred = scenario.hosts.find((h) => h.id === 'mx.example.net' && isMailServer(h.roles));
  const chosen = preferred ?? scenario.hosts.find((h) => h.roles.includes('mta'));
  if (!chosen)
    throw new BridgeSetupError(
      `scenario '${scenario.name}' has no host with the mta role to bridge; add one or pick one with --host`,
    );
  return chosen.id;
}

/**
 * The scenario with `users` added on `host` (mailbox and submission server).
 * A user the scenario already has keeps its host and mail program and only
 * takes the new password. The result is validated again.
 */
export function addUsers(scenario: Scenario, host: string, users: readonly BridgeUser[]): Scenario {
  const list = scenario.users.map((u) => ({ ...u }));
  for (const user of users) {
    const existing = list.find((u) => u.address.toLowerCase() === user.address.toLowerCase());
    if (existing) existing.password = user.password;
    else list.push({ address: user.address, password: user.password, host, submission: host });
  }
  return parseScenario({ ...scenario, users: list });
}
