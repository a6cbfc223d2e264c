import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP server listening on a free loopback port before its app is built: the app's guard must know its own origin
 * (`http://127.0.0.1:PORT`) from the start, and port 0 only tells once listening.
 */
export async function listenLoopback(): Promise<{ server: Server; origin: string }> {
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Fastify options that serve on an already listening server (none: the app is only inject()ed, as in tests). */
export function onServer(server: Server | undefined): { serverFactory?: (handler: http.RequestListener) => Server } {
  if (!server) return {};
  return {
    serverFactory: (handler) => {
      server.on('request', handler);
      return server;
    },
  };
}

/** Stops a server and every connection still open on it (a console page's event stream never ends by itself). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
