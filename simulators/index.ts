/**
 * The engine's public surface: the only module the web app (src/) imports.
 */
export type { ConnId, HostId, Port, SessionId, VirtualMs } from './core/ids.ts';
export { bytesToLatin1, utf8Bytes, utf8Text, latin1Bytes } from './core/bytes.ts';
export type { TraceEvent, TraceEventBody, TraceEventOf, Endpoint, Direction } from './trace/events.ts';
export { Trace } from './trace/trace.ts';
export { traceToPcapng, type PcapCapture, type PcapOptions } from './trace/pcap.ts';
export type { SubtleForTls } from './net/tls-wire.ts';
export type { DnsAnswer, DnsQuery, ResourceRecord, RRType } from './dns/records.ts';
export {
  parseZone,
  formatRecord,
  type ZoneDiagnostic,
  type ZoneEdit,
  type ZoneFix,
  type ParsedZone,
} from './dns/zone-file.ts';
export { RR_TYPES } from './dns/records.ts';
export type { CheckZoneOptions, ZoneCheck } from './auth/record-lint.ts';
import type * as RecordLint from './auth/record-lint.ts';
import { loadPublicSuffixList } from './auth/dmarc/org-domain.ts';
/**
 * The zone checks of the zone editor (`checkZone`: the master file, then the
 * SPF, DMARC and DKIM records), loaded on demand: only the editor needs them,
 * so they stay out of the first page load.
 */
export async function loadZoneChecks(): Promise<typeof RecordLint> {
  // The rua check compares organizational domains with the Public Suffix List, itself loaded on demand.
  const [checks] = await Promise.all([import('./auth/record-lint.ts'), loadPublicSuffixList()]);
  return checks;
}
export type { RecordTerm } from './auth/record-outline.ts';
export { World, type WorldOptions, type ZoneReport } from './world/world.ts';
export {
  parseScenario,
  ScenarioError,
  HOST_ROLES,
  type Scenario,
  type ScenarioInput,
} from './world/scenario.ts';
export { PRESETS } from './world/presets/index.ts';
export { STATE_MACHINES } from './world/machines.ts';
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
export { IMAP_VERBS, IMAP_UID_VERBS } from './imap/verbs.ts';
export { trailingLiteral, type LiteralAnnouncement } from './imap/codec/framing.ts';
export type { Envelope, EnvelopeAddress } from './imap/client-session.ts';
export {
  MAIL_CLIENT_STEP,
  type ImapMailClient,
  type ImapMailClientOptions,
  type ImapMailClientSnapshot,
  type ImapListedMessage,
  type ImapOpenedMessage,
} from './agents/mua-imap.ts';
export { parseMessage } from './mime/message.ts';
export { mainTextPart, partText } from './mime/decode.ts';
/** The DMARC report reader (XML parser, decompressors), loaded when a view first needs it. */
export const loadReportReader = () => import('./auth/dmarc/report-reader.ts');
export type { ReportEmailRead } from './auth/dmarc/report-reader.ts';
export type { ReportParse, ReportProblem } from './auth/dmarc/report-parser.ts';
export type {
  FeedbackReport,
  ReportRecord,
  DkimAuthResult,
  SpfAuthResult,
  PolicyPublished,
} from './auth/dmarc/report-types.ts';
