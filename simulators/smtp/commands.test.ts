import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeXtext,
  encodeCommand,
  encodeXtext,
  formatCommand,
  isPostmaster,
  parseCommand,
  parseMailbox,
  type ParsedCommand,
  type SmtpCommand,
} from './commands.ts';
import { bytesToLatin1 } from '../core/bytes.ts';

describe('parseCommand / formatCommand', () => {
  // Canonical lines: parse(wire) = parsed and format(parsed) = wire.
  it.each<[string, SmtpCommand]>([
    ['HELO client.example', { verb: 'HELO', domain: 'client.example', form: 'domain' }],
    ['EHLO client.example', { verb: 'EHLO', domain: 'client.example', form: 'domain' }],
    ['EHLO [192.0.2.1]', { verb: 'EHLO', domain: '[192.0.2.1]', form: 'address-literal' }],
    ['EHLO [IPv6:2001:db8::1]', { verb: 'EHLO', domain: '[IPv6:2001:db8::1]', form: 'address-literal' }],
    [
      'EHLO [IPv6:::ffff:192.0.2.1]',
      { verb: 'EHLO', domain: '[IPv6:::ffff:192.0.2.1]', form: 'address-literal' },
    ],
    ['EHLO my_pc', { verb: 'EHLO', domain: 'my_pc', form: 'other' }],
    ['MAIL FROM:<alice@example.com>', { verb: 'MAIL', from: 'alice@example.com', utf8: false, params: {} }],
    ['MAIL FROM:<>', { verb: 'MAIL', from: '', utf8: false, params: {} }],
    [
      'MAIL FROM:<"john doe"@example.com>',
      { verb: 'MAIL', from: '"john doe"@example.com', utf8: false, params: {} },
    ],
    [
      'MAIL FROM:<"a\\"b@c"@example.com>',
      { verb: 'MAIL', from: '"a\\"b@c"@example.com', utf8: false, params: {} },
    ],
    ['MAIL FROM:<a@[192.0.2.1]>', { verb: 'MAIL', from: 'a@[192.0.2.1]', utf8: false, params: {} }],
    [
      'MAIL FROM:<a@x.example> SIZE=1000 BODY=8BITMIME SMTPUTF8 AUTH=<> RET=HDRS ENVID=QQ+2B1',
      {
        verb: 'MAIL',
        from: 'a@x.example',
        utf8: false,
        params: { size: 1000, body: '8BITMIME', smtputf8: true, auth: '<>', ret: 'HDRS', envid: 'QQ+1' },
      },
    ],
    [
      'MAIL FROM:<jörg@bücher.example> SMTPUTF8',
      { verb: 'MAIL', from: 'jörg@bücher.example', utf8: true, params: { smtputf8: true } },
    ],
    ['RCPT TO:<bob@example.net>', { verb: 'RCPT', to: 'bob@example.net', utf8: false, params: {} }],
    ['RCPT TO:<Postmaster>', { verb: 'RCPT', to: 'Postmaster', utf8: false, params: {} }],
    [
      'RCPT TO:<bob@example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob+2Bx@example.net',
      {
        verb: 'RCPT',
        to: 'bob@example.net',
        utf8: false,
        params: {
          notify: ['SUCCESS', 'FAILURE'],
          orcpt: { addrType: 'rfc822', address: 'bob+x@example.net' },
        },
      },
    ],
    ['RCPT TO:<b@y> NOTIFY=NEVER', { verb: 'RCPT', to: 'b@y', utf8: false, params: { notify: 'NEVER' } }],
    ['DATA', { verb: 'DATA' }],
    ['RSET', { verb: 'RSET' }],
    ['QUIT', { verb: 'QUIT' }],
    ['STARTTLS', { verb: 'STARTTLS' }],
    ['VRFY bob', { verb: 'VRFY', arg: 'bob' }],
    ['EXPN staff', { verb: 'EXPN', arg: 'staff' }],
    ['HELP', { verb: 'HELP' }],
    ['HELP MAIL', { verb: 'HELP', topic: 'MAIL' }],
    ['NOOP', { verb: 'NOOP' }],
    ['NOOP hello there', { verb: 'NOOP', arg: 'hello there' }],
    ['AUTH CRAM-MD5', { verb: 'AUTH', mechanism: 'CRAM-MD5' }],
    [
      'AUTH PLAIN AGFsaWNlAHNlY3JldA==',
      { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: 'AGFsaWNlAHNlY3JldA==' },
    ],
    ['AUTH PLAIN =', { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: '=' }],
  ])('reads and writes %j (RFC 5321 §4.1.1)', (wire, parsed) => {
    expect(parseCommand(wire)).toEqual(parsed);
    expect(formatCommand(parsed)).toBe(wire);
  });

  // Accepted, but not what a client should send: parse-only rows.
  it.each<[string, ParsedCommand]>([
    ['mail from:<a@x>', { verb: 'MAIL', from: 'a@x', utf8: false, params: {} }],
    ['ehlo client.example', { verb: 'EHLO', domain: 'client.example', form: 'domain' }],
    [
      'MAIL FROM: <a@x>',
      { verb: 'MAIL', from: 'a@x', utf8: false, params: {}, tolerated: ['space-after-colon'] },
    ],
    [
      'MAIL FROM:a@x',
      { verb: 'MAIL', from: 'a@x', utf8: false, params: {}, tolerated: ['no-angle-brackets'] },
    ],
    [
      'RCPT TO:<@relay1.example,@relay2.example:bob@example.net>',
      { verb: 'RCPT', to: 'bob@example.net', utf8: false, params: {}, tolerated: ['source-route'] },
    ],
    ['RCPT TO:<postmaster>', { verb: 'RCPT', to: 'postmaster', utf8: false, params: {} }],
    ['DATA ', { verb: 'DATA', tolerated: ['whitespace'] }],
    [
      'HELO\tclient.example',
      { verb: 'HELO', domain: 'client.example', form: 'domain', tolerated: ['whitespace'] },
    ],
    [
      'MAIL FROM:<a@x> body=8bitmime',
      { verb: 'MAIL', from: 'a@x', utf8: false, params: { body: '8BITMIME' } },
    ],
    ['auth plain', { verb: 'AUTH', mechanism: 'PLAIN' }],
  ])('tolerates %j (RFC 5321 §4.1.1, TOLERANCE)', (wire, parsed) => {
    expect(parseCommand(wire)).toEqual(parsed);
  });

  it.each<[string, ParsedCommand]>([
    ['', { verb: 'INVALID', reason: 'Error: bad syntax', replyCode: 500, enhanced: '5.5.2' }],
    ['HELO', { verb: 'INVALID', attempted: 'HELO', reason: 'Syntax: HELO hostname', replyCode: 501 }],
    ['EHLO', { verb: 'INVALID', attempted: 'EHLO', reason: 'Syntax: EHLO hostname', replyCode: 501 }],
    [
      'MAIL',
      {
        verb: 'INVALID',
        attempted: 'MAIL',
        reason: 'Syntax: MAIL FROM:<address>',
        replyCode: 501,
        enhanced: '5.5.4',
      },
    ],
    [
      'MAIL TO:<a@x>',
      {
        verb: 'INVALID',
        attempted: 'MAIL',
        reason: 'Syntax: MAIL FROM:<address>',
        replyCode: 501,
        enhanced: '5.5.4',
      },
    ],
    [
      'MAIL FROM:',
      {
        verb: 'INVALID',
        attempted: 'MAIL',
        reason: 'Syntax: MAIL FROM:<address>',
        replyCode: 501,
        enhanced: '5.5.4',
      },
    ],
    [
      'MAIL FROM:<a@x>SIZE=1',
      {
        verb: 'INVALID',
        attempted: 'MAIL',
        reason: 'Syntax: MAIL FROM:<address>',
        replyCode: 501,
        enhanced: '5.5.4',
      },
    ],
    [
      'MAIL FROM:<a b@x>',
      {
        verb: 'INVALID',
        attempted: 'MAIL',
        reason: 'Bad sender address syntax',
        replyCode: 501,
        enhanced: '5.1.7',
      },
    ],
    [
      'MAIL FROM:<a@>',
      {
        verb: 'INVALID',
        attempted: 'MAIL',
        reason: 'Bad sender address syntax',
        replyCode: 501,
        enhanced: '5.1.7',
      },
    ],
    [
      'MAIL FROM:<a..b@x>',
      {
        verb: 'INVALID',
        attempted: 'MAIL',
        reason: 'Bad sender address syntax',
        replyCode: 501,
        enhanced: '5.1.7',
      },
    ],
    [
      'MAIL FROM:<a@-x.example>',
      {
        verb: 'INVALID',
        attempted: 'MAIL',
        reason: 'Bad sender address syntax',
        replyCode: 501,
        enhanced: '5.1.7',
      },
    ],
    [
      'MAIL FROM:<a@x',
      {
        verb: 'INVALID',
        attempted: 'MAIL',
        reason: 'Bad sender address syntax',
        replyCode: 501,
        enhanced: '5.1.7',
      },
    ],
    [
      'MAIL FROM:<a@[300.1.1.1]>',
      {
        verb: 'INVALID',
        attempted: 'MAIL',
        reason: 'Bad sender address syntax',
        replyCode: 501,
        enhanced: '5.1.7',
      },
    ],
    [
      'RCPT TO:<>',
      {
        verb: 'INVALID',
        attempted: 'RCPT',
        reason: 'Bad recipient address syntax',
        replyCode: 501,
        enhanced: '5.1.3',
      },
    ],
    [
      'RCPT TO:<bob>',
      {
        verb: 'INVALID',
        attempted: 'RCPT',
        reason: 'Bad recipient address syntax',
        replyCode: 501,
        enhanced: '5.1.3',
      },
    ],
    [
      'MAIL FROM:<a@x> FOO=1',
      {
        verb: 'INVALID',
        attempted: 'MAIL',
        reason: 'Unsupported option: FOO',
        replyCode: 555,
        enhanced: '5.5.4',
      },
    ],
    [
      'RCPT TO:<b@y> SIZE=1',
      {
        verb: 'INVALID',
        attempted: 'RCPT',
        reason: 'Unsupported option: SIZE',
        replyCode: 555,
        enhanced: '5.5.4',
      },
    ],
    [
      'MAIL FROM:<a@x> SIZE=big',
      {
        verb: 'INVALID',
        attempted: 'MAIL',
        reason: 'Bad SIZE parameter value',
        replyCode: 501,
        enhanced: '5.5.4',
      },
    ],
    [
      'MAIL FROM:<a@x> BODY=9BIT',
      {
        verb: 'INVALID',
        attempted: 'MAIL',
        reason: 'Bad BODY parameter value',
        replyCode: 501,
        enhanced: '5.5.4',
      },
    ],
    [
      'MAIL FROM:<a@x> SIZE=1 SIZE=2',
      {
        verb: 'INVALID',
        attempted: 'MAIL',
        reason: 'Duplicate parameter: SIZE',
        replyCode: 501,
        enhanced: '5.5.4',
      },
    ],
    [
      'MAIL FROM:<a@x> ENVID=a+zz',
      {
        verb: 'INVALID',
        attempted: 'MAIL',
        reason: 'Bad ENVID parameter value',
        replyCode: 501,
        enhanced: '5.5.4',
      },
    ],
    [
      'RCPT TO:<b@y> NOTIFY=NEVER,DELAY',
      {
        verb: 'INVALID',
        attempted: 'RCPT',
        reason: 'Bad NOTIFY parameter value',
        replyCode: 501,
        enhanced: '5.5.4',
      },
    ],
    [
      'DATA now',
      { verb: 'INVALID', attempted: 'DATA', reason: 'Syntax: DATA', replyCode: 501, enhanced: '5.5.4' },
    ],
    [
      'RSET x',
      { verb: 'INVALID', attempted: 'RSET', reason: 'Syntax: RSET', replyCode: 501, enhanced: '5.5.4' },
    ],
    [
      'QUIT now',
      { verb: 'INVALID', attempted: 'QUIT', reason: 'Syntax: QUIT', replyCode: 501, enhanced: '5.5.4' },
    ],
    [
      'STARTTLS x',
      {
        verb: 'INVALID',
        attempted: 'STARTTLS',
        reason: 'Syntax: STARTTLS',
        replyCode: 501,
        enhanced: '5.5.4',
      },
    ],
    [
      'VRFY',
      {
        verb: 'INVALID',
        attempted: 'VRFY',
        reason: 'Syntax: VRFY address',
        replyCode: 501,
        enhanced: '5.5.4',
      },
    ],
    [
      'AUTH',
      {
        verb: 'INVALID',
        attempted: 'AUTH',
        reason: 'Syntax: AUTH mechanism [initial-response]',
        replyCode: 501,
        enhanced: '5.5.4',
      },
    ],
    [
      'AUTH PL@IN',
      {
        verb: 'INVALID',
        attempted: 'AUTH',
        reason: 'Unrecognized authentication type',
        replyCode: 504,
        enhanced: '5.5.4',
      },
    ],
    [
      'AUTH PLAIN not*base64',
      {
        verb: 'INVALID',
        attempted: 'AUTH',
        reason: 'Invalid base64 data in initial response',
        replyCode: 501,
        enhanced: '5.5.2',
      },
    ],
    ['BDAT 10 LAST', { verb: 'UNKNOWN', word: 'BDAT' }],
    ['GET / HTTP/1.1', { verb: 'UNKNOWN', word: 'GET' }],
  ])('rejects %j with the proper reply (RFC 5321 §4.2.2)', (wire, parsed) => {
    expect(parseCommand(wire)).toEqual(parsed);
  });

  it('flags UTF-8 addresses so the server can require SMTPUTF8 (RFC 6531 §3.3)', () => {
    expect(parseCommand('RCPT TO:<用户@例子.广告>')).toEqual({
      verb: 'RCPT',
      to: '用户@例子.广告',
      utf8: true,
      params: {},
    });
    // U+FFFD stands for octets that were not UTF-8.
    expect(parseCommand('RCPT TO:<a\ufffd@x>')).toMatchObject({ verb: 'INVALID', enhanced: '5.1.3' });
  });

  it('encodes a command as UTF-8 with CRLF (RFC 5321 §2.3.8)', () => {
    expect(bytesToLatin1(encodeCommand({ verb: 'QUIT' }))).toBe('QUIT\r\n');
  });

  it('recognises Postmaster in any case (RFC 5321 §4.1.1.3)', () => {
    expect([isPostmaster('Postmaster'), isPostmaster('POSTMASTER'), isPostmaster('postmaster@x')]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('never throws on arbitrary lines', () => {
    const text = fc.string({
      unit: fc.constantFrom(
        'M',
        'A',
        'I',
        'L',
        ' ',
        ':',
        '<',
        '>',
        '@',
        '"',
        '\\',
        '=',
        '.',
        'x',
        '[',
        ']',
        '\t',
        'é',
        '\0',
      ),
    });
    const line = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      text.map((t) => `MAIL FROM:${t}`),
      text,
    );
    fc.assert(
      fc.property(line, (l) => {
        expect(typeof parseCommand(l).verb).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
  const domain = fc.array(label, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.'));
  const atom = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]{1,8}$/);
  const localPart = fc.oneof(
    fc.array(atom, { minLength: 1, maxLength: 3 }).map((as) => as.join('.')),
    fc.stringMatching(/^"([ !#-[\]-~]|\\[ -~]){0,8}"$/),
  );
  const mailbox = fc.tuple(localPart, domain).map(([l, d]) => `${l}@${d}`);
  const xtextable = fc.string({ minLength: 1, maxLength: 10 });
  const command: fc.Arbitrary<SmtpCommand> = fc.oneof(
    domain.map((d) => ({ verb: 'EHLO' as const, domain: d, form: 'domain' as const })),
    fc
      .record(
        {
          size: fc.nat(),
          body: fc.constantFrom('7BIT' as const, '8BITMIME' as const, 'BINARYMIME' as const),
          smtputf8: fc.constant(true as const),
          auth: fc.oneof(fc.constant('<>'), xtextable),
          ret: fc.constantFrom('FULL' as const, 'HDRS' as const),
          envid: xtextable,
        },
        { requiredKeys: [] },
      )
      .chain((params) =>
        fc
          .oneof(fc.constant(''), mailbox)
          .map((from) => ({ verb: 'MAIL' as const, from, utf8: false, params })),
      ),
    fc
      .record(
        {
          notify: fc.oneof(
            fc.constant('NEVER' as const),
            fc.uniqueArray(fc.constantFrom('SUCCESS' as const, 'FAILURE' as const, 'DELAY' as const), {
              minLength: 1,
            }),
          ),
          orcpt: fc.record({ addrType: fc.constant('rfc822'), address: xtextable }),
        },
        { requiredKeys: [] },
      )
      .chain((params) => mailbox.map((to) => ({ verb: 'RCPT' as const, to, utf8: false, params }))),
    fc.constantFrom<SmtpCommand>({ verb: 'DATA' }, { verb: 'RSET' }, { verb: 'QUIT' }, { verb: 'STARTTLS' }),
    fc
      .tuple(
        fc.stringMatching(/^[A-Z0-9_-]{1,20}$/),
        fc.option(fc.base64String({ minLength: 4 }), { nil: undefined }),
      )
      .map(([mechanism, ir]): SmtpCommand =>
        ir === undefined || ir === ''
          ? { verb: 'AUTH', mechanism }
          : { verb: 'AUTH', mechanism, initialResponse: ir },
      ),
  );

  it('parses back whatever formatCommand writes (RFC 5321 §4.1.2)', () => {
    fc.assert(
      fc.property(command, (cmd) => {
        expect(parseCommand(formatCommand(cmd))).toEqual(cmd);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseMailbox', () => {
  it.each([
    ['user@example.com', true],
    ['first.last+tag@sub.example.co.uk', true],
    ['"quoted string"@example.com', true],
    ['a@[IPv6:2001:db8:0:0:0:0:0:1]', true],
    ['a@[IPv6:1:2:3:4:5:6:192.0.2.1]', true],
    ['a@[IPv6:1:2:3:4:5:6:7:8:9]', false],
    ['a@[IPv6:1::2::3]', false],
    ['.a@x', false],
    ['a.@x', false],
    ['a@x..y', false],
    ['a@x-', false],
    ['a@x.example.', false],
    ['"unterminated@x', false],
  ])('checks %j against RFC 5321 §4.1.2 (valid: %s)', (address, valid) => {
    expect(parseMailbox(address) !== undefined).toBe(valid);
  });
});

describe('xtext', () => {
  it.each([
    ['plain', 'plain'],
    ['a+b=c', 'a+2Bb+3Dc'],
    ['sp ace', 'sp+20ace'],
    ['é', '+C3+A9'],
  ])('encodes %j as %j and back (RFC 3461 §4)', (text, xtext) => {
    expect(encodeXtext(text)).toBe(xtext);
    expect(decodeXtext(xtext)).toBe(text);
  });

  it('rejects lower-case hex and bare "=" (RFC 3461 §4)', () => {
    expect([decodeXtext('+2b'), decodeXtext('a=b'), decodeXtext('+2')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});
