import { connect, createServer, type Socket } from 'node:net';

/**
 * One address in front of several brokers, as a reverse proxy without stickiness would be: each new TCP
 * connection goes to the first broker that accepts it, in order. A broker that died refuses, so its
 * clients' reconnects land on the next one. TCP, so HTTP, WebSockets and long polls all pass unchanged.
 */
export interface FailoverProxy {
  url: string;
  close(): Promise<void>;
}

export async function startFailoverProxy(ports: () => readonly number[]): Promise<FailoverProxy> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const tryNext = (rest: readonly number[]) => {
      const [port, ...others] = rest;
      if (port === undefined) return void client.destroy();
      const upstream = connect(port, '127.0.0.1');
      let connected = false;
      upstream.on('error', () => (connected ? client.destroy() : tryNext(others)));
      upstream.once('connect', () => {
        connected = true;
        open.add(upstream);
        upstream.once('close', () => {
          open.delete(upstream);
          client.destroy();
        });
        client.once('close', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
    };
    tryNext(ports());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
