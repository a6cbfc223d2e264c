import { randomInt } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { webAppResponse, type WebResponse } from './web-app.js';
import type { WebPki } from './web-ca.js';

/**
 * The web application's sites, served for real over TCP from an address of their own on the loopback network
 * (127.x.y.z, chosen at random so runs side by side do not meet), on each origin's own port — so an origin such
 * as https://app.t1c-lab.test is the page's origin exactly, port 443 included. The browser is told to resolve
 * the sites' names to that address and to count it as a public one.
 */
export interface WebServer {
  readonly address: string;
  /** `address:port` of every listener, the form Firefox's address-space overrides take. */
  readonly endpoints: readonly string[];
  stop(): Promise<void>;
}

/** Why the sites cannot be served (e.g. no permission for port 443), or null. */
export class WebServerUnavailable extends Error {}

const defaultPort = (url: URL): number => Number(url.port || (url.protocol === 'https:' ? 443 : 80));

function listen(server: Server, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function handler(origins: ReadonlySet<string>, scheme: string, port: number) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const origin = `${scheme}//${(req.headers.host ?? '').replace(/:(80|443)$/, '')}`;
    const known = origins.has(origin) || origins.has(`${origin}:${port}`);
    const respond = (r: WebResponse): void => void res.writeHead(r.status, { 'content-type': r.contentType, 'cache-control': 'no-store' }).end(r.body);
    if (!known) return respond({ status: 421, contentType: 'text/plain', body: 'not a site of this server' });
    void webAppResponse(new URL(req.url ?? '/', 'http://x').pathname).then(respond, () => respond({ status: 500, contentType: 'text/plain', body: 'error' }));
  };
}

export async function startWebServer(origins: readonly string[], pki: WebPki): Promise<WebServer> {
  const urls = origins.map((o) => new URL(o));
  const known = new Set(urls.map((u) => u.origin));
  const listeners = [...new Map(urls.map((u) => [`${u.protocol}${defaultPort(u)}`, u])).values()];
  for (let attempt = 0; ; attempt++) {
    const address = `127.${randomInt(100, 200)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    const servers: Server[] = [];
    try {
      for (const url of listeners) {
        const port = defaultPort(url);
        const onRequest = handler(known, url.protocol, port);
        const server = url.protocol === 'https:' ? createHttpsServer({ cert: pki.certPem, key: pki.keyPem }, onRequest) : createHttpServer(onRequest);
        servers.push(server);
        await listen(server, port, address);
      }
      return {
        address,
        endpoints: listeners.map((u) => `${address}:${defaultPort(u)}`),
        async stop() {
          await Promise.all(
            servers.map(
              (s) =>
                new Promise<void>((resolve) => {
                  s.close(() => resolve());
                  s.closeAllConnections();
                }),
            ),
          );
        },
      };
    } catch (e) {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES') throw new WebServerUnavailable(`serving ${origins.join(', ')} on their own ports (${listeners.map(defaultPort).join(', ')}) needs root or CAP_NET_BIND_SERVICE`);
      if (code !== 'EADDRINUSE' || attempt >= 5) throw e;
    }
  }
}
