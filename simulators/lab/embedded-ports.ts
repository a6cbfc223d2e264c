import net from 'node:net';

/**
 * Name of the connector's embedded reader `index`. Mirrors `embeddedReaderName` in
 * connector/readers/embedded/backend.ts (simulators may not import the connector; a test checks they agree).
 */
export function embeddedReaderName(index: number): string {
  return `t1c-lab Virtual Reader ${String(index).padStart(2, '0')}`;
}

/** Free loopback TCP ports, found by binding port 0; all are held until every one is known, then released. */
export async function freeLoopbackPorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port: 0, exclusive: true }, () => resolve());
      });
    }
    return servers.map((server) => (server.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}
