import { launchChromium } from './chromium.js';
import { launchFirefox } from './firefox.js';
import type { BrowserName, SdkBrowser, SdkBrowserOptions } from './types.js';

export { BROWSER_NAMES, type BrowserErrorText, type BrowserName, type LocalNetworkDecision, type PageOptions, type SdkBrowser, type SdkBrowserOptions, type SdkPage } from './types.js';
export { BROWSER_PACKAGES, browserChoices, browserExecutable, isBrowserName, parseBrowserList, type BrowserChoice } from './selection.js';
export { CONNECTOR_NAME, loadSdkBundle } from './web-app.js';

/** Starts one browser for the SDK scenarios; its pages share its trust store, each has a context of its own. */
export function launchSdkBrowser(name: BrowserName, options: SdkBrowserOptions): Promise<SdkBrowser> {
  return name === 'chromium' ? launchChromium(options) : launchFirefox(options);
}
