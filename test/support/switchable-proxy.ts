import { connect, createServer, type Socket } from 'node:net';

export interface SwitchableProxy {
  readonly port: number;
  /** True while the proxy refuses traffic. */
  readonly isDown: boolean;
  /** Resets every open connection and every new one until up(): the server is gone, as seen by the client. */
  down(): void;
  /** Connections stay open (new ones are accepted) but nothing moves either way until up(): a server that hangs. */
  stall(): void;
  /** Forwards again on the same port (stalled bytes flow on), so clients reach the very address they were given. */
  up(): void;
  /**
   * New connections go to `port` from now on (a failover's new primary behind the same address); open ones stay with
   * the old server, as they do behind a DNS name or a virtual IP that moved. down() first to drop them too.
   */
  switchTo(port: number): void;
  close(): Promise<void>;
}

/**
 * A TCP forwarder that can be taken down and brought back on the same port. Stands in front of the shared MariaDB or
 * Redis so a test can fail the network, never the server.
 */
export async function startSwitchableProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<SwitchableProxy> {
  const sockets = new Set<Socket>();
  let target = targetPort;
  /** Per connection: sends what arrived while stalled, in order. */
  const releasers = new Set<() => void>();
  let down = false;
  let stalled = false;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const server = createServer((client) => {
    track(client);
    if (down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target, targetHost);
    track(upstream);
    const held: (() => void)[] = [];
    const forward = (to: Socket) => (chunk: Buffer) => {
      const write = (): void => void (to.destroyed || to.write(chunk));
      if (stalled) held.push(write);
      else write();
    };
    const release = (): void => {
      for (const write of held.splice(0)) write();
    };
    releasers.add(release);
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    client.once('close', () => {
      releasers.delete(release);
      upstream.destroy();
    });
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('proxy has no port');
  let closed = false;
  const resetAll = (): void => {
    for (const s of sockets) s.resetAndDestroy();
  };
  return {
    port: address.port,
    get isDown() {
      return down;
    },
    down: () => {
      down = true;
      resetAll();
    },
    stall: () => {
      stalled = true;
    },
    switchTo: (port) => {
      target = port;
    },
    up: () => {
      down = false;
      stalled = false;
      for (const release of releasers) release();
    },
    close: async () => {
      resetAll();
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
