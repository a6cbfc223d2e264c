import { afterAll, beforeAll, describe, it } from 'vitest';
import { browserChoices, launchSdkBrowser, type SdkBrowser, type SdkBrowserOptions } from './browser/index.js';

/**
 * Declares `body` once per browser the run covers (T1C_LAB_BROWSERS, default every one) — the suites name
 * scenarios, the browsers come from here: a describe block titled `title [name]` (how certify tells the browser
 * of a test) whose tests reach one browser, started once for the block, through `browser()`. A browser that is not
 * installed is a skipped test with the reason, or in strict mode (T1C_LAB_STRICT=1) a failing one.
 */
export function inEachBrowser(title: string, options: () => SdkBrowserOptions, body: (browser: () => SdkBrowser) => void): void {
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
        browser = await launchSdkBrowser(choice.name, options());
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
