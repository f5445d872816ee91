/**
 * DMARC (RFC 9989, and RFC 7489 as most receivers still run it): record
 * parsing, organizational domains, the evaluation generator, the Author
 * Domain of a message and the Authentication-Results method.
 */
export {
  evaluateDmarc,
  runDmarc,
  MAX_ALIGNMENT_WALKS,
  MAX_REPORT_URIS,
  MAX_DMARC_QUERIES,
} from './evaluate.ts';
export {
  parseDmarcRecord,
  isDmarcRecord,
  type DmarcMode,
  type DmarcPolicy,
  type DmarcRecord,
  type DmarcRecordParse,
  type DmarcDiagnostic,
  type DmarcUri,
} from './record.ts';
export {
  loadPublicSuffixList,
  publicSuffixListLoaded,
  pslOrganizationalDomain,
  treeWalkTargets,
  selectOrganizationalDomain,
  TREE_WALK_MAX_LABELS,
  TREE_WALK_MAX_QUERIES,
  type WalkFind,
} from './org-domain.ts';
export { fromDomainOf, strictestResult, type FromDomainResult } from './from-domain.ts';
export { formatAuthResultsDmarc } from './header.ts';
export type {
  DmarcInput,
  DmarcResult,
  DmarcResultCode,
  DmarcStep,
  AlignmentMode,
  IdentifierAlignment,
} from './types.ts';
