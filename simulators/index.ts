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
