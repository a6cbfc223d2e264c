import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { brokeredBrowserInfo } from './browser/broker.js';
import { browserChoices, connectSdkBrowser, launchSdkBrowser, suiteBrowserOptions, type BrowserName, type SdkBrowser } from './browser/index.js';
import { conformanceTarget } from './target.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's browser broker (conformance/global-setup.ts), when the run has one. */
    t1cBrowserBroker?: string;
  }
}

/** The run's browser of that kind (started by its broker on first ask), or one of this file's own. */
async function suiteBrowser(name: BrowserName): Promise<SdkBrowser> {
  const broker = inject('t1cBrowserBroker');
  if (broker) return connectSdkBrowser(await brokeredBrowserInfo(broker, name));
  return launchSdkBrowser(name, suiteBrowserOptions(conformanceTarget()));
}

/**
 * Declares `body` once per browser the run covers (T1C_LAB_BROWSERS, default every one) — the suites name
 * scenarios, the browsers come from here: a describe block titled `title [name]` (how certify tells the browser
 * of a test) whose tests reach the browser through `browser()`: it trusts the target's CA and serves its allowed
 * and foreign origins (suiteBrowserOptions). A browser that is not installed is a skipped test with the reason, or
 * in strict mode (T1C_LAB_STRICT=1) a failing one.
 */
export function inEachBrowser(title: string, body: (browser: () => SdkBrowser) => void): void {
  for (const choice of browserChoices()) {
    describe(`${title} [${choice.name}]`, () => {
      if (choice.missing) {
        const reason = choice.missing;
        if (process.env['T1C_LAB_STRICT'] === '1') {
          it(`${choice.name} is installed (strict mode)`, () => {
            throw new Error(reason);
          });
        } else {
          it.skip(`runs in ${choice.name} (skipped: ${reason})`, () => undefined);
        }
        return;
      }
      let browser: SdkBrowser | undefined;
      beforeAll(async () => {
        browser = await suiteBrowser(choice.name);
      });
      afterAll(async () => {
        await browser?.close();
      });
      body(() => {
        if (!browser) throw new Error(`${choice.name} did not start`);
        return browser;
      });
    });
  }
}
