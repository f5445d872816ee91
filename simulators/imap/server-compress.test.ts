/**
 * COMPRESS (RFC 4978 §3) as the server session sees it: the answer, then
 * the `startCompression` output for its driver; refusals in the wrong
 * state, for another mechanism and when already active.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../net/scheduler.ts';
import { serverHarness } from './test-fixtures.ts';

describe('ImapServerSession: COMPRESS (RFC 4978)', () => {
  it('answers OK, then asks its driver for DEFLATE after the OK has been transmitted', () => {
    const s = serverHarness(new Scheduler());
    s.login();
    s.kinds.length = 0;
    expect(s.say('c1 COMPRESS deflate\r\n')).toEqual(['c1 OK DEFLATE active']);
    expect(s.kinds).toEqual(['transmit', 'startCompression']);
    // The session still reads and writes plain IMAP: the layer is the driver's.
    expect(s.say('c2 COMPRESS DEFLATE\r\n')).toEqual([
      'c2 NO [COMPRESSIONACTIVE] DEFLATE is already active.',
    ]);
    expect(s.say('c3 NOOP\r\n')).toEqual(['c3 OK NOOP completed.']);
  });

  it('is a command of the authenticated state, and knows only DEFLATE', () => {
    const s = serverHarness(new Scheduler());
    expect(s.say('c1 COMPRESS DEFLATE\r\n')).toEqual(['c1 BAD COMPRESS not allowed before login.']);
    s.login();
    expect(s.say('c2 COMPRESS LZ4\r\n')).toEqual(['c2 BAD Unknown compression mechanism: LZ4']);
    expect(s.say('c3 COMPRESS\r\n')[0]).toMatch(/^c3 BAD /);
    expect(s.kinds).not.toContain('startCompression');
  });

  it('discards commands pipelined behind COMPRESS, which were not compressed (RFC 4978 §3)', () => {
    const s = serverHarness(new Scheduler());
    s.login();
    expect(s.say('c1 COMPRESS DEFLATE\r\nc2 NOOP\r\n')).toEqual(['c1 OK DEFLATE active']);
    expect(s.violations).toEqual(['RFC 4978 §3']);
  });
});
