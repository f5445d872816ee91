/**
 * The structure rules of the aggregate report schemas, as data, and a checker
 * that walks a parsed document against them: RFC 9990 §3.1.1 (its tables of
 * elements, their order where it says "MUST appear in the order listed", and
 * their multiplicity; the value types of its XSD) and RFC 7489 Appendix C.
 *
 * The reports this engine writes are checked against these rules in tests;
 * the parser reports a received document's departures as warnings, because
 * most reports in the wild depart from the letter of RFC 7489 somewhere
 * (no `version`, no `envelope_from`, no SPF `scope`).
 *
 * `sequence` is XSD's ordered group, `all` its unordered one. Extension
 * points (RFC 9990 §5) accept any element in another namespace.
 */
import { parseIPv4, parseIPv6 } from '../../dns/ip.ts';
import { childElements, textOf, type XmlElement } from './xml-writer.ts';
import { DMARC_NAMESPACE, type ReportFormat } from './report-types.ts';

/** A value type of a leaf element. */
type Leaf =
  | { readonly leaf: 'string' | 'integer' | 'decimal' | 'ip' }
  | { readonly leaf: 'enum'; readonly values: readonly string[] };

/** A complex type: its children, in order (`sequence`) or in any order (`all`). */
interface Complex {
  readonly group: 'sequence' | 'all';
  readonly children: readonly Particle[];
  /** Any number of elements of other namespaces may follow (RFC 9990 §5). */
  readonly extensible?: boolean;
}

interface Particle {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly type: Leaf | Complex;
}

const one = (name: string, type: Leaf | Complex): Particle => ({ name, min: 1, max: 1, type });
const opt = (name: string, type: Leaf | Complex): Particle => ({ name, min: 0, max: 1, type });
const many = (name: string, min: number, type: Leaf | Complex): Particle => ({
  name,
  min,
  max: Infinity,
  type,
});
const str: Leaf = { leaf: 'string' };
const int: Leaf = { leaf: 'integer' };
const choice = (...values: string[]): Leaf => ({ leaf: 'enum', values });
const seq = (...children: Particle[]): Complex => ({ group: 'sequence', children });
const all = (...children: Particle[]): Complex => ({ group: 'all', children });

const POLICY = choice('none', 'quarantine', 'reject');
const ALIGNMENT = choice('r', 's');
const DMARC_RESULT = choice('pass', 'fail');
const DKIM_RESULT = choice('none', 'pass', 'fail', 'policy', 'neutral', 'temperror', 'permerror');
const SPF_RESULT = choice('none', 'neutral', 'pass', 'fail', 'softfail', 'temperror', 'permerror');
const DATE_RANGE = all(one('begin', int), one('end', int));

/** RFC 9990 §3.1.1 and its XSD (Appendix A). */
const RFC9990 = seq(
  opt('version', choice('1.0')),
  one(
    'report_metadata',
    all(
      one('org_name', str),
      one('email', str),
      opt('extra_contact_info', str),
      one('report_id', str),
      one('date_range', DATE_RANGE),
      opt('error', str),
      opt('generator', str),
    ),
  ),
  one(
    'policy_published',
    all(
      one('domain', str),
      opt('discovery_method', choice('psl', 'treewalk')),
      one('p', POLICY),
      opt('sp', POLICY),
      opt('np', POLICY),
      opt('fo', str),
      opt('adkim', ALIGNMENT),
      opt('aspf', ALIGNMENT),
      opt('testing', choice('n', 'y')),
    ),
  ),
  opt('extension', { group: 'sequence', children: [], extensible: true }),
  many('record', 1, {
    group: 'sequence',
    extensible: true,
    children: [
      one(
        'row',
        seq(
          one('source_ip', { leaf: 'ip' }),
          one('count', int),
          one(
            'policy_evaluated',
            seq(
              one('disposition', choice('none', 'pass', 'quarantine', 'reject')),
              one('dkim', DMARC_RESULT),
              one('spf', DMARC_RESULT),
              many(
                'reason',
                0,
                all(
                  one(
                    'type',
                    choice('local_policy', 'mailing_list', 'other', 'policy_test_mode', 'trusted_forwarder'),
                  ),
                  opt('comment', str),
                ),
              ),
            ),
          ),
        ),
      ),
      one('identifiers', all(one('header_from', str), opt('envelope_from', str), opt('envelope_to', str))),
      one(
        'auth_results',
        seq(
          many(
            'dkim',
            0,
            all(
              one('domain', str),
              one('selector', str),
              one('result', DKIM_RESULT),
              opt('human_result', str),
            ),
          ),
          // §3.1.1.13: "The only valid value for the scope element is mfrom".
          opt(
            'spf',
            all(
              one('domain', str),
              opt('scope', choice('mfrom')),
              one('result', SPF_RESULT),
              opt('human_result', str),
            ),
          ),
        ),
      ),
    ],
  }),
);

/** RFC 7489 Appendix C. */
const RFC7489 = seq(
  one('version', { leaf: 'decimal' }),
  one(
    'report_metadata',
    seq(
      one('org_name', str),
      one('email', str),
      opt('extra_contact_info', str),
      one('report_id', str),
      one('date_range', DATE_RANGE),
      many('error', 0, str),
    ),
  ),
  one(
    'policy_published',
    all(
      one('domain', str),
      opt('adkim', ALIGNMENT),
      opt('aspf', ALIGNMENT),
      one('p', POLICY),
      one('sp', POLICY),
      one('pct', int),
      one('fo', str),
    ),
  ),
  many(
    'record',
    1,
    seq(
      one(
        'row',
        seq(
          one('source_ip', { leaf: 'ip' }),
          one('count', int),
          one(
            'policy_evaluated',
            seq(
              one('disposition', POLICY),
              one('dkim', DMARC_RESULT),
              one('spf', DMARC_RESULT),
              many(
                'reason',
                0,
                all(
                  one(
                    'type',
                    choice(
                      'forwarded',
                      'sampled_out',
                      'trusted_forwarder',
                      'mailing_list',
                      'local_policy',
                      'other',
                    ),
                  ),
                  opt('comment', str),
                ),
              ),
            ),
          ),
        ),
      ),
      one('identifiers', all(opt('envelope_to', str), one('envelope_from', str), one('header_from', str))),
      one(
        'auth_results',
        seq(
          many(
            'dkim',
            0,
            all(
              one('domain', str),
              opt('selector', str),
              one('result', DKIM_RESULT),
              opt('human_result', str),
            ),
          ),
          many(
            'spf',
            1,
            all(one('domain', str), one('scope', choice('helo', 'mfrom')), one('result', SPF_RESULT)),
          ),
        ),
      ),
    ),
  ),
);

/** A departure from the schema, with the path of the element (`feedback/record[2]/row/count`). */
export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
  /** Where the element starts in the document, when known. */
  readonly line?: number;
  readonly column?: number;
}

/** Whether a leaf's text is a valid value (after XSD whitespace collapsing for non-strings). */
function leafProblem(type: Leaf, raw: string): string | undefined {
  if (type.leaf === 'string') return undefined;
  const value = raw.trim();
  switch (type.leaf) {
    case 'integer':
      return /^[+-]?[0-9]+$/.test(value) ? undefined : `"${value}" is not an integer`;
    case 'decimal':
      return /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/.test(value)
        ? undefined
        : `"${value}" is not a decimal number`;
    case 'ip':
      return parseIPv4(value) !== undefined || (value.includes(':') && parseIPv6(value) !== undefined)
        ? undefined
        : `"${value}" is not an IPv4 or IPv6 address`;
    case 'enum':
      return type.values.includes(value) ? undefined : `"${value}" is not one of ${type.values.join(', ')}`;
  }
}

/**
 * Checks `root` against the schema of `format`; an empty list means it
 * conforms. For RFC 9990 every element must be in the DMARC namespace.
 */
export function checkFeedback(root: XmlElement, format: ReportFormat): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const ns = format === 'rfc9990' ? DMARC_NAMESPACE : undefined;
  const report = (path: string, el: XmlElement | undefined, message: string) =>
    problems.push({
      path,
      message,
      ...(el?.line === undefined ? {} : { line: el.line }),
      ...(el?.column === undefined ? {} : { column: el.column }),
    });
  if (root.local !== 'feedback') {
    report(root.local, root, `the root element must be <feedback>, not <${root.name}>`);
    return problems;
  }
  const visit = (el: XmlElement, type: Leaf | Complex, path: string) => {
    if (ns !== undefined && el.namespace !== ns)
      report(path, el, `<${el.name}> must be in the namespace ${ns}, not "${el.namespace}"`);
    if ('leaf' in type) {
      if (childElements(el).length > 0) report(path, el, `<${el.local}> holds a value, not elements`);
      const problem = leafProblem(type, textOf(el));
      if (problem !== undefined) report(path, el, problem);
      return;
    }
    if (textOf(el).trim() !== '') report(path, el, `<${el.local}> may hold only elements, not text`);
    // Extensions are namespaced (§5); an element in no namespace is a misplaced DMARC element.
    const kids = childElements(el).filter(
      (k) => !(type.extensible && ns !== undefined && k.namespace !== ns && k.namespace !== ''),
    );
    const counts = new Map<string, number>();
    let position = 0;
    for (const kid of kids) {
      const index = type.children.findIndex((p) => p.name === kid.local);
      const particle = type.children[index];
      const n = (counts.get(kid.local) ?? 0) + 1;
      counts.set(kid.local, n);
      const kidPath = `${path}/${kid.local}${particle && particle.max > 1 ? `[${n}]` : ''}`;
      if (particle === undefined) {
        report(kidPath, kid, `<${kid.local}> is not allowed in <${el.local}>`);
        continue;
      }
      if (n > particle.max) report(kidPath, kid, `<${kid.local}> may appear only once in <${el.local}>`);
      if (type.group === 'sequence') {
        if (index < position) {
          const after = type.children[position]?.name ?? '';
          report(kidPath, kid, `<${kid.local}> must come before <${after}> in <${el.local}>`);
        }
        position = Math.max(position, index);
      }
      visit(kid, particle.type, kidPath);
    }
    for (const p of type.children) {
      if ((counts.get(p.name) ?? 0) < p.min)
        report(path, el, `<${el.local}> lacks <${p.name}>, which is required`);
    }
  };
  visit(root, format === 'rfc9990' ? RFC9990 : RFC7489, 'feedback');
  return problems;
}
