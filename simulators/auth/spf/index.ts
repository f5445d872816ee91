/**
 * SPF (RFC 7208): record parsing, macro expansion, the check_host()
 * generator and the header fields that report its result.
 */
export {
  checkHost,
  evaluateSpf,
  spfInputFor,
  domainProblem,
  isValidQueryName,
  DEFAULT_EXPLANATION,
  type SpfInput,
  type SpfOptions,
  type SpfResult,
  type SpfResultCode,
  type SpfStep,
  type SpfLimit,
  type SpfVia,
} from './evaluate.ts';
export {
  parseRecord,
  selectRecord,
  isSpfRecord,
  parseDomainSpec,
  parseExplanation,
  type SpfRecord,
  type Term,
  type Directive,
  type Modifier,
  type Mechanism,
  type MechanismName,
  type Qualifier,
  type MacroText,
  type RecordParse,
  type RecordSelection,
  type SpfSyntaxError,
} from './record.ts';
export {
  parseMacroString,
  expandMacroString,
  toQueryName,
  choosePtrName,
  usesPtrMacro,
  type MacroToken,
  type MacroValues,
  type MacroContext,
  type MacroLetter,
  type MacroParse,
  type MacroSyntaxError,
} from './macro.ts';
export { formatReceivedSpf, formatAuthResultsSpf } from './header.ts';
export { parseClientIp, type ClientIp } from './client-ip.ts';
