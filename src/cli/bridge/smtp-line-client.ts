/**
 * A minimal SMTP client over `node:net` for tests and the benchmark: send
 * raw bytes, await whole replies (multi-line ones assembled, RFC 5321
 * §4.2.1). It judges nothing; that is the point — it can send what a real
 * client never would.
 */
import { connect, type Socket } from 'node:net';

/** One reply: its code and its text lines (without code and separator). */
export interface SmtpReply {
  readonly code: number;
  readonly lines: readonly string[];
}

/** A raw connection to an SMTP server. */
export class SmtpLineClient {
  readonly #socket: Socket;
  readonly #timeoutMs: number;
  #buffer = '';
  #current: string[] = [];
  readonly #replies: SmtpReply[] = [];
  #waiter: { resolve: (r: SmtpReply) => void; reject: (e: Error) => void } | undefined;
  #closed: Error | undefined;

  private constructor(socket: Socket, timeoutMs: number) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    socket.on('data', (text: string) => this.#read(text));
    const gone = (e?: Error) => {
      this.#closed ??= e ?? new Error('connection closed');
      this.#waiter?.reject(this.#closed);
      this.#waiter = undefined;
    };
    socket.on('error', gone);
    socket.on('close', () => gone());
  }

  /** Connects; resolves once the TCP connection is open (the greeting is the first {@link reply}). */
  static connect(port: number, host = '127.0.0.1', timeoutMs = 10_000): Promise<SmtpLineClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => {
        socket.off('error', reject);
        resolve(new SmtpLineClient(socket, timeoutMs));
      });
      socket.once('error', reject);
    });
  }

  /** Whether the server has closed the connection. */
  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** Writes text (as latin1: one character, one octet) or bytes. */
  send(data: string | Uint8Array): void {
    this.#socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** The next reply; rejects when the connection closes first or after the timeout. */
  reply(): Promise<SmtpReply> {
    const ready = this.#replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(new Error(`no reply within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#waiter = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  /** The next `n` replies. */
  async replies(n: number): Promise<SmtpReply[]> {
    const out: SmtpReply[] = [];
    for (let i = 0; i < n; i++) out.push(await this.reply());
    return out;
  }

  /** Sends a command line and awaits its reply. */
  async command(line: string): Promise<SmtpReply> {
    this.send(`${line}\r\n`);
    return this.reply();
  }

  /** Closes the connection (FIN). */
  end(): void {
    this.#socket.end();
  }

  /** Destroys the connection. */
  destroy(): void {
    this.#socket.destroy();
  }

  #read(text: string): void {
    this.#buffer += text;
    for (let i = this.#buffer.indexOf('\r\n'); i >= 0; i = this.#buffer.indexOf('\r\n')) {
      const line = this.#buffer.slice(0, i);
      this.#buffer = this.#buffer.slice(i + 2);
      this.#current.push(line.slice(4));
      if (line[3] === '-') continue;
      const reply = { code: Number(line.slice(0, 3)), lines: this.#current };
      this.#current = [];
      const waiter = this.#waiter;
      this.#waiter = undefined;
      if (waiter) waiter.resolve(reply);
      else this.#replies.push(reply);
    }
  }
}
