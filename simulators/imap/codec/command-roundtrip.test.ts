import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Encode } from '../../core/bytes.ts';
import { daysFromCivil } from '../../core/civil-time.ts';
import { formatCommand, formatCommandSegments } from './command-formatter.ts';
import { parseCommand } from './command-parser.ts';
import type { CommandArgs, ImapCommand, ListReturnOption, StatusItem } from './command-types.ts';
import { CommandReader, type CommandReaderOutput } from './command-reader.ts';
import { parseCommandTokens } from './command-parser.ts';
import { FETCH_MACROS, type BodySection, type FetchAttribute } from './fetch-attributes.ts';
import type { SearchKey } from './search-keys.ts';
import type { SeqItem, SequenceSet } from './sequence-set.ts';

// ---------------------------------------------------------------------------
// Generators for every command shape.

const CHARS = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('\r', '\n', '\0', '"', '\\', ' ', 'é', '台', '😀', '&', '%', '*', ']', '['),
  },
);
const text = fc.string({ unit: CHARS, maxLength: 16 });
const mailbox = text.filter((s) => s === 'INBOX' || s.toUpperCase() !== 'INBOX');
const upperAtom = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-=+'),
  minLength: 1,
  maxLength: 10,
});
const keyword = fc.string({ unit: fc.constantFrom(...'abcXYZ$_-.0123456789'), minLength: 1, maxLength: 8 });
const flag = fc.oneof(
  fc.constantFrom('\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft', '\\Recent', '\\Ext'),
  keyword,
);
const nz = fc.integer({ min: 1, max: 4294967295 });
const big = fc.nat({ max: Number.MAX_SAFE_INTEGER });
const bound = fc.oneof(nz, fc.constant('*' as const));
const seqSet: fc.Arbitrary<SequenceSet> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.array(fc.oneof(bound, fc.tuple(bound, bound)) as fc.Arbitrary<SeqItem>, {
      minLength: 1,
      maxLength: 4,
    }),
  },
  { weight: 1, arbitrary: fc.constant('$' as const) },
);
const MIN_DAY = daysFromCivil(1001, 1, 1);
const MAX_DAY = daysFromCivil(9998, 12, 31);
const searchDate = fc.integer({ min: MIN_DAY, max: MAX_DAY }).map((d) => d * 86_400_000);
const dateTime = fc
  .tuple(fc.integer({ min: MIN_DAY * 86_400, max: MAX_DAY * 86_400 }), fc.integer({ min: -1439, max: 1439 }))
  .map(([s, offsetMinutes]) => ({ epochMs: s * 1000, offsetMinutes }));
const statusItems = fc.uniqueArray(
  fc.constantFrom<StatusItem>(
    'MESSAGES',
    'RECENT',
    'UIDNEXT',
    'UIDVALIDITY',
    'UNSEEN',
    'DELETED',
    'SIZE',
    'HIGHESTMODSEQ',
  ),
  { minLength: 1 },
);
const fieldName = fc.string({ unit: fc.constantFrom(...'ABCxyz-_()"\\]%{'), minLength: 1, maxLength: 8 });
const part = fc.array(fc.integer({ min: 1, max: 99 }), { maxLength: 3 });
const partial = fc.record({ offset: fc.nat({ max: 4294967295 }), length: nz });

const section: fc.Arbitrary<BodySection> = fc.oneof(
  part.map((p) => ({ part: p })),
  fc.tuple(part, fc.constantFrom('HEADER' as const, 'TEXT' as const)).map(([p, t]) => ({ part: p, text: t })),
  fc
    .array(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 3 })
    .map((p) => ({ part: p, text: 'MIME' as const })),
  fc
    .tuple(
      part,
      fc.constantFrom('HEADER.FIELDS' as const, 'HEADER.FIELDS.NOT' as const),
      fc.array(fieldName, { minLength: 1, maxLength: 3 }),
    )
    .map(([p, t, fields]) => ({ part: p, text: t, fields })),
);

const fetchAttribute: fc.Arbitrary<FetchAttribute> = fc.oneof(
  fc
    .constantFrom(
      'FLAGS',
      'INTERNALDATE',
      'RFC822',
      'RFC822.HEADER',
      'RFC822.SIZE',
      'RFC822.TEXT',
      'ENVELOPE',
      'BODY',
      'BODYSTRUCTURE',
      'UID',
      'MODSEQ',
    )
    .map((name) => ({ name }) as FetchAttribute),
  fc
    .tuple(fc.boolean(), section, fc.option(partial, { nil: undefined }))
    .map(([peek, s, p]): FetchAttribute =>
      p ? { name: 'BODY[]', peek, section: s, partial: p } : { name: 'BODY[]', peek, section: s },
    ),
  fc
    .tuple(fc.boolean(), part, fc.option(partial, { nil: undefined }))
    .map(([peek, pt, p]): FetchAttribute =>
      p ? { name: 'BINARY[]', peek, part: pt, partial: p } : { name: 'BINARY[]', peek, part: pt },
    ),
  part.map((pt): FetchAttribute => ({ name: 'BINARY.SIZE', part: pt })),
);

const { key: searchKey } = fc.letrec<{ key: SearchKey }>((tie) => ({
  key: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc
      .constantFrom(
        'ALL',
        'ANSWERED',
        'DELETED',
        'DRAFT',
        'FLAGGED',
        'NEW',
        'OLD',
        'RECENT',
        'SEEN',
        'UNANSWERED',
        'UNDELETED',
        'UNDRAFT',
        'UNFLAGGED',
        'UNSEEN',
      )
      .map((key) => ({ key }) as SearchKey),
    fc
      .tuple(fc.constantFrom('BCC', 'BODY', 'CC', 'FROM', 'SUBJECT', 'TEXT', 'TO'), text)
      .map(([key, value]) => ({ key, value }) as SearchKey),
    fc
      .tuple(fc.constantFrom('KEYWORD', 'UNKEYWORD'), keyword)
      .map(([key, f]) => ({ key, flag: f }) as SearchKey),
    fc
      .tuple(fc.constantFrom('BEFORE', 'ON', 'SINCE', 'SENTBEFORE', 'SENTON', 'SENTSINCE'), searchDate)
      .map(([key, date]) => ({ key, date }) as SearchKey),
    fc.tuple(fc.constantFrom('LARGER', 'SMALLER'), big).map(([key, size]) => ({ key, size }) as SearchKey),
    fc.tuple(text, text).map(([field, value]) => ({ key: 'HEADER', field, value }) as SearchKey),
    seqSet.map((set) => ({ key: 'UID', set }) as SearchKey),
    seqSet.map((set) => ({ key: 'SEQUENCE', set }) as SearchKey),
    big.map((modseq) => ({ key: 'MODSEQ', modseq }) as SearchKey),
    fc
      .tuple(text, fc.constantFrom('priv' as const, 'shared' as const, 'all' as const), big)
      .map(([name, type, modseq]) => ({ key: 'MODSEQ', entry: { name, type }, modseq }) as SearchKey),
    tie('key').map((operand) => ({ key: 'NOT', operand }) as SearchKey),
    fc.tuple(tie('key'), tie('key')).map(([left, right]) => ({ key: 'OR', left, right }) as SearchKey),
    fc
      .array(tie('key'), { minLength: 1, maxLength: 3 })
      .map((operands) => ({ key: 'AND', operands }) as SearchKey),
  ),
}));
const criteria = fc.array(searchKey, { minLength: 1, maxLength: 3 });
const charset = fc.constantFrom('UTF-8', 'US-ASCII', 'ISO-8859-1');
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** Drops undefined properties (exactOptionalPropertyTypes: absent, not undefined). */
const clean = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const returnOption: fc.Arbitrary<ListReturnOption> = fc.oneof(
  fc
    .constantFrom('SUBSCRIBED' as const, 'CHILDREN' as const, 'SPECIAL-USE' as const)
    .map((option) => ({ option })),
  statusItems.map((items) => ({ option: 'STATUS' as const, items })),
);

const commandArgs: fc.Arbitrary<CommandArgs> = fc.oneof(
  fc
    .constantFrom(
      'CAPABILITY',
      'NOOP',
      'LOGOUT',
      'STARTTLS',
      'CHECK',
      'CLOSE',
      'UNSELECT',
      'IDLE',
      'NAMESPACE',
    )
    .map((name) => ({ name }) as CommandArgs),
  fc
    .tuple(upperAtom, opt(fc.uint8Array({ maxLength: 20 }).map(base64Encode)))
    .map(([mechanism, ir]) => clean({ name: 'AUTHENTICATE', mechanism, initialResponse: ir }) as CommandArgs),
  fc.tuple(text, text).map(([username, password]) => ({ name: 'LOGIN', username, password }) as CommandArgs),
  fc
    .tuple(fc.constantFrom('SELECT', 'EXAMINE'), mailbox, fc.boolean())
    .map(([name, m, c]) => (c ? { name, mailbox: m, condstore: true } : { name, mailbox: m }) as CommandArgs),
  fc
    .tuple(
      mailbox,
      opt(fc.array(fc.constantFrom('\\All', '\\Archive', '\\Drafts', '\\Sent', '\\Trash', '\\X-Mine'))),
    )
    .map(([m, specialUse]) => clean({ name: 'CREATE', mailbox: m, specialUse }) as CommandArgs),
  fc
    .tuple(
      fc.constantFrom('DELETE', 'SUBSCRIBE', 'UNSUBSCRIBE', 'GETACL', 'MYRIGHTS', 'GETQUOTAROOT'),
      mailbox,
    )
    .map(([name, m]) => ({ name, mailbox: m }) as CommandArgs),
  fc.tuple(mailbox, mailbox).map(([from, to]) => ({ name: 'RENAME', from, to }) as CommandArgs),
  fc
    .tuple(
      text,
      fc.array(text, { minLength: 1, maxLength: 3 }),
      fc.boolean(),
      opt(fc.uniqueArray(fc.constantFrom('SUBSCRIBED' as const, 'REMOTE' as const, 'SPECIAL-USE' as const))),
      opt(fc.array(returnOption, { maxLength: 3 })),
    )
    .map(
      ([reference, patterns, asList, selectOptions, returnOptions]) =>
        clean({
          name: 'LIST',
          reference,
          patterns: asList ? patterns : patterns.slice(0, 1),
          patternList: asList ? (true as const) : undefined,
          selectOptions,
          returnOptions,
        }) as CommandArgs,
    ),
  fc.tuple(text, text).map(([reference, pattern]) => ({ name: 'LSUB', reference, pattern }) as CommandArgs),
  fc.tuple(mailbox, statusItems).map(([m, items]) => ({ name: 'STATUS', mailbox: m, items }) as CommandArgs),
  fc
    .tuple(
      mailbox,
      fc.array(
        fc
          .tuple(
            opt(fc.array(flag, { maxLength: 3 })),
            opt(dateTime),
            fc.uint8Array({ maxLength: 30 }),
            fc.boolean(),
          )
          .map(([flags, date, message, binary]) => clean({ flags, date, message, binary })),
        { minLength: 1, maxLength: 3 },
      ),
    )
    .map(([m, messages]) => ({ name: 'APPEND', mailbox: m, messages }) as CommandArgs),
  fc.constant({ name: 'EXPUNGE', uid: false } as CommandArgs),
  seqSet.map((sequence) => ({ name: 'EXPUNGE', uid: true, sequence }) as CommandArgs),
  fc
    .tuple(
      fc.boolean(),
      opt(fc.array(fc.constantFrom('MIN', 'MAX', 'ALL', 'COUNT', 'SAVE'), { maxLength: 3 })),
      opt(charset),
      criteria,
    )
    .map(
      ([uid, returnOptions, cs, c]) =>
        clean({ name: 'SEARCH', uid, returnOptions, charset: cs, criteria: c }) as CommandArgs,
    ),
  fc
    .tuple(
      fc.boolean(),
      seqSet,
      fc.oneof(
        fc
          .constantFrom('ALL' as const, 'FAST' as const, 'FULL' as const)
          .map((macro) => ({ macro, attributes: FETCH_MACROS[macro] })),
        fc
          .array(fetchAttribute, { minLength: 1, maxLength: 4 })
          .map((attributes) => ({ macro: undefined, attributes })),
      ),
      opt(big),
    )
    .map(
      ([uid, sequence, { macro, attributes }, changedSince]) =>
        clean({ name: 'FETCH', uid, sequence, macro, attributes, changedSince }) as CommandArgs,
    ),
  fc
    .tuple(
      fc.boolean(),
      seqSet,
      opt(big),
      fc.constantFrom('replace', 'add', 'remove'),
      fc.boolean(),
      fc.array(flag, { maxLength: 4 }),
    )
    .map(
      ([uid, sequence, unchangedSince, mode, silent, flags]) =>
        clean({ name: 'STORE', uid, sequence, unchangedSince, mode, silent, flags }) as CommandArgs,
    ),
  fc
    .tuple(fc.constantFrom('COPY', 'MOVE'), fc.boolean(), seqSet, mailbox)
    .map(([name, uid, sequence, m]) => ({ name, uid, sequence, mailbox: m }) as CommandArgs),
  fc
    .array(upperAtom, { minLength: 1, maxLength: 3 })
    .map((capabilities) => ({ name: 'ENABLE', capabilities }) as CommandArgs),
  fc
    .option(fc.array(fc.tuple(text, fc.option(text, { nil: null })), { maxLength: 3 }), { nil: null })
    .map((parameters) => ({ name: 'ID', parameters }) as CommandArgs),
  text.map((root) => ({ name: 'GETQUOTA', root }) as CommandArgs),
  fc
    .tuple(text, fc.array(fc.record({ resource: upperAtom, limit: big }), { maxLength: 3 }))
    .map(([root, limits]) => ({ name: 'SETQUOTA', root, limits }) as CommandArgs),
  fc
    .tuple(mailbox, text, text)
    .map(([m, identifier, rights]) => ({ name: 'SETACL', mailbox: m, identifier, rights }) as CommandArgs),
  fc
    .tuple(fc.constantFrom('DELETEACL', 'LISTRIGHTS'), mailbox, text)
    .map(([name, m, identifier]) => ({ name, mailbox: m, identifier }) as CommandArgs),
  fc
    .tuple(
      fc.boolean(),
      fc.array(
        fc.record({
          key: fc.constantFrom(
            'ARRIVAL',
            'CC',
            'DATE',
            'FROM',
            'SIZE',
            'SUBJECT',
            'TO',
            'DISPLAYFROM',
            'DISPLAYTO',
          ),
          reverse: fc.boolean(),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      charset,
      criteria,
    )
    .map(([uid, c, cs, search]) => ({ name: 'SORT', uid, criteria: c, charset: cs, search }) as CommandArgs),
  fc
    .tuple(fc.boolean(), fc.constantFrom('ORDEREDSUBJECT', 'REFERENCES'), charset, criteria)
    .map(
      ([uid, algorithm, cs, search]) =>
        ({ name: 'THREAD', uid, algorithm, charset: cs, search }) as CommandArgs,
    ),
  upperAtom.map((mechanism) => ({ name: 'COMPRESS', mechanism }) as CommandArgs),
);

const tag = fc.string({ unit: fc.constantFrom(...'ABCabc0123456789.'), minLength: 1, maxLength: 6 });
const command: fc.Arbitrary<ImapCommand> = fc
  .tuple(tag, commandArgs)
  .map(([t, args]) => ({ tag: t, ...args }));

describe('parseCommand(formatCommand(c)) = c (property)', () => {
  it('holds for generated commands of every kind', () => {
    fc.assert(
      fc.property(command, (cmd) => {
        expect(parseCommand(formatCommand(cmd))).toEqual({ kind: 'command', command: cmd });
      }),
      { numRuns: 3000 },
    );
  });

  it('holds with UTF8=ACCEPT and LITERAL+', () => {
    fc.assert(
      fc.property(command, (cmd) => {
        const options = { utf8Accept: true, literalPlus: true };
        expect(parseCommand(formatCommand(cmd, options), { utf8Accept: true })).toEqual({
          kind: 'command',
          command: cmd,
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('holds through the command reader, sending segment by segment after each continuation', () => {
    fc.assert(
      fc.property(command, (cmd) => {
        const reader = new CommandReader();
        const outputs: CommandReaderOutput[] = [];
        for (const segment of formatCommandSegments(cmd)) {
          reader.receive(segment);
          for (let o = reader.poll(); o !== undefined; o = reader.poll()) outputs.push(o);
        }
        const last = outputs.at(-1);
        expect(outputs.slice(0, -1).every((o) => o.kind === 'continuation-needed')).toBe(true);
        expect(last?.kind === 'command' && parseCommandTokens(last.tokens)).toEqual({
          kind: 'command',
          command: cmd,
        });
      }),
      { numRuns: 1000 },
    );
  });
});
