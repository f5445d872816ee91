/**
 * The argument grammar of each command (RFC 3501 §9 and the extensions
 * listed in `command-parser.ts`): one parser per command name, reading the
 * tokens after `tag SP name` with a {@link TokenCursor}. Dispatch is a typed
 * table, not string-built method names (STYLE.md §S11).
 */
import type {
  AppendMessage,
  CommandArgs,
  ListReturnOption,
  ListSelectOption,
  SearchReturnOption,
  SortCriterion,
  SortKey,
  StatusItem,
  StoreMode,
} from './command-types.ts';
import { parseDateTime } from './dates.ts';
import { FETCH_MACROS, parseFetchAttribute, type FetchAttribute } from './fetch-attributes.ts';
import { parseSearchKeys } from './search-keys.ts';
import { parseSequenceSet, type SequenceSet } from './sequence-set.ts';
import type { Token } from './tokenizer.ts';
import { failSyntax, type TokenCursor } from './token-cursor.ts';
import { isAtom } from './values.ts';

/** Reads a command's arguments; `uid` is set for the UID form. */
export type ArgsParser = (c: TokenCursor, uid: boolean) => CommandArgs;

const NO_ARGS = [
  'CAPABILITY',
  'NOOP',
  'LOGOUT',
  'STARTTLS',
  'CHECK',
  'CLOSE',
  'UNSELECT',
  'IDLE',
  'NAMESPACE',
] as const;

/** Commands that UID may prefix (RFC 3501 §6.4.8, RFC 4315, RFC 6851, RFC 5256). */
export const UID_COMMANDS: ReadonlySet<string> = new Set([
  'COPY',
  'MOVE',
  'FETCH',
  'SEARCH',
  'STORE',
  'EXPUNGE',
  'SORT',
  'THREAD',
]);

const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft', '\\Recent'];
const SPECIAL_USE = ['\\All', '\\Archive', '\\Drafts', '\\Flagged', '\\Junk', '\\Sent', '\\Trash'];
const STATUS_ITEMS: readonly StatusItem[] = [
  'MESSAGES',
  'RECENT',
  'UIDNEXT',
  'UIDVALIDITY',
  'UNSEEN',
  'DELETED',
  'SIZE',
  'HIGHESTMODSEQ',
];
const SORT_KEYS: readonly SortKey[] = [
  'ARRIVAL',
  'CC',
  'DATE',
  'FROM',
  'SIZE',
  'SUBJECT',
  'TO',
  'DISPLAYFROM',
  'DISPLAYTO',
];
const MAX_MODSEQ = Number.MAX_SAFE_INTEGER;

/** `; RFC 4959 §7 / RFC 3501 §9 base64`, or `=` for an empty initial response. */
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function canonicalFlag(word: string, known: readonly string[]): string {
  return known.find((f) => f.toUpperCase() === word.toUpperCase()) ?? word;
}

/** `; RFC 3501 §9 flag = "\" atom / flag-keyword`, system flags in canonical case. */
function parseFlag(t: Token, c: TokenCursor): string {
  if (t.kind !== 'atom' || t.section !== undefined) return c.expected('a flag', t);
  const v = t.value;
  const ok = v.startsWith('\\') ? isAtom(v.slice(1)) : isAtom(v);
  if (!ok) failSyntax(`${c.command}: '${v}' is not a valid flag`);
  return canonicalFlag(v, SYSTEM_FLAGS);
}

function flagList(c: TokenCursor, what: string): string[] {
  const l = c.list(what);
  const flags: string[] = [];
  while (!l.atEnd) flags.push(parseFlag(l.next('a flag'), c));
  return flags;
}

function sequenceSet(c: TokenCursor, what = 'a sequence set'): SequenceSet {
  const set = parseSequenceSet(c.atom(what));
  if (!set.ok) failSyntax(set.message);
  return set.value;
}

function statusItems(c: TokenCursor): StatusItem[] {
  const l = c.list('a list of status items such as (MESSAGES UNSEEN)');
  if (l.atEnd) failSyntax(`${c.command} needs at least one status item, e.g. (MESSAGES)`);
  const items: StatusItem[] = [];
  while (!l.atEnd) {
    const word = l.keyword('a status item');
    const item = STATUS_ITEMS.find((s) => s === word);
    if (item === undefined) failSyntax(`Unknown STATUS item '${word}'`);
    items.push(item);
  }
  return items;
}

function noArgs(name: (typeof NO_ARGS)[number]): ArgsParser {
  return (c) => {
    c.done();
    return { name };
  };
}

function mailboxOnly<N extends 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'GETACL' | 'MYRIGHTS'>(
  name: N,
): ArgsParser {
  return (c) => {
    const mailbox = c.mailbox();
    c.done();
    return { name, mailbox } as CommandArgs;
  };
}

function select(name: 'SELECT' | 'EXAMINE'): ArgsParser {
  return (c) => {
    const mailbox = c.mailbox();
    let condstore = false;
    if (c.nextIsList) {
      // `; RFC 4466 §2.1 select-params = SP "(" select-param *(SP select-param) ")"`
      const params = c.list('parameters');
      if (params.atEnd) failSyntax(`${name} has an empty parameter list`);
      while (!params.atEnd) {
        const p = params.keyword('a parameter');
        if (p !== 'CONDSTORE') failSyntax(`Unknown ${name} parameter '${p}'`);
        condstore = true;
      }
    }
    c.done();
    return condstore ? { name, mailbox, condstore: true } : { name, mailbox };
  };
}

function withSequence(name: 'COPY' | 'MOVE'): ArgsParser {
  return (c, uid) => {
    const sequence = sequenceSet(c, uid ? 'a UID set' : 'a sequence set');
    const mailbox = c.mailbox('a destination mailbox');
    c.done();
    return { name, uid, sequence, mailbox };
  };
}

function mailboxAndIdentifier(name: 'DELETEACL' | 'LISTRIGHTS'): ArgsParser {
  return (c) => {
    const mailbox = c.mailbox();
    const identifier = c.astring('an identifier');
    c.done();
    return { name, mailbox, identifier };
  };
}

function charsetAndKeys(c: TokenCursor): { charset: string; search: ReturnType<typeof parseSearchKeys> } {
  // `; RFC 5256 §5 search-criteria = charset 1*(SP search-key)`
  const charset = c.astring('a charset such as UTF-8').toUpperCase();
  return { charset, search: parseSearchKeys(c) };
}

/** The argument parser of every command name the server knows. */
export const COMMAND_PARSERS: Readonly<Record<string, ArgsParser>> = {
  ...Object.fromEntries(NO_ARGS.map((n) => [n, noArgs(n)])),

  AUTHENTICATE(c) {
    // `; RFC 3501 §9 authenticate = "AUTHENTICATE" SP auth-type [SP (base64 / "=")]` (RFC 4959 §7)
    const mechanism = c.keyword('a SASL mechanism such as PLAIN');
    if (c.atEnd) return { name: 'AUTHENTICATE', mechanism };
    const ir = c.atom('an initial response');
    if (ir !== '=' && !BASE64.test(ir))
      failSyntax('AUTHENTICATE: the initial response must be base64, or = for empty');
    c.done();
    return { name: 'AUTHENTICATE', mechanism, initialResponse: ir === '=' ? '' : ir };
  },

  LOGIN(c) {
    const username = c.astring('a user name');
    const password = c.astring('a password');
    c.done();
    return { name: 'LOGIN', username, password };
  },

  SELECT: select('SELECT'),
  EXAMINE: select('EXAMINE'),

  CREATE(c) {
    const mailbox = c.mailbox();
    let specialUse: string[] | undefined;
    if (c.nextIsList) {
      // `; RFC 6154 §6 create-param =/ "USE" SP "(" [use-attr *(SP use-attr)] ")"`
      const params = c.list('parameters');
      if (params.atEnd) failSyntax('CREATE has an empty parameter list');
      while (!params.atEnd) {
        const p = params.keyword('a parameter');
        if (p !== 'USE') failSyntax(`Unknown CREATE parameter '${p}'`);
        const uses = params.list('a list of special-use attributes such as (\\Sent)');
        specialUse = [];
        while (!uses.atEnd) {
          const attr = uses.atom('a special-use attribute');
          if (!attr.startsWith('\\') || !isAtom(attr.slice(1))) {
            failSyntax(`CREATE: '${attr}' is not a special-use attribute such as \\Sent`);
          }
          specialUse.push(canonicalFlag(attr, SPECIAL_USE));
        }
      }
    }
    c.done();
    return specialUse === undefined ? { name: 'CREATE', mailbox } : { name: 'CREATE', mailbox, specialUse };
  },

  DELETE: mailboxOnly('DELETE'),
  SUBSCRIBE: mailboxOnly('SUBSCRIBE'),
  UNSUBSCRIBE: mailboxOnly('UNSUBSCRIBE'),

  RENAME(c) {
    const from = c.mailbox('the existing mailbox name');
    const to = c.mailbox('the new mailbox name');
    c.done();
    return { name: 'RENAME', from, to };
  },

  LIST(c) {
    // `; RFC 5258 §6 list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]`
    let selectOptions: ListSelectOption[] | undefined;
    if (c.nextIsList) {
      const l = c.list('selection options');
      selectOptions = [];
      while (!l.atEnd) {
        const o = l.keyword('a selection option');
        if (o !== 'SUBSCRIBED' && o !== 'REMOTE' && o !== 'RECURSIVEMATCH' && o !== 'SPECIAL-USE') {
          failSyntax(`Unknown LIST selection option '${o}'`);
        }
        selectOptions.push(o);
      }
      // RFC 5258 §3.1: RECURSIVEMATCH "MUST NOT occur as the only selection option (or only with REMOTE)".
      if (
        selectOptions.includes('RECURSIVEMATCH') &&
        !selectOptions.some((o) => o !== 'RECURSIVEMATCH' && o !== 'REMOTE')
      ) {
        failSyntax('LIST: RECURSIVEMATCH needs another selection option such as SUBSCRIBED');
      }
    }
    const reference = c.decodeMailbox(c.astring('a reference name (often "")'), true);
    const patterns: string[] = [];
    let patternList = false;
    if (c.nextIsList) {
      patternList = true;
      const l = c.list('mailbox patterns');
      if (l.atEnd) failSyntax('LIST needs at least one mailbox pattern');
      while (!l.atEnd) patterns.push(l.listMailbox('a mailbox pattern'));
    } else patterns.push(c.listMailbox('a mailbox pattern such as "*"'));
    let returnOptions: ListReturnOption[] | undefined;
    if (c.nextIs('RETURN')) {
      c.next('RETURN');
      const l = c.list('return options such as (CHILDREN)');
      returnOptions = [];
      while (!l.atEnd) {
        const o = l.keyword('a return option');
        if (o === 'STATUS') returnOptions.push({ option: 'STATUS', items: statusItems(l) });
        else if (o === 'SUBSCRIBED' || o === 'CHILDREN' || o === 'SPECIAL-USE')
          returnOptions.push({ option: o });
        else failSyntax(`Unknown LIST return option '${o}'`);
      }
    }
    c.done();
    return {
      name: 'LIST',
      reference,
      patterns,
      ...(patternList ? { patternList: true as const } : {}),
      ...(selectOptions ? { selectOptions } : {}),
      ...(returnOptions ? { returnOptions } : {}),
    };
  },

  LSUB(c) {
    const reference = c.decodeMailbox(c.astring('a reference name (often "")'), true);
    const pattern = c.listMailbox('a mailbox pattern such as "*"');
    c.done();
    return { name: 'LSUB', reference, pattern };
  },

  STATUS(c) {
    const mailbox = c.mailbox();
    const items = statusItems(c);
    c.done();
    return { name: 'STATUS', mailbox, items };
  },

  APPEND(c) {
    // `; RFC 3502 §6 append = "APPEND" SP mailbox 1*append-message`
    // `append-message = [SP flag-list] [SP date-time] SP literal`
    const mailbox = c.mailbox();
    const messages: AppendMessage[] = [];
    do {
      const flags = c.nextIsList ? flagList(c, 'a flag list') : undefined;
      let date;
      if (c.peek()?.kind === 'quoted') {
        const parsed = parseDateTime(c.string('a date-time'));
        if (!parsed.ok) failSyntax(`APPEND: ${parsed.message}`);
        date = parsed.value;
      }
      const t = c.next('the message as a literal, e.g. {310}');
      if (t.kind !== 'literal') return c.expected('the message as a literal, e.g. {310}', t);
      messages.push({
        ...(flags ? { flags } : {}),
        ...(date ? { date } : {}),
        message: t.value,
        binary: t.binary,
      });
    } while (!c.atEnd);
    return { name: 'APPEND', mailbox, messages };
  },

  EXPUNGE(c, uid) {
    if (!uid) {
      c.done();
      return { name: 'EXPUNGE', uid: false };
    }
    const sequence = sequenceSet(c, 'a UID set');
    c.done();
    return { name: 'EXPUNGE', uid: true, sequence };
  },

  SEARCH(c, uid) {
    // `; RFC 4731 §3 search = "SEARCH" [search-return-opts] SP search-program`
    let returnOptions: SearchReturnOption[] | undefined;
    if (c.nextIs('RETURN')) {
      c.next('RETURN');
      const l = c.list('return options such as (MIN MAX COUNT)');
      returnOptions = [];
      while (!l.atEnd) {
        const o = l.keyword('a return option');
        if (o !== 'MIN' && o !== 'MAX' && o !== 'ALL' && o !== 'COUNT' && o !== 'SAVE') {
          failSyntax(`Unknown SEARCH return option '${o}'`);
        }
        returnOptions.push(o);
      }
    }
    let charset: string | undefined;
    if (c.nextIs('CHARSET')) {
      c.next('CHARSET');
      charset = c.astring('a charset such as UTF-8').toUpperCase();
    }
    const criteria = parseSearchKeys(c);
    return {
      name: 'SEARCH',
      uid,
      ...(returnOptions ? { returnOptions } : {}),
      ...(charset !== undefined ? { charset } : {}),
      criteria,
    };
  },

  FETCH(c, uid) {
    const sequence = sequenceSet(c, uid ? 'a UID set' : 'a sequence set');
    const t = c.next('the attributes to fetch, e.g. (FLAGS UID)');
    let macro: 'ALL' | 'FAST' | 'FULL' | undefined;
    let attributes: FetchAttribute[];
    const word = t.kind === 'atom' && t.section === undefined ? t.value.toUpperCase() : '';
    if (word === 'ALL' || word === 'FAST' || word === 'FULL') {
      macro = word;
      attributes = [...FETCH_MACROS[word]];
    } else if (t.kind === 'list') {
      if (t.items.length === 0) failSyntax('FETCH needs at least one attribute, e.g. (FLAGS)');
      attributes = t.items.map((a) => parseFetchAttribute(a, c));
    } else attributes = [parseFetchAttribute(t, c)];
    let changedSince: number | undefined;
    if (c.nextIsList) {
      // `; RFC 4466 §2.4 fetch-modifiers`, `; RFC 7162 §3.1.4.1 "CHANGEDSINCE" SP mod-sequence-value`
      const mods = c.list('FETCH modifiers');
      if (mods.atEnd) failSyntax('FETCH has an empty modifier list');
      while (!mods.atEnd) {
        const m = mods.keyword('a FETCH modifier');
        // TOLERANCE: CHANGEDSINCE 0 (the grammar says 1 or more) means "everything", as Dovecot reads it.
        if (m === 'CHANGEDSINCE')
          changedSince = mods.number('a mod-sequence after CHANGEDSINCE', 0, MAX_MODSEQ);
        else failSyntax(`Unknown FETCH modifier '${m}'`);
      }
    }
    c.done();
    return {
      name: 'FETCH',
      uid,
      sequence,
      ...(macro ? { macro } : {}),
      attributes,
      ...(changedSince !== undefined ? { changedSince } : {}),
    };
  },

  STORE(c, uid) {
    // `; RFC 3501 §9 store = "STORE" SP sequence-set SP store-att-flags`, RFC 7162 store-modifier
    const sequence = sequenceSet(c, uid ? 'a UID set' : 'a sequence set');
    let unchangedSince: number | undefined;
    if (c.nextIsList) {
      const mods = c.list('STORE modifiers');
      if (mods.atEnd) failSyntax('STORE has an empty modifier list');
      while (!mods.atEnd) {
        const m = mods.keyword('a STORE modifier');
        if (m !== 'UNCHANGEDSINCE') failSyntax(`Unknown STORE modifier '${m}'`);
        unchangedSince = mods.number('a mod-sequence after UNCHANGEDSINCE', 0, MAX_MODSEQ);
      }
    }
    const action = c.keyword('FLAGS, +FLAGS or -FLAGS');
    const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(action);
    if (!m) failSyntax(`STORE expects FLAGS, +FLAGS or -FLAGS (optionally .SILENT), not '${action}'`);
    const mode: StoreMode = m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'replace';
    let flags: string[];
    if (c.nextIsList) {
      flags = flagList(c, 'a flag list');
      c.done();
    } else {
      // `(flag *(SP flag))` without parentheses
      if (c.atEnd) failSyntax('STORE is missing the flags, e.g. (\\Seen)');
      flags = [];
      while (!c.atEnd) flags.push(parseFlag(c.next('a flag'), c));
    }
    return {
      name: 'STORE',
      uid,
      sequence,
      ...(unchangedSince !== undefined ? { unchangedSince } : {}),
      mode,
      silent: m[2] !== undefined,
      flags,
    };
  },

  COPY: withSequence('COPY'),
  MOVE: withSequence('MOVE'),

  ENABLE(c) {
    if (c.atEnd) failSyntax('ENABLE needs at least one capability, e.g. ENABLE CONDSTORE');
    const capabilities: string[] = [];
    while (!c.atEnd) capabilities.push(c.keyword('a capability'));
    return { name: 'ENABLE', capabilities };
  },

  ID(c) {
    // `; RFC 2971 §4 id = "ID" SP id-params-list`, `id-params-list = "(" *(string SP nstring) ")" / nil`
    if (c.nextIs('NIL')) {
      c.next('NIL');
      c.done();
      return { name: 'ID', parameters: null };
    }
    const l = c.list('a parameter list or NIL');
    const parameters: [string, string | null][] = [];
    while (!l.atEnd) {
      // TOLERANCE: an atom for the field name, as some clients send.
      const key = l.astring('a field name');
      if (l.atEnd) failSyntax(`ID parameters come in name/value pairs; '${key}' has no value`);
      if (l.nextIs('NIL')) {
        l.next('NIL');
        parameters.push([key, null]);
      } else parameters.push([key, l.astring(`a value for '${key}'`)]);
    }
    c.done();
    return { name: 'ID', parameters };
  },

  GETQUOTA(c) {
    const root = c.astring('a quota root');
    c.done();
    return { name: 'GETQUOTA', root };
  },

  GETQUOTAROOT(c) {
    const mailbox = c.mailbox();
    c.done();
    return { name: 'GETQUOTAROOT', mailbox };
  },

  SETQUOTA(c) {
    // `; RFC 9208 §9 setquota = "SETQUOTA" SP quota-root-name SP setquota-list`
    const root = c.astring('a quota root');
    const l = c.list('a list of limits such as (STORAGE 512)');
    const limits: { resource: string; limit: number }[] = [];
    while (!l.atEnd) {
      const resource = l.keyword('a resource name such as STORAGE');
      limits.push({ resource, limit: l.number(`a limit for ${resource}`) });
    }
    c.done();
    return { name: 'SETQUOTA', root, limits };
  },

  GETACL: mailboxOnly('GETACL'),
  MYRIGHTS: mailboxOnly('MYRIGHTS'),
  DELETEACL: mailboxAndIdentifier('DELETEACL'),
  LISTRIGHTS: mailboxAndIdentifier('LISTRIGHTS'),

  SETACL(c) {
    const mailbox = c.mailbox();
    const identifier = c.astring('an identifier');
    const rights = c.astring('the rights, e.g. lrswi');
    c.done();
    return { name: 'SETACL', mailbox, identifier, rights };
  },

  SORT(c, uid) {
    // `; RFC 5256 §5 sort = ["UID" SP] "SORT" SP sort-criteria SP search-criteria`
    const l = c.list('sort criteria such as (REVERSE DATE)');
    if (l.atEnd) failSyntax('SORT needs at least one sort criterion, e.g. (DATE)');
    const criteria: SortCriterion[] = [];
    while (!l.atEnd) {
      let word = l.keyword('a sort key');
      const reverse = word === 'REVERSE';
      if (reverse) word = l.keyword('a sort key after REVERSE');
      const key = SORT_KEYS.find((k) => k === word);
      if (key === undefined) failSyntax(`Unknown SORT key '${word}'`);
      criteria.push({ key, reverse });
    }
    return { name: 'SORT', uid, criteria, ...charsetAndKeys(c) };
  },

  THREAD(c, uid) {
    const algorithm = c.keyword('a threading algorithm (REFERENCES or ORDEREDSUBJECT)');
    if (algorithm !== 'REFERENCES' && algorithm !== 'ORDEREDSUBJECT') {
      failSyntax(`Unknown THREAD algorithm '${algorithm}'; use REFERENCES or ORDEREDSUBJECT`);
    }
    return { name: 'THREAD', uid, algorithm, ...charsetAndKeys(c) };
  },

  COMPRESS(c) {
    const mechanism = c.keyword('a compression mechanism (DEFLATE)');
    c.done();
    return { name: 'COMPRESS', mechanism };
  },
};
