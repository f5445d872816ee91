import { describe, expect, it } from 'vitest';
import { REPLY_CODES, explainEnhanced, explainReply, isCatalogued } from './reply-codes.ts';

const CODES = [
  211, 214, 220, 221, 235, 250, 251, 252, 334, 354, 421, 450, 451, 452, 454, 500, 501, 502, 503, 504, 530,
  535, 538, 550, 551, 552, 553, 554, 555,
];

const ENHANCED = [
  '2.0.0',
  '2.1.0',
  '2.1.5',
  '2.6.0',
  '2.7.0',
  '4.3.0',
  '4.4.1',
  '4.4.2',
  '4.5.3',
  '4.7.0',
  '4.7.1',
  '5.1.1',
  '5.1.3',
  '5.1.7',
  '5.3.4',
  '5.4.6',
  '5.5.1',
  '5.5.2',
  '5.5.3',
  '5.5.4',
  '5.5.6',
  '5.6.0',
  '5.6.7',
  '5.7.0',
  '5.7.1',
  '5.7.8',
  '5.7.9',
  '5.7.11',
];

describe('reply-codes', () => {
  it.each(CODES)('has a catalogue entry for %i (RFC 5321 §4.2.3)', (code) => {
    const info = REPLY_CODES.get(code);
    expect(info?.code).toBe(String(code));
    expect(info?.meaning.length).toBeGreaterThan(5);
    expect(info?.explanation.length).toBeGreaterThan(20);
    expect(info?.rfc).toMatch(/^RFC \d+/);
    expect(explainReply(code).known).toBe(true);
  });

  it.each(ENHANCED)('has a catalogue entry for %s (RFC 3463 §3)', (code) => {
    expect(isCatalogued(code)).toBe(true);
    const info = explainEnhanced(code);
    expect(info?.code).toBe(code);
    expect(info?.rfc).toMatch(/^RFC \d+/);
  });

  it('explains a reply with its enhanced code (RFC 3463 §3.2)', () => {
    expect(explainReply(550, '5.1.1')).toEqual({
      reply: REPLY_CODES.get(550),
      enhanced: {
        code: '5.1.1',
        meaning: 'Bad destination mailbox address',
        explanation:
          'The recipient mailbox does not exist at that domain ("user unknown"). (Permanent failure: retrying the same thing will fail again.)',
        rfc: 'RFC 3463 §3.2',
      },
      known: true,
    });
  });

  it('falls back to the digits for an unlisted code (RFC 5321 §4.2.1)', () => {
    expect(explainReply(459)).toEqual({
      reply: {
        code: '459',
        meaning: 'Transient negative: not done, but trying again later may work',
        explanation:
          'Transient negative: not done, but trying again later may work; the second digit says it is about the mail system.',
        rfc: 'RFC 5321 §4.2.1',
      },
      known: false,
    });
  });

  it('falls back to class and subject for an unlisted enhanced code (RFC 3463 §3)', () => {
    expect(explainEnhanced('4.2.9')).toEqual({
      code: '4.2.9',
      meaning: 'Persistent transient failure: retrying later may work; about the mailbox',
      explanation: 'Persistent transient failure: retrying later may work. The problem concerns the mailbox.',
      rfc: 'RFC 3463 §3',
    });
    expect(isCatalogued('4.2.9')).toBe(false);
    expect(explainEnhanced('3.0.0')).toBeUndefined();
    expect(explainReply(250, 'nonsense')).toEqual({ reply: REPLY_CODES.get(250), known: true });
  });
});
