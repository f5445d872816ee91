/**
 * The teaching presets, in the order a course would meet them: SPF, DKIM,
 * forwarding, then DMARC. The app loads this module on demand
 * (`loadTeaching`), so the first page does not carry them.
 */
import { describeCheck, evaluateCheck } from '../checks.ts';
import type { TeachingKit, TeachingPreset } from '../teaching-preset.ts';
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

/** The presets with the check evaluator, as `loadTeaching` hands them to the app. */
export const TEACHING_KIT: TeachingKit = { presets: TEACHING_PRESETS, evaluateCheck, describeCheck };
