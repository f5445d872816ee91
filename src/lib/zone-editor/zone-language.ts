/**
 * The zone-file language for Monaco: a Monarch tokenizer for RFC 1035
 * master files (owner names, TTLs, classes, types, quoted strings,
 * comments, `$ORIGIN` / `$TTL`, Mailroom's `;@timeout` / `;@servfail`
 * pragmas) that also reads inside TXT strings: an SPF record's qualifiers,
 * mechanisms, modifiers and macros, and the tags of DMARC records and DKIM
 * keys. Colouring only; what is right or wrong is the engine's checks'
 * business (record-lint.ts), shown as markers.
 *
 * `includeLF` lets the states see each line's end: a quoted string never
 * runs past its line in a master file (the engine's lexer ends it there),
 * so the string states pop at `\n` instead of colouring the rest of the zone.
 */
import type * as Monaco from 'monaco-editor/editor/editor.api.js';

/** Monaco's id for the language. */
export const ZONE_LANGUAGE_ID = 'dns-zone';

/** Brackets, comments and auto-closing: `;` comments, `( )` span lines, `"` quotes. */
export const zoneLanguageConfiguration: Monaco.languages.LanguageConfiguration = {
  comments: { lineComment: ';' },
  brackets: [['(', ')']],
  autoClosingPairs: [
    { open: '(', close: ')' },
    { open: '"', close: '"', notIn: ['string', 'comment'] },
  ],
  surroundingPairs: [
    { open: '(', close: ')' },
    { open: '"', close: '"' },
  ],
  // A name, an address or an SPF term is one word (double-click selects `ip4:192.0.2.25`).
  wordPattern: /[^\s;()"]+/,
};

const END = '(?=[\\s;()"]|$)';

/** The Monarch tokenizer. */
export const zoneMonarch: Monaco.languages.IMonarchLanguage = {
  ignoreCase: true,
  includeLF: true,
  defaultToken: '',
  tokenPostfix: '.zone',
  brackets: [{ open: '(', close: ')', token: 'delimiter.parenthesis' }],
  types: [
    'A',
    'AAAA',
    'MX',
    'TXT',
    'CNAME',
    'PTR',
    'NS',
    'SOA',
    'SPF',
    'SRV',
    'CAA',
    'TLSA',
    'DS',
    'DNSKEY',
    'HINFO',
    'NAPTR',
    'SSHFP',
    'DNAME',
    'SVCB',
    'HTTPS',
  ],
  classes: ['IN', 'CH', 'CHAOS', 'HS', 'HESIOD', 'CS', 'NONE', 'ANY'],
  dmarcTags: ['v', 'p', 'sp', 'np', 'psd', 't', 'adkim', 'aspf', 'pct', 'rua', 'ruf', 'fo', 'rf', 'ri'],
  dkimTags: ['v', 'k', 'p', 'h', 's', 't', 'n', 'g'],
  tokenizer: {
    root: [
      [/^[ \t]*;@(timeout|servfail)\b/, { token: 'keyword.pragma', next: '@pragma' }],
      [/;.*/, 'comment'],
      [/^\$[a-z]+/, 'keyword.directive'],
      [/^@/, 'entity.name.owner'],
      [/^[^\s;()"]+/, 'entity.name.owner'],
      { include: '@data' },
    ],
    data: [
      [/[ \t\r\n]+/, ''],
      [/;.*/, 'comment'],
      [/[()]/, '@brackets'],
      [/"(?=v=spf1(?: |"|\n|$))/, { token: 'string.quote', next: '@spf' }],
      [/"(?=v[ \t]*=[ \t]*DMARC1)/, { token: 'string.quote', next: '@dmarc' }],
      [/"(?=v=DKIM1)/, { token: 'string.quote', next: '@dkim' }],
      [/"/, { token: 'string.quote', next: '@string' }],
      [new RegExp(`\\d{1,3}(?:\\.\\d{1,3}){3}${END}`), 'number.address'],
      [new RegExp(`[0-9a-f]*:[0-9a-f:.]*${END}`), 'number.address'],
      [new RegExp(`\\d+(?:[wdhms](?:\\d+[wdhms])*)?${END}`), 'number'],
      [
        new RegExp(`[a-z][a-z0-9-]*${END}`),
        { cases: { '@classes': 'keyword.class', '@types': 'type', '@default': 'identifier' } },
      ],
      [/@/, 'entity.name.owner'],
      [/[^\s;()"]+/, 'identifier'],
    ],
    pragma: [
      [/\n/, { token: '', next: '@pop' }],
      [/;.*/, 'comment'],
      [/[ \t]+/, 'comment'],
      [
        new RegExp(`[a-z0-9]+${END}`),
        { cases: { '@types': 'type.pragma', '@default': 'identifier.pragma' } },
      ],
      [/[^\s;]+/, 'identifier.pragma'],
    ],
    string: [
      [/\n/, { token: '', next: '@pop' }],
      [/"/, { token: 'string.quote', next: '@pop' }],
      [/\\(?:\d{3}|.)/, 'string.escape'],
      [/[^"\\\n]+/, 'string'],
    ],
    spf: [
      [/\n/, { token: '', next: '@pop' }],
      [/"/, { token: 'string.quote', next: '@pop' }],
      [/\\(?:\d{3}|.)/, 'string.escape'],
      [/v=spf1/, 'keyword.version'],
      [
        /([+\-~?]?)(all|include|a|mx|ptr|ip4|ip6|exists)(?=[:/ "\n\\]|$)/,
        ['operator.qualifier', 'keyword.mechanism'],
      ],
      [/(redirect|exp)(=)/, ['keyword.modifier', 'delimiter']],
      [/([a-z][\w.-]*)(=)/, ['attribute.name', 'delimiter']],
      [/%\{[a-z]\d*r?[.\-+,/_=]*\}|%[%_-]/, 'variable.macro'],
      [/[:/]/, 'delimiter'],
      [/ +/, ''],
      [/[^"\\%:/ \n]+/, 'string.value'],
      [/%/, 'string.invalid'],
    ],
    dmarc: [
      [/\n/, { token: '', next: '@pop' }],
      [/"/, { token: 'string.quote', next: '@pop' }],
      [/\\(?:\d{3}|.)/, 'string.escape'],
      [/(v)([ \t]*=[ \t]*)(DMARC1)/, ['attribute.name', 'delimiter', 'keyword.version']],
      [
        /([a-z][a-z0-9_]*)([ \t]*=)/,
        [{ cases: { '@dmarcTags': 'attribute.name', '@default': 'attribute.name.unknown' } }, 'delimiter'],
      ],
      [/(none|quarantine|reject)(?=[ \t;"\n\\]|$)/, 'keyword.policy'],
      [/mailto:[^;,"\s\\]+/, 'string.link'],
      [/[;,]/, 'delimiter'],
      [/[ \t]+/, ''],
      [/[^"\\;,\s]+/, 'string.value'],
    ],
    dkim: [
      [/\n/, { token: '', next: '@pop' }],
      [/"/, { token: 'string.quote', next: '@pop' }],
      [/\\(?:\d{3}|.)/, 'string.escape'],
      [/(v)([ \t]*=[ \t]*)(DKIM1)/, ['attribute.name', 'delimiter', 'keyword.version']],
      [
        /([a-z][a-z0-9_]*)([ \t]*=)/,
        [{ cases: { '@dkimTags': 'attribute.name', '@default': 'attribute.name.unknown' } }, 'delimiter'],
      ],
      [/(rsa|ed25519)(?=[ \t;"\n\\]|$)/, 'keyword.policy'],
      [/;/, 'delimiter'],
      [/[ \t]+/, ''],
      [/[^"\\;\s]+/, 'string.key'],
    ],
  },
};

/** The light theme: colours that keep 4.5:1 contrast on white (WCAG 1.4.3). */
export const zoneTheme: Monaco.editor.IStandaloneThemeData = {
  base: 'vs',
  inherit: true,
  rules: [
    { token: 'comment', foreground: '5f6b7a', fontStyle: 'italic' },
    { token: 'keyword.pragma', foreground: 'a4262c', fontStyle: 'bold' },
    { token: 'identifier.pragma', foreground: 'a4262c' },
    { token: 'type.pragma', foreground: 'a4262c', fontStyle: 'bold' },
    { token: 'keyword.directive', foreground: '8a3ffc', fontStyle: 'bold' },
    { token: 'entity.name.owner', foreground: '0b5cad', fontStyle: 'bold' },
    { token: 'identifier', foreground: '1f2937' },
    { token: 'keyword.class', foreground: '6b21a8' },
    { token: 'type', foreground: '9a3412', fontStyle: 'bold' },
    { token: 'number', foreground: '0f766e' },
    { token: 'number.address', foreground: '0f766e' },
    { token: 'string', foreground: '166534' },
    { token: 'string.quote', foreground: '166534' },
    { token: 'string.escape', foreground: 'b45309' },
    { token: 'string.value', foreground: '166534' },
    { token: 'string.key', foreground: '4b5563' },
    { token: 'string.link', foreground: '0b5cad', fontStyle: 'underline' },
    { token: 'string.invalid', foreground: 'b91c1c' },
    { token: 'keyword.version', foreground: '6b21a8', fontStyle: 'bold' },
    { token: 'keyword.mechanism', foreground: '9d174d', fontStyle: 'bold' },
    { token: 'operator.qualifier', foreground: 'b45309', fontStyle: 'bold' },
    { token: 'keyword.modifier', foreground: '9d174d', fontStyle: 'bold' },
    { token: 'keyword.policy', foreground: '9a3412', fontStyle: 'bold' },
    { token: 'attribute.name', foreground: '9d174d' },
    { token: 'attribute.name.unknown', foreground: 'b91c1c', fontStyle: 'underline' },
    { token: 'variable.macro', foreground: '8a3ffc' },
    { token: 'delimiter', foreground: '4b5563' },
  ],
  colors: {},
};

/** The theme's name in Monaco. */
export const ZONE_THEME = 'mailroom-zone';
