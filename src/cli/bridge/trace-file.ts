/**
 * `--trace FILE`: the world's trace as JSON Lines, one event per line, so a
 * session through the bridge can be read with `jq` or replayed into a view.
 * Bytes cannot go into JSON as they are; they are written as
 * `{ "base64": … }` plus a `text` field with their latin1 reading (every
 * octet one character, so nothing is lost or replaced).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { TraceEvent } from '../../../simulators/trace/events.ts';
import type { Trace } from '../../../simulators/trace/trace.ts';

/** One trace event as one line of JSON (without the newline). */
export function traceEventToJson(event: TraceEvent): string {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (value instanceof Uint8Array) {
      const buffer = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      out[key] = { base64: buffer.toString('base64') };
      // The first byte field gets `text`; a second one (none exists today) its own name.
      out[key === 'bytes' || !('text' in out) ? 'text' : `${key}Text`] = buffer.toString('latin1');
    } else {
      out[key] = value;
    }
  }
  return JSON.stringify(out);
}

/** Appends every event of a trace to a file, batching writes. */
export class TraceFileWriter {
  readonly #stream: WriteStream;
  readonly #unsubscribe: () => void;
  #lines: string[] = [];
  #scheduled = false;
  #error: Error | undefined;

  private constructor(stream: WriteStream, trace: Trace) {
    this.#stream = stream;
    for (const event of trace.events) this.#add(event);
    this.#unsubscribe = trace.subscribe((event) => this.#add(event));
  }

  /** Opens `path` for appending (failing if it cannot be opened): the events so far, then every new one. */
  static async open(path: string, trace: Trace): Promise<TraceFileWriter> {
    const stream = createWriteStream(path, { flags: 'a' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    const writer = new TraceFileWriter(stream, trace);
    stream.on('error', (e) => (writer.#error = e));
    return writer;
  }

  /** The first write error, if any (the file is then left as it is). */
  get error(): Error | undefined {
    return this.#error;
  }

  #add(event: TraceEvent): void {
    this.#lines.push(traceEventToJson(event));
    if (this.#lines.length >= 512) this.#flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#lines.length === 0 || this.#error) return;
    const text = this.#lines.join('\n') + '\n';
    this.#lines = [];
    this.#stream.write(text);
  }

  /** Stops following the trace, writes what is pending and closes the file. */
  async close(): Promise<void> {
    this.#unsubscribe();
    this.#flush();
    await new Promise<void>((resolve) => this.#stream.end(() => resolve()));
  }
}
