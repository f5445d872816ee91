/**
 * The teaching presets, in the order a course would meet them: SPF, DKIM,
 * forwarding, then DMARC. The app loads this module on demand
 * (`loadTeachingPresets`), so the first page does not carry them.
 */
import type { TeachingPreset } from '../teaching-preset.ts';
import { dkimListFooter } from './dkim-list-footer.ts';
import { dkimSelectorMissing } from './dkim-selector-missing.ts';
import { dmarcSpoofPNone } from './dmarc-spoof-p-none.ts';
import { dmarcStrictAlignment } from './dmarc-strict-alignment.ts';
import { dmarcSubdomainPolicy } from './dmarc-subdomain-policy.ts';
import { dmarcTwoRecords } from './dmarc-two-records.ts';
import { forwarderDkim } from './forwarder-dkim.ts';
import { spfMissingMsa } from './spf-missing-msa.ts';
import { spfPlusAll } from './spf-plus-all.ts';
import { spfTooManyLookups } from './spf-too-many-lookups.ts';

/** Every teaching preset. */
export const TEACHING_PRESETS: readonly TeachingPreset[] = [
  spfMissingMsa,
  spfTooManyLookups,
  spfPlusAll,
  dkimSelectorMissing,
  dkimListFooter,
  forwarderDkim,
  dmarcSpoofPNone,
  dmarcSubdomainPolicy,
  dmarcStrictAlignment,
  dmarcTwoRecords,
];
