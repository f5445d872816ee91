import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import { hostId } from '../core/ids.ts';
import { SeededRandom } from '../core/random.ts';
import { Trace } from '../trace/trace.ts';
import { CONNECT_TIMEOUT_MS, Network, type Socket } from './network.ts';
import { Scheduler } from './scheduler.ts';

const A = hostId('a.example');
const B = hostId('b.example');

function setup(latencyMs = 10, jitterMs = 0) {
  const scheduler = new Scheduler();
  const trace = new Trace(() => scheduler.now);
  const network = new Network(scheduler, trace, new SeededRandom('t'), { latencyMs: 50, jitterMs: 0 });
  const a = network.addHost(A, ['192.0.2.1']);
  const b = network.addHost(B, ['192.0.2.2', '2001:db8::2']);
  network.link(A, B, { latencyMs, jitterMs });
  return { scheduler, trace, network, a, b };
}

/** An echo-ish server that records what it hears and when. */
function recorder(log: string[], scheduler: Scheduler, name: string) {
  return (socket: Socket) => {
    log.push(`${scheduler.now} ${name} accept`);
    socket.handlers = {
      data: (bytes) => log.push(`${scheduler.now} ${name} data ${bytesToLatin1(bytes)}`),
      end: () => {
        log.push(`${scheduler.now} ${name} end`);
        socket.end();
      },
      reset: (why) => log.push(`${scheduler.now} ${name} reset ${why}`),
      tlsEstablished: (info) => log.push(`${scheduler.now} ${name} tls ${info.version}`),
    };
  };
}

describe('Network', () => {
  it('opens a connection in one round trip and delivers bytes after the link latency', () => {
    const { scheduler, trace, a, b } = setup();
    const log: string[] = [];
    b.listen(25, { service: 'smtp' }, recorder(log, scheduler, 'server'));
    const client = a.connect(
      { address: '192.0.2.2', port: 25 },
      {
        opened: () => {
          log.push(`${scheduler.now} client opened`);
          client.write(latin1Bytes('EHLO a\r\n'));
        },
      },
    );
    scheduler.runUntilIdle();
    expect(log).toEqual(['10 server accept', '20 client opened', '30 server data EHLO a\r\n']);
    expect(trace.events.map((e) => e.type)).toEqual([
      'host.up',
      'host.up',
      'port.listen',
      'conn.connecting',
      'conn.opened',
      'bytes',
    ]);
    const connecting = trace.events.find((e) => e.type === 'conn.connecting');
    expect(connecting).toMatchObject({
      client: { host: A, address: '192.0.2.1', port: 49152 },
      server: { host: B, address: '192.0.2.2', port: 25 },
    });
  });

  it('refuses a connection to a port where nothing listens (RST after a round trip)', () => {
    const { scheduler, trace, a } = setup();
    const log: string[] = [];
    a.connect({ address: '192.0.2.2', port: 143 }, { failed: (r) => log.push(`${scheduler.now} ${r}`) });
    scheduler.runUntilIdle();
    expect(log).toEqual(['20 refused']);
    expect(trace.events.at(-1)).toMatchObject({ type: 'conn.failed', reason: 'refused', at: 20 });
  });

  it('times out a connection to a host that is down, and fails at once for an unknown address', () => {
    const { scheduler, network, a } = setup();
    const log: string[] = [];
    network.setHostUp(B, false);
    a.connect({ address: '192.0.2.2', port: 25 }, { failed: (r) => log.push(`${scheduler.now} ${r}`) });
    a.connect({ address: '198.51.100.99', port: 25 }, { failed: (r) => log.push(`${scheduler.now} ${r}`) });
    scheduler.runUntilIdle();
    expect(log).toEqual(['0 no-route', `${CONNECT_TIMEOUT_MS} timeout`]);
  });

  it('keeps each direction ordered even with jitter (latency ordering)', () => {
    const { scheduler, a, b } = setup(10, 30);
    const heard: string[] = [];
    b.listen(7, { service: 'echo' }, (s) => {
      s.handlers = { data: (bytes) => heard.push(bytesToLatin1(bytes)) };
    });
    const c = a.connect(
      { address: '192.0.2.2', port: 7 },
      { opened: () => Array.from({ length: 50 }, (_, i) => c.write(latin1Bytes(`${i},`))) },
    );
    scheduler.runUntilIdle();
    expect(heard.join('')).toBe(Array.from({ length: 50 }, (_, i) => `${i},`).join(''));
  });

  it('delivers data before the FIN, and traces the close once both sides have closed', () => {
    const { scheduler, trace, a, b } = setup();
    const log: string[] = [];
    b.listen(25, { service: 'smtp' }, recorder(log, scheduler, 'server'));
    const c = a.connect(
      { address: '192.0.2.2', port: 25 },
      {
        opened: () => {
          c.write(latin1Bytes('QUIT\r\n'));
          c.end();
        },
        end: () => log.push(`${scheduler.now} client end`),
        closed: () => log.push(`${scheduler.now} client closed`),
      },
    );
    scheduler.runUntilIdle();
    expect(log).toEqual([
      '10 server accept',
      '30 server data QUIT\r\n',
      '30 server end',
      '40 client end',
      '40 client closed',
    ]);
    expect(trace.events.at(-1)).toMatchObject({ type: 'conn.closed', by: 'client', at: 40 });
    expect(c.writable).toBe(false);
  });

  it('resets mid-stream: the peer hears of it and later writes go nowhere', () => {
    const { scheduler, trace, network, a, b } = setup();
    const log: string[] = [];
    b.listen(25, { service: 'smtp' }, recorder(log, scheduler, 'server'));
    const c = a.connect(
      { address: '192.0.2.2', port: 25 },
      {
        opened: () => {
          c.write(latin1Bytes('DATA\r\n'));
          scheduler.schedule(5, () => network.resetConnection(c.id));
          scheduler.schedule(6, () => c.write(latin1Bytes('lost\r\n')));
        },
        reset: (why) => log.push(`${scheduler.now} client reset ${why}`),
      },
    );
    scheduler.runUntilIdle();
    expect(log).toEqual([
      '10 server accept',
      '25 client reset reset by the network',
      '25 server reset reset by the network',
    ]);
    expect(trace.events.filter((e) => e.type === 'bytes')).toHaveLength(1);
  });

  it('holds traffic while a link is down and releases it in order when it is back', () => {
    const { scheduler, network, a, b } = setup();
    const log: string[] = [];
    b.listen(25, { service: 'smtp' }, recorder(log, scheduler, 'server'));
    const c = a.connect(
      { address: '192.0.2.2', port: 25 },
      {
        opened: () => {
          network.setLinkUp(A, B, false);
          c.write(latin1Bytes('one '));
          c.write(latin1Bytes('two'));
          scheduler.schedule(1000, () => network.setLinkUp(A, B, true));
        },
      },
    );
    scheduler.runUntilIdle();
    expect(log).toEqual(['10 server accept', '1030 server data one ', '1030 server data two']);
  });

  it('upgrades to TLS in one round trip and marks later bytes as encrypted (RFC 3207, RFC 8446)', () => {
    const { scheduler, trace, a, b } = setup();
    const log: string[] = [];
    b.listen(587, { service: 'submission', serverName: 'b.example' }, (s) => {
      recorder(log, scheduler, 'server')(s);
      s.write(latin1Bytes('220 Ready to start TLS\r\n'));
      s.startTls();
    });
    const c = a.connect(
      { address: '192.0.2.2', port: 587 },
      {
        data: () => c.startTls(),
        tlsEstablished: (info) => {
          log.push(`${scheduler.now} client tls ${info.serverName}`);
          c.write(latin1Bytes('EHLO a\r\n'));
        },
      },
    );
    scheduler.runUntilIdle();
    expect(log).toEqual([
      '10 server accept',
      '40 client tls b.example',
      '50 server tls TLSv1.3',
      '50 server data EHLO a\r\n',
    ]);
    const bytes = trace.events.filter((e) => e.type === 'bytes');
    expect(bytes.map((e) => [e.encrypted, e.wireLength])).toEqual([
      [false, 24],
      [true, 8 + 22],
    ]);
    expect(trace.events.filter((e) => e.type === 'tls.handshake').map((e) => e.messages[0])).toEqual([
      'ClientHello',
      'ServerHello',
      'Finished',
    ]);
  });

  it('accepts on an implicit-TLS port only once the handshake is done (RFC 8314)', () => {
    const { scheduler, a, b } = setup();
    const log: string[] = [];
    b.listen(465, { service: 'submissions', tls: 'implicit' }, (s) => {
      log.push(`${scheduler.now} accept secure=${s.secure !== undefined}`);
    });
    a.connect(
      { address: '192.0.2.2', port: 465, tls: true },
      { opened: () => log.push(`${scheduler.now} client opened`) },
    );
    scheduler.runUntilIdle();
    expect(log).toEqual(['40 client opened', '50 accept secure=true']);
  });

  it('resets a plain-text client on an implicit-TLS port, as a TLS server does', () => {
    const { scheduler, a, b } = setup();
    const log: string[] = [];
    b.listen(465, { service: 'submissions', tls: 'implicit' }, () => log.push('accepted'));
    const c = a.connect(
      { address: '192.0.2.2', port: 465 },
      { opened: () => c.write(latin1Bytes('EHLO a\r\n')), reset: (why) => log.push(why) },
    );
    scheduler.runUntilIdle();
    expect(log).toEqual(['TLS handshake failed: expected a ClientHello']);
  });

  it('resets every connection of a host that goes down', () => {
    const { scheduler, network, a, b } = setup();
    const log: string[] = [];
    b.listen(25, { service: 'smtp' }, recorder(log, scheduler, 'server'));
    a.connect(
      { address: '192.0.2.2', port: 25 },
      { opened: () => network.setHostUp(B, false), reset: (why) => log.push(`client ${why}`) },
    );
    scheduler.runUntilIdle();
    expect(log).toEqual([
      '10 server accept',
      'client b.example went down',
      '20 server reset b.example went down',
    ]);
  });
});
