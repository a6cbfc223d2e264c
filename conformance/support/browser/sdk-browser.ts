import type { Browser } from 'puppeteer-core';
import type { BrowserErrorText, BrowserInfo, BrowserName, LocalNetworkDecision, SdkBrowser, SdkPage } from './types.js';
import { interceptWebApp, loadWebApp } from './web-app.js';

/**
 * The permission a browser asks the user for when a public page calls this device (Local Network Access): the
 * specification's name, which both Chromium and Firefox take.
 */
const LOOPBACK_PERMISSION = 'loopback-network';

const ERROR_TEXT: Readonly<Record<BrowserName, BrowserErrorText>> = {
  chromium: { untrustedCertificate: /^net::ERR_CERT_AUTHORITY_INVALID$/, localNetworkDenied: /^net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS$/ },
  // NSS's error (security module) wrapped in an nsresult; the LNA refusal is necko's own.
  firefox: { untrustedCertificate: /^NS_ERROR_GENERATE_FAILURE\(NS_ERROR_MODULE_SECURITY, SEC_ERROR_UNKNOWN_ISSUER\)$/, localNetworkDenied: /^NS_ERROR_LOCAL_NETWORK_ACCESS_DENIED$/ },
};

/**
 * The suites' view of a browser, over a puppeteer handle (launched here or connected to): pages in browser
 * contexts of their own, each carrying the user's Local Network Access answer for its origin; the web application
 * served by the browser's web server for its served origins, by request interception otherwise.
 */
export function sdkBrowser(browser: Browser, info: BrowserInfo, close: () => Promise<void>): SdkBrowser {
  const newPage = async (origin: string | null, decision: LocalNetworkDecision): Promise<SdkPage> => {
    const context = await browser.createBrowserContext();
    try {
      if (origin !== null && decision !== 'prompt') await context.setPermission(origin, { permission: { name: LOOPBACK_PERMISSION }, state: decision });
      const page = await context.newPage();
      if (origin !== null) {
        if (!info.servedOrigins.includes(origin)) await interceptWebApp(page, origin);
        await loadWebApp(page, origin);
      }
      return { page, close: () => context.close() };
    } catch (e) {
      await context.close();
      throw e;
    }
  };
  return {
    ...info,
    errorText: ERROR_TEXT[info.name],
    openPage: (origin, options = {}) => newPage(origin, options.localNetwork ?? 'granted'),
    blankPage: () => newPage(null, 'prompt'),
    close,
  };
}
