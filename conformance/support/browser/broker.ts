import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { startBrowser, type RunningBrowser } from './index.js';
import { isBrowserName } from './selection.js';
import type { BrowserInfo, BrowserName, SdkBrowserOptions } from './types.js';

/**
 * One browser of each kind per conformance run, started when a suite first asks for it: Firefox takes many
 * seconds to start and each browser suite file (its own worker process) would otherwise start its own. The broker
 * lives in the run's global setup; a suite file asks it over loopback HTTP for a browser and connects with
 * puppeteer. Files run one after another, so one connection at a time (Firefox allows one WebDriver BiDi session).
 */
export interface BrowserBroker {
  /** Secret URL (loopback, random path) that suite files ask; see `brokeredBrowserInfo`. */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startBrowserBroker(options: SdkBrowserOptions): Promise<BrowserBroker> {
  const started = new Map<BrowserName, Promise<RunningBrowser>>();
  const start = (name: BrowserName): Promise<RunningBrowser> => {
    let running = started.get(name);
    if (!running) {
      running = startBrowser(name, options).then(async (r) => {
        // the launch's own session would keep a suite's from opening (Firefox: one BiDi session)
        await r.browser.disconnect();
        return r;
      });
      started.set(name, running);
    }
    return running;
  };
  const secret = randomBytes(16).toString('hex');
  const server = createServer((req, res) => {
    const m = new RegExp(`^/${secret}/browsers/([a-z]+)$`).exec(req.url ?? '');
    if (req.method !== 'GET' || !m || !isBrowserName(m[1]!)) return void res.writeHead(404).end();
    start(m[1]).then(
      (r) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(r.info)),
      (e: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`could not start ${m[1]}: ${e.message}`),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/${secret}`,
    async stop() {
      server.close();
      server.closeAllConnections();
      const all = await Promise.allSettled(started.values());
      await Promise.all(all.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    },
  };
}

/** Asks the run's broker for a browser (starting it if it is the first ask). */
export async function brokeredBrowserInfo(brokerUrl: string, name: BrowserName): Promise<BrowserInfo> {
  const res = await fetch(`${brokerUrl}/browsers/${name}`);
  if (!res.ok) throw new Error(await res.text());
  return (await res.json()) as BrowserInfo;
}
