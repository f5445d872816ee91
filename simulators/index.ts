/**
 * The engine's public surface: the only module the web app (src/) imports.
 */
export type { ConnId, HostId, Port, SessionId, VirtualMs } from './core/ids.ts';
export { bytesToLatin1, utf8Bytes, utf8Text, latin1Bytes } from './core/bytes.ts';
export type { TraceEvent, TraceEventBody, TraceEventOf, Endpoint, Direction } from './trace/events.ts';
export { Trace } from './trace/trace.ts';
export type { DnsAnswer, DnsQuery, ResourceRecord, RRType } from './dns/records.ts';
export { parseZone, formatRecord, type ZoneDiagnostic, type ParsedZone } from './dns/zone-file.ts';
export { World, type WorldOptions, type ZoneReport } from './world/world.ts';
export {
  parseScenario,
  ScenarioError,
  HOST_ROLES,
  type Scenario,
  type ScenarioInput,
} from './world/scenario.ts';
export { PRESETS } from './world/presets/index.ts';
// Checks and teaching presets load on demand (`loadTeaching`): only their types are here.
export type {
  Check,
  CheckOutcome,
  MessageMatch,
  Which,
  AuthCheck,
  DeliveredCheck,
  BounceCheck,
  ReplyCheck,
} from './world/checks.ts';
import type { TeachingKit } from './world/teaching-preset.ts';
export type { TeachingKit, TeachingPreset, PresetMessage, PresetFix } from './world/teaching-preset.ts';
export type { DirectMessage, DirectRecipientResult } from './agents/direct-sender.ts';

/** The teaching presets and the check evaluator (presets/teaching.ts), loaded when first asked for. */
export async function loadTeaching(): Promise<TeachingKit> {
  return (await import('./world/presets/teaching.ts')).TEACHING_KIT;
}
export type { Host, Socket } from './net/network.ts';
export type { Draft, SubmissionResult } from './agents/mua.ts';
export type { StoredMessage, MailboxChange } from './store/mail-store.ts';
export { SMTP_VERBS } from './smtp/commands.ts';
export { parseReplyLine, ReplyAssembler, type Reply, type ReplyEvent } from './smtp/replies.ts';
export { explainReply, explainEnhanced, type ReplyExplanation } from './smtp/reply-codes.ts';
export { plainResponse, loginResponse } from './auth/sasl.ts';
export { webCryptoDkim, type DkimCrypto, type SubtleLike } from './auth/dkim/index.ts';
export { base64Encode } from './core/bytes.ts';
export { readHeaderSection, findField } from './mime/header-section.ts';
export type { CheckResult, LocalMessage, Pop3CheckOptions } from './agents/mua.ts';
export type { ImapCachedMessage, ImapSyncOptions, ImapSyncResult } from './agents/mua.ts';
export type { ImapClientAppEvent, ImapOperation, MailboxEntry } from './imap/client-session.ts';
export { POP3_VERBS } from './pop3/codec.ts';
export { parseStatusLine } from './pop3/codec.ts';
