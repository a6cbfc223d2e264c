import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { addNssCa, chromiumNssDb, ensureNssDb } from '../../../installer/trust/nss.js';
import { stopLaunched, type RunningBrowser } from './running.js';
import { browserExecutable } from './selection.js';
import type { SdkBrowserOptions } from './types.js';
import { CONNECTOR_NAME } from './web-app.js';

/**
 * Debian's Chromium, headless, over the DevTools protocol: trust through a HOME's NSS database (~/.pki/nssdb, what
 * Chromium reads on Linux) and t1c.t1t.io mapped to 127.0.0.1 by a host-resolver rule. Its pages are answered by
 * request interception, which Chromium treats as a public site: its Local Network Access check applies to their
 * calls to the connector as for a site on the internet.
 */
export async function startChromium(options: SdkBrowserOptions): Promise<RunningBrowser> {
  const ownHome = options.home === undefined;
  const home = options.home ?? (await mkdtemp(path.join(tmpdir(), 't1c-lab-chromium-')));
  const cleanUp = async (): Promise<void> => {
    if (ownHome) await rm(home, { recursive: true, force: true });
  };
  let browser: Browser | null = null;
  try {
    if (ownHome) {
      const db = chromiumNssDb(home);
      await ensureNssDb(db);
      if (options.caCertPath !== undefined) await addNssCa(db, 't1c-lab-ca', options.caCertPath);
    }
    browser = await puppeteer.launch({
      executablePath: browserExecutable('chromium'),
      headless: true,
      env: { ...process.env, HOME: home },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run', `--host-resolver-rules=MAP ${CONNECTOR_NAME} 127.0.0.1`],
    });
    const launched = browser;
    const info = {
      name: 'chromium' as const,
      version: (await launched.version()).replace(/^(?:Headless)?Chrome\//, 'Chromium '),
      wsEndpoint: launched.wsEndpoint(),
      servedOrigins: [],
      publicPagesUnavailable: null,
    };
    return { browser: launched, info, stop: () => stopLaunched(launched, info, cleanUp) };
  } catch (e) {
    await browser?.close();
    await cleanUp();
    throw e;
  }
}
