import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnId, HostId, VirtualMs } from '../../../simulators/core/ids.ts';
import type { TraceEvent } from '../../../simulators/trace/events.ts';
import { Trace } from '../../../simulators/trace/trace.ts';
import { TraceFileWriter, traceEventToJson } from './trace-file.ts';

const bytesEvent: TraceEvent = {
  type: 'bytes',
  seq: 7,
  at: 12 as VirtualMs,
  conn: 'b1' as ConnId,
  direction: 'c2s',
  from: 'bridge-client' as HostId,
  bytes: new Uint8Array([0x45, 0x48, 0x4c, 0x4f, 0x0d, 0x0a, 0xe9, 0x00]),
  encrypted: false,
  wireLength: 8,
};

describe('traceEventToJson', () => {
  it('writes bytes as base64 plus their latin1 text', () => {
    expect(JSON.parse(traceEventToJson(bytesEvent))).toEqual({
      type: 'bytes',
      seq: 7,
      at: 12,
      conn: 'b1',
      direction: 'c2s',
      from: 'bridge-client',
      bytes: { base64: 'RUhMTw0K6QA=' },
      text: 'EHLO\r\n\u00e9\u0000',
      encrypted: false,
      wireLength: 8,
    });
  });

  it('reads only the view of a Uint8Array that is a window on a larger buffer', () => {
    const big = new Uint8Array([1, 2, 0x41, 0x42, 3]);
    const json = JSON.parse(traceEventToJson({ ...bytesEvent, bytes: big.subarray(2, 4) }));
    expect(json.bytes).toEqual({ base64: 'QUI=' });
    expect(json.text).toBe('AB');
  });

  it('leaves events without bytes as they are, on one line', () => {
    const event: TraceEvent = {
      type: 'conn.closed',
      seq: 1,
      at: 5 as VirtualMs,
      conn: 'b2' as ConnId,
      by: 'server',
    };
    const line = traceEventToJson(event);
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ type: 'conn.closed', seq: 1, at: 5, conn: 'b2', by: 'server' });
  });
});

describe('TraceFileWriter', () => {
  it('appends one JSON line per event, from the first, and flushes on close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailroom-trace-'));
    try {
      const file = join(dir, 'trace.jsonl');
      const trace = new Trace(() => 0 as VirtualMs);
      trace.append({ type: 'note', text: 'zero' });
      const writer = await TraceFileWriter.open(file, trace);
      trace.append({ type: 'note', text: 'one' });
      trace.append({ type: 'note', text: 'two' });
      await writer.close();
      trace.append({ type: 'note', text: 'after close' });
      const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
      expect(lines.map((l) => JSON.parse(l).text)).toEqual(['zero', 'one', 'two']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
