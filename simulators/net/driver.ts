/**
 * The one driver: the only code that calls a session's `poll()`. It joins a
 * sans-I/O protocol session to a socket of the simulated network, feeds it
 * what arrives, and after every input drains its output to empty (str0m's
 * invariant), turning each output into a network action or a trace event.
 * The TCP bridge does the same job over real sockets (src/cli/bridge).
 */
import type { HostId, SessionId } from '../core/ids.ts';
import type { EngineSession } from '../core/session.ts';
import type { Trace } from '../trace/trace.ts';
import type { Socket } from './network.ts';

/** What the driver needs to know about a session it attaches. */
export interface AttachOptions<AppEvent> {
  /** `smtp`, `pop3`, `imap`. */
  readonly protocol: string;
  /** Called with each application event the session emits (an agent acts on these). */
  readonly onEvent?: (event: AppEvent, id: SessionId) => void;
  /** Called once when the session is over (connection closed or reset). */
  readonly onEnd?: (id: SessionId) => void;
}

/** Joins sessions to sockets and records what they do. */
export class Driver {
  #next = 1;

  constructor(readonly trace: Trace) {}

  /** Starts driving `session` on `socket`; the session's first outputs (a greeting) are drained at once. */
  attach<AppEvent>(
    socket: Socket,
    session: EngineSession<AppEvent>,
    options: AttachOptions<AppEvent>,
  ): SessionId {
    const id = `s${this.#next++}` as SessionId;
    const host: HostId = socket.local.host;
    this.trace.append({
      type: 'session.start',
      session: id,
      conn: socket.id,
      host,
      protocol: options.protocol,
      role: socket.role,
      machine: session.machineId,
    });
    let draining = false;
    let again = false;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      session.stop();
      this.trace.append({ type: 'session.end', session: id });
      options.onEnd?.(id);
    };
    const drain = () => {
      // Outputs may cause inputs (a write can trigger nothing synchronously,
      // but an app event handler may feed the session); never nest.
      if (draining) {
        again = true;
        return;
      }
      draining = true;
      do {
        again = false;
        for (let out = session.poll(); out !== undefined; out = session.poll()) {
          switch (out.kind) {
            case 'transmit':
              socket.write(out.bytes);
              break;
            case 'startTls':
              socket.startTls();
              break;
            case 'startCompression':
              socket.startCompression();
              break;
            case 'close':
              socket.end();
              break;
            case 'state':
              this.trace.append({ type: 'session.state', session: id, state: out.state, event: out.event });
              break;
            case 'violation':
              this.trace.append({
                type: 'session.violation',
                session: id,
                by: out.by,
                rule: out.rule,
                message: out.message,
              });
              break;
            case 'event':
              options.onEvent?.(out.event, id);
              break;
          }
        }
      } while (again);
      draining = false;
    };
    session.setWaker(drain);
    socket.handlers = {
      data: (bytes) => {
        session.receive(bytes);
        drain();
      },
      end: () => {
        session.receiveEnd();
        drain();
      },
      reset: () => {
        session.receiveEnd();
        drain();
        end();
      },
      tlsEstablished: (info) => {
        session.handleTlsEstablished(info);
        drain();
      },
      closed: end,
    };
    // Implicit TLS (or a session attached after STARTTLS) starts out secure.
    if (socket.secure) session.handleTlsEstablished(socket.secure);
    drain();
    return id;
  }
}
