import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { addNssCa, ensureNssDb, firefoxProfiles } from '../../../installer/trust/nss.js';
import { stopLaunched, type RunningBrowser } from './running.js';
import { browserExecutable } from './selection.js';
import type { SdkBrowserOptions } from './types.js';
import { CONNECTOR_NAME } from './web-app.js';
import { mintWebPki } from './web-ca.js';
import { startWebServer, WebServerUnavailable, type WebServer } from './web-server.js';

/** Profile preferences every run sets: no proxy, no DNS over HTTPS, no background probes to the internet. */
const BASE_PREFS = {
  'network.dns.localDomains': CONNECTOR_NAME,
  'network.proxy.type': 0,
  'network.trr.mode': 5,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
} as const;

/**
 * Debian's firefox-esr, headless, over WebDriver BiDi (puppeteer-core; no browser download). Firefox trusts what
 * its profile's NSS database (cert9.db) holds, so a throwaway profile gets the connector's CA with certutil, as
 * `t1c-lab connector install` does for a user's profiles. t1c.t1t.io is a profile "local domain" (resolved as
 * localhost, 127.0.0.1).
 *
 * Firefox takes a page's Local Network Access address space from the address the page was served from, and never
 * gates a page answered by request interception (it has none). So the web application's sites are served for
 * real — from an address of their own on the loopback network, which the profile resolves every other name to
 * (`network.dns.forceResolve`) and counts as public (`network.lna.address_space.public.override`), under a
 * throwaway web CA the profile trusts — and the connector calls meet the permission check a site on the internet
 * meets. Where that server cannot run (port 443 needs root), or with a user's own profile, pages fall back to
 * interception and say so.
 */
export async function startFirefox(options: SdkBrowserOptions): Promise<RunningBrowser> {
  const dir = options.home === undefined ? await mkdtemp(path.join(tmpdir(), 't1c-lab-firefox-')) : null;
  let web: WebServer | null = null;
  const cleanUp = async (): Promise<void> => {
    await web?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  let browser: Browser | null = null;
  try {
    let profile: string;
    let publicPagesUnavailable: string | null = null;
    let prefs: Record<string, string | number | boolean> = { ...BASE_PREFS };
    if (dir) {
      profile = path.join(dir, 'profile');
      await mkdir(profile, { mode: 0o700 });
      await ensureNssDb(profile);
      if (options.caCertPath !== undefined) await addNssCa(profile, 't1c-lab-ca', options.caCertPath);
      try {
        const pki = await mintWebPki([...new Set(options.origins.map((o) => new URL(o).hostname))]);
        web = await startWebServer(options.origins, pki);
        const webCa = path.join(dir, 'web-ca.pem');
        await writeFile(webCa, pki.caPem);
        await addNssCa(profile, 't1c-lab-test-web-ca', webCa);
        prefs = { ...prefs, 'network.dns.forceResolve': web.address, 'network.lna.address_space.public.override': web.endpoints.join(',') };
      } catch (e) {
        if (!(e instanceof WebServerUnavailable)) throw e;
        publicPagesUnavailable = `pages come from request interception, which Firefox never asks about: ${e.message}`;
      }
    } else {
      const found = await firefoxProfiles(options.home!, path.join(options.home!, '.config'));
      if (found.length === 0) throw new Error(`no Firefox profile under ${options.home}`);
      profile = found[0]!;
      publicPagesUnavailable = "pages come from request interception in a user's own profile, which Firefox never asks about";
    }
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: browserExecutable('firefox'),
      headless: true,
      userDataDir: profile,
      extraPrefsFirefox: prefs,
      env: { ...process.env, HOME: dir ?? options.home! },
    });
    const launched = browser;
    const info = {
      name: 'firefox' as const,
      version: (await launched.version()).replace(/^firefox\//i, 'Firefox '),
      wsEndpoint: launched.wsEndpoint(),
      servedOrigins: web ? [...options.origins] : [],
      publicPagesUnavailable,
    };
    return { browser: launched, info, stop: () => stopLaunched(launched, info, cleanUp) };
  } catch (e) {
    await browser?.close();
    await cleanUp();
    throw e;
  }
}
