/**
 * The IMAP codec: pure, synchronous functions between octets and typed
 * commands and responses (the emailjs-imap-handler model: a tokenizer plus
 * its inverse compiler). No state machine lives here; the server and client
 * machines are built on top (STYLE.md §S3).
 *
 * Server side: {@link CommandReader} frames octets into tokenized commands
 * (handling `{n}` continuations, LITERAL+, limits), {@link parseCommandTokens}
 * types them, {@link encodeResponse} writes replies.
 * Client side: {@link formatCommand} / {@link formatCommandSegments} write
 * commands, {@link ResponseReader} / {@link parseResponse} read replies.
 */
export type { Parsed } from './result.ts';
export { decodeMutf7, encodeMutf7 } from './mutf7.ts';
export { formatDate, formatDateTime, parseDate, parseDateTime, type ImapDateTime } from './dates.ts';
export {
  expandSequenceSet,
  formatNumberSet,
  formatSequenceSet,
  isSeqRange,
  listSequenceSet,
  MAX_NZ_NUMBER,
  parseSequenceSet,
  rangesContain,
  rangesSize,
  rangesValues,
  sequenceSetContains,
  sequenceSetWithin,
  type NumberRange,
  type SeqBound,
  type SeqItem,
  type SequenceSet,
} from './sequence-set.ts';
export {
  astr,
  atom,
  isAtom,
  isTag,
  list,
  literal,
  nil,
  nstr,
  num,
  seq,
  str,
  type ImapValue,
} from './values.ts';
export {
  chooseStringForm,
  MAX_QUOTED_LENGTH,
  quote,
  writeValues,
  type StringForm,
  type WriteOptions,
} from './value-writer.ts';
export {
  DEFAULT_MAX_DEPTH,
  tokenize,
  type AtomToken,
  type ListToken,
  type LiteralToken,
  type QuotedToken,
  type Token,
  type TokenizeOptions,
  type TokenizeResult,
} from './tokenizer.ts';
export type {
  AppendMessage,
  CommandArgs,
  CommandName,
  CommandParseOptions,
  CommandParseResult,
  FetchMacro,
  Flag,
  ImapCommand,
  ListReturnOption,
  ListSelectOption,
  SearchReturnOption,
  SortCriterion,
  SortKey,
  StatusItem,
  StoreMode,
  ThreadAlgorithm,
} from './command-types.ts';
export type { SearchDateKey, SearchFlagKey, SearchKey, SearchStringKey } from './search-keys.ts';
export {
  esearchResponse,
  readEsearch,
  readSearch,
  searchResponse,
  type EsearchResult,
  type SearchResult,
} from './search-responses.ts';
export {
  quotaResponse,
  quotaRootResponse,
  readQuota,
  readQuotaRoot,
  type QuotaData,
  type QuotaResourceUsage,
  type QuotaRootData,
} from './quota-responses.ts';
export {
  FETCH_MACROS,
  fetchResponseName,
  formatFetchAttribute,
  formatSection,
  type BodySection,
  type FetchAttribute,
  type FetchPartial,
  type SimpleFetchItem,
} from './fetch-attributes.ts';
export {
  isIdleDone,
  parseAuthenticateLine,
  parseCommand,
  parseCommandTokens,
  peekTag,
} from './command-parser.ts';
export { formatCommand, formatCommandSegments, type FormatCommandOptions } from './command-formatter.ts';
export {
  CommandReader,
  DEFAULT_MAX_COMMAND_SIZE,
  DEFAULT_MAX_LINE_LENGTH,
  DEFAULT_MAX_LITERAL_SIZE,
  type CommandReaderMode,
  type CommandReaderOptions,
  type CommandReaderOutput,
} from './command-reader.ts';
export {
  SIMPLE_RESPONSE_CODES,
  type ImapResponse,
  type ResponseCode,
  type SimpleResponseCode,
  type TaggedStatus,
  type UntaggedStatus,
} from './responses.ts';
export {
  encodeResponse,
  encodeResponses,
  encodeValue,
  fetchItemName,
  fetchResponse,
  formatResponseCode,
  type EncodeOptions,
} from './response-encoder.ts';
export {
  DEFAULT_RESPONSE_MAX_DEPTH,
  parseResponse,
  RESPONSE_LIMITS,
  ResponseReader,
  tokenToValue,
  type ResponseParseOptions,
  type ResponseReaderOptions,
  type ResponseReaderOutput,
} from './response-parser.ts';
