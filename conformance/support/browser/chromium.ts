import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { addNssCa, chromiumNssDb, ensureNssDb } from '../../../installer/trust/nss.js';
import { browserExecutable } from './selection.js';
import type { LocalNetworkDecision, SdkBrowser, SdkBrowserOptions, SdkPage } from './types.js';
import { CONNECTOR_NAME, interceptWebApp, loadWebApp } from './web-app.js';

/** The permission Chromium asks the user for when a public page calls this device (Local Network Access). */
const LOOPBACK_PERMISSION = 'loopback-network';

/**
 * Debian's Chromium, headless, over the DevTools protocol: trust through a HOME's NSS database (~/.pki/nssdb, what
 * Chromium reads on Linux), t1c.t1t.io mapped to 127.0.0.1 by a host-resolver rule, pages served by request
 * interception — which Chromium treats as a public site, so its Local Network Access prompt applies to the calls
 * to the connector and each page's context carries the user's answer.
 */
export async function launchChromium(options: SdkBrowserOptions): Promise<SdkBrowser> {
  const ownHome = options.home === undefined;
  const home = options.home ?? (await mkdtemp(path.join(tmpdir(), 't1c-lab-chromium-')));
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
      pipe: true,
      env: { ...process.env, HOME: home },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run', `--host-resolver-rules=MAP ${CONNECTOR_NAME} 127.0.0.1`],
    });
    const opened = browser;
    const version = (await opened.version()).replace(/^(?:Headless)?Chrome\//, 'Chromium ');
    const newPage = async (origin: string | null, decision: LocalNetworkDecision): Promise<SdkPage> => {
      const context = await opened.createBrowserContext();
      try {
        if (origin !== null && decision !== 'prompt') await context.setPermission(origin, { permission: { name: LOOPBACK_PERMISSION }, state: decision });
        const page = await context.newPage();
        if (origin !== null) {
          await interceptWebApp(page, origin);
          await loadWebApp(page, origin);
        }
        return { page, close: () => context.close() };
      } catch (e) {
        await context.close();
        throw e;
      }
    };
    return {
      name: 'chromium',
      version,
      publicPagesUnavailable: null,
      errorText: { untrustedCertificate: /^net::ERR_CERT_AUTHORITY_INVALID$/, localNetworkDenied: /^net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS$/ },
      openPage: (origin, pageOptions = {}) => newPage(origin, pageOptions.localNetwork ?? 'granted'),
      blankPage: () => newPage(null, 'prompt'),
      async close() {
        await opened.close();
        if (ownHome) await rm(home, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await browser?.close();
    if (ownHome) await rm(home, { recursive: true, force: true });
    throw e;
  }
}
