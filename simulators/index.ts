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
