import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Every open connection is reset and new ones are refused: the network to the server is gone. */
  cut(): Promise<void>;
  /** Connections stay open but nothing is forwarded either way: a server that stopped answering. */
  blackhole(): void;
  close(): Promise<void>;
}

/** A TCP forwarder in front of a shared server, so a test can fail the network without stopping the server. */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let silent = false;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const server = createServer((client) => {
    track(client);
    const upstream = connect(targetPort, targetHost);
    track(upstream);
    client.on('data', (chunk) => silent || upstream.write(chunk));
    upstream.on('data', (chunk) => silent || client.write(chunk));
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('proxy has no port');
  let closed = false;
  const close = async (): Promise<void> => {
    for (const s of sockets) s.resetAndDestroy();
    if (closed) return;
    closed = true;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    port: address.port,
    cut: close,
    blackhole: () => {
      silent = true;
    },
    close,
  };
}
