import { describe, expect, it } from 'vitest';
import type { ConnId, HostId, VirtualMs } from '../../../simulators/core/ids.ts';
import { Trace } from '../../../simulators/trace/trace.ts';
import { boundTrace } from './trace-window.ts';

const bytesEvent = (size: number) => ({
  type: 'bytes' as const,
  conn: 'b1' as ConnId,
  direction: 'c2s' as const,
  from: 'bridge-client' as HostId,
  bytes: new Uint8Array(size),
  encrypted: false,
  wireLength: size,
});

describe('boundTrace', () => {
  it('keeps the last events by count, numbering on from the start, and tells every listener', () => {
    const trace = new Trace(() => 0 as VirtualMs);
    trace.append({ type: 'conn.opened', conn: 'b0' as ConnId });
    boundTrace(trace, 3, () => 7 as VirtualMs);
    const heard: number[] = [];
    trace.subscribe((e) => heard.push(e.seq));
    for (let i = 1; i <= 10; i++) trace.append({ type: 'conn.opened', conn: `b${i}` as ConnId });
    expect(trace.length).toBe(11);
    expect(trace.events.map((e) => e.seq)).toEqual([8, 9, 10]);
    expect(trace.events.every((e) => e.at === 7)).toBe(true);
    expect(trace.since(9).map((e) => e.seq)).toEqual([9, 10]);
    expect(heard).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('keeps fewer when the payloads pass the octet bound', () => {
    const trace = new Trace(() => 0 as VirtualMs);
    boundTrace(trace, 1000, () => 0 as VirtualMs, 100_000);
    for (let i = 0; i < 50; i++) trace.append(bytesEvent(30_000));
    expect(trace.events).toHaveLength(3);
    expect(trace.events.at(-1)!.seq).toBe(49);
  });
});
