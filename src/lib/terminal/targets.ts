/**
 * Where the terminal can connect: every service that every host listens on,
 * named the way a learner would type it (`mx.example.net:25`).
 */

/**
 * Whose commands a terminal on a port speaks: POP3 on `pop3`/`pop3s` (ports
 * 110 and 995, RFC 1939 §3, RFC 8314), IMAP on `imap`/`imaps` (143 and 993,
 * RFC 3501 §2.1, RFC 8314), else SMTP.
 */
export function terminalProtocol(service: string | undefined, port: number): 'smtp' | 'pop3' | 'imap' {
  const known: Readonly<Record<string, 'pop3' | 'imap'>> = {
    pop3: 'pop3',
    pop3s: 'pop3',
    imap: 'imap',
    imaps: 'imap',
  };
  if (service !== undefined) return known[service] ?? 'smtp';
  return port === 110 || port === 995 ? 'pop3' : port === 143 || port === 993 ? 'imap' : 'smtp';
}

/** A listening service, as the host reports it. */
export interface ServiceView {
  readonly port: number;
  readonly service: string;
  /** Implicit TLS (ports 465, 993, 995; RFC 8314): TLS starts as soon as TCP is up. */
  readonly tls: boolean;
}

/** A host with its addresses and services. */
export interface HostServices {
  readonly id: string;
  readonly addresses: readonly string[];
  readonly services: readonly ServiceView[];
}

/** One entry of the terminal's "To" list. */
export interface TerminalTarget {
  /** `host:port`, the option's value. */
  readonly value: string;
  /** `host:port (service)` or `host:port (service, TLS)`. */
  readonly label: string;
  readonly host: string;
  readonly address: string;
  readonly port: number;
  readonly service: string;
  readonly tls: boolean;
}

/** Every listening service of every host, by host in the given order and by port. */
export function terminalTargets(hosts: readonly HostServices[]): TerminalTarget[] {
  return hosts.flatMap((h) => {
    const address = h.addresses[0];
    if (address === undefined) return [];
    return [...h.services]
      .sort((a, b) => a.port - b.port)
      .map((s) => ({
        value: `${h.id}:${s.port}`,
        label: `${h.id}:${s.port} (${s.service}${s.tls ? ', TLS' : ''})`,
        host: h.id,
        address,
        port: s.port,
        service: s.service,
        tls: s.tls,
      }));
  });
}
