/**
 * What the Mail program panel shows: the messages on the server and in the
 * mail program's local copy side by side, each marked with whether the other
 * side has it too, and the last check's outcome in words. A message is the
 * same message on both sides when its Message-ID is (RFC 5322 §3.6.4): POP3
 * numbers and unique-ids belong to the server, not to the message.
 */
import type { LocalMessage, Pop3CheckOptions, StoredMessage } from '../../../simulators/index.ts';
import type { MailCheck } from '../sim/simulation.svelte.ts';
import { summarizeHeader } from './message-view.ts';

/** One row of either list. */
export interface CopyRow {
  /** Unique within its list: the store's UID on the server, the POP3 unique-id on the laptop. */
  readonly key: string;
  readonly subject: string;
  readonly from: string;
  /** Whether the other side holds a copy too. */
  readonly onBothSides: boolean;
}

/** The two lists. */
export interface Copies {
  readonly server: readonly CopyRow[];
  readonly local: readonly CopyRow[];
}

/** A day of virtual wall-clock time, ms. */
export const DAY_MS = 86_400_000;

/** The modes a learner can pick, in the order the panel offers them. */
export const POP3_MODES = [
  { value: 'download-and-delete', label: 'Download and delete' },
  { value: 'download-and-keep', label: 'Download and keep' },
] as const satisfies readonly { value: Pop3CheckOptions['mode']; label: string }[];

/** Lists what the server and the laptop hold, oldest first, each row marked with the other side's copy. */
export function compareCopies(server: readonly StoredMessage[], local: readonly LocalMessage[]): Copies {
  const serverRows = server.map((m) => ({ key: String(m.uid), ...summarizeHeader(m.raw) }));
  const localRows = local.map((m) => ({ key: m.uid, ...summarizeHeader(m.bytes) }));
  const ids = (rows: readonly { messageId: string | undefined }[]) =>
    new Set(rows.flatMap((r) => (r.messageId === undefined ? [] : [r.messageId])));
  const onServer = ids(serverRows);
  const onLaptop = ids(localRows);
  const row = (r: (typeof serverRows)[number], other: ReadonlySet<string>): CopyRow => ({
    key: r.key,
    subject: r.subject,
    from: r.from,
    onBothSides: r.messageId !== undefined && other.has(r.messageId),
  });
  return {
    server: serverRows.map((r) => row(r, onLaptop)),
    local: localRows.map((r) => row(r, onServer)),
  };
}

/**
 * The options of one check: `keepDays` (download-and-keep only) deletes a
 * kept message at the first check at least that many days after it was
 * downloaded; undefined, negative or not a number keeps it for ever.
 */
export function checkOptions(
  mode: Pop3CheckOptions['mode'],
  keepDays: number | undefined,
  port: 110 | 995,
): Pop3CheckOptions {
  const keep = mode === 'download-and-keep' && keepDays !== undefined && Number.isFinite(keepDays);
  return keep && keepDays >= 0 ? { mode, deleteAfterMs: keepDays * DAY_MS, port } : { mode, port };
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** The last check in one sentence, e.g. `Retrieved 2, deleted 2 on the server; 0 messages left there.` */
export function describeCheck(check: MailCheck | undefined): string {
  if (check === undefined) return 'No check yet: choose a mode and press Check mail.';
  const { result } = check;
  if (result === undefined) return 'Checking: the mail program is talking POP3 to the server…';
  if (!result.ok) return `The check failed: ${result.reason}`;
  return (
    `Retrieved ${result.retrieved}, deleted ${result.deleted} on the server; ` +
    `${count(result.onServer, 'message')} left there.`
  );
}
