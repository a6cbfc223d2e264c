import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { addNssCa, ensureNssDb, firefoxProfiles } from '../../../installer/trust/nss.js';
import { browserExecutable } from './selection.js';
import type { LocalNetworkDecision, SdkBrowser, SdkBrowserOptions, SdkPage } from './types.js';
import { CONNECTOR_NAME, interceptWebApp, loadWebApp } from './web-app.js';
import { mintWebPki } from './web-ca.js';
import { startWebServer, WebServerUnavailable, type WebServer } from './web-server.js';

/** Firefox's permission for a site's calls to this device (Local Network Access, "Device apps and services"). */
const LOOPBACK_PERMISSION = 'loopback-network';

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
 * Firefox applies Local Network Access by the address a page was served from: a page answered by request
 * interception has none and is never asked about. So the web application's sites are served for real — from an
 * address of their own on the loopback network, which the profile resolves every other name to
 * (`network.dns.forceResolve`) and counts as public (`network.lna.address_space.public.override`) — and the
 * connector calls meet the same permission check as from a site on the internet. Where that server cannot run
 * (port 443 needs root), or with a user's own profile, pages fall back to interception and say so.
 */
export async function launchFirefox(options: SdkBrowserOptions): Promise<SdkBrowser> {
  const ownProfile = options.home === undefined;
  const dir = ownProfile ? await mkdtemp(path.join(tmpdir(), 't1c-lab-firefox-')) : null;
  let web: WebServer | null = null;
  let browser: Browser | null = null;
  const cleanUp = async (): Promise<void> => {
    await web?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  try {
    let profile: string;
    let home: string;
    let publicPagesUnavailable: string | null = null;
    let prefs: Record<string, string | number | boolean> = { ...BASE_PREFS };
    if (dir) {
      home = dir;
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
      home = options.home!;
      const found = await firefoxProfiles(home, path.join(home, '.config'));
      if (found.length === 0) throw new Error(`no Firefox profile under ${home}`);
      profile = found[0]!;
      publicPagesUnavailable = "pages come from request interception in a user's own profile, which Firefox never asks about";
    }
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: browserExecutable('firefox'),
      headless: true,
      userDataDir: profile,
      extraPrefsFirefox: prefs,
      env: { ...process.env, HOME: home },
    });
    const opened = browser;
    const version = (await opened.version()).replace(/^firefox\//i, 'Firefox ');
    const served = web !== null;
    const newPage = async (origin: string | null, decision: LocalNetworkDecision): Promise<SdkPage> => {
      if (origin !== null && served && !options.origins.includes(origin)) throw new Error(`${origin} is not one of the origins this browser serves (${options.origins.join(', ')})`);
      const context = await opened.createBrowserContext();
      try {
        if (origin !== null && decision !== 'prompt') await context.setPermission(origin, { permission: { name: LOOPBACK_PERMISSION }, state: decision });
        const page = await context.newPage();
        if (origin !== null) {
          if (!served) await interceptWebApp(page, origin);
          await loadWebApp(page, origin);
        }
        return { page, close: () => context.close() };
      } catch (e) {
        await context.close();
        throw e;
      }
    };
    return {
      name: 'firefox',
      version,
      publicPagesUnavailable,
      // NSS's error (security module) wrapped in an nsresult; the LNA refusal is necko's own.
      errorText: { untrustedCertificate: /^NS_ERROR_GENERATE_FAILURE\(NS_ERROR_MODULE_SECURITY, SEC_ERROR_UNKNOWN_ISSUER\)$/, localNetworkDenied: /^NS_ERROR_LOCAL_NETWORK_ACCESS_DENIED$/ },
      openPage: (origin, pageOptions = {}) => newPage(origin, pageOptions.localNetwork ?? 'granted'),
      blankPage: () => newPage(null, 'prompt'),
      async close() {
        await opened.close();
        await cleanUp();
      },
    };
  } catch (e) {
    await browser?.close();
    await cleanUp();
    throw e;
  }
}
