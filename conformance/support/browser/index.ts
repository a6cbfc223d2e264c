import { startChromium } from './chromium.js';
import { startFirefox } from './firefox.js';
import { connectBrowser, type RunningBrowser } from './running.js';
import { sdkBrowser } from './sdk-browser.js';
import type { BrowserInfo, BrowserName, SdkBrowser, SdkBrowserOptions } from './types.js';

export { BROWSER_NAMES, type BrowserErrorText, type BrowserInfo, type BrowserName, type LocalNetworkDecision, type PageOptions, type SdkBrowser, type SdkBrowserOptions, type SdkPage } from './types.js';
export { BROWSER_PACKAGES, browserChoices, browserExecutable, isBrowserName, parseBrowserList, type BrowserChoice } from './selection.js';
export { CONNECTOR_NAME, loadSdkBundle } from './web-app.js';
export type { RunningBrowser } from './running.js';

/** Starts a browser this process owns (the broker's, or a test's own). */
export function startBrowser(name: BrowserName, options: SdkBrowserOptions): Promise<RunningBrowser> {
  return name === 'chromium' ? startChromium(options) : startFirefox(options);
}

/** What the suites' browsers trust and serve for a connector: its CA, and the allowed and a foreign origin. */
export function suiteBrowserOptions(target: { readonly caCert: string; readonly allowedOrigin: string; readonly foreignOrigin: string }): SdkBrowserOptions {
  return { caCertPath: target.caCert, origins: [target.allowedOrigin, target.foreignOrigin] };
}

/** Starts one browser for the SDK scenarios; `close()` stops it. */
export async function launchSdkBrowser(name: BrowserName, options: SdkBrowserOptions): Promise<SdkBrowser> {
  const running = await startBrowser(name, options);
  return sdkBrowser(running.browser, running.info, running.stop);
}

/** The suites' view of a browser another process runs (the run's broker); `close()` only disconnects. */
export async function connectSdkBrowser(info: BrowserInfo): Promise<SdkBrowser> {
  const browser = await connectBrowser(info);
  return sdkBrowser(browser, info, () => browser.disconnect());
}
