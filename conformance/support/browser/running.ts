import puppeteer, { type Browser } from 'puppeteer-core';
import type { BrowserInfo } from './types.js';

/** A browser this process started: the puppeteer handle it launched with, what it is, and how to stop it. */
export interface RunningBrowser {
  readonly browser: Browser;
  readonly info: BrowserInfo;
  /** Closes the browser (reconnecting if the launch connection was given up) and removes what it started with. */
  stop(): Promise<void>;
}

const protocolOf = (info: BrowserInfo) => (info.name === 'firefox' ? 'webDriverBiDi' : 'cdp') as 'webDriverBiDi' | 'cdp';

/** A puppeteer connection to a running browser (Firefox allows one WebDriver BiDi session at a time). */
export function connectBrowser(info: BrowserInfo): Promise<Browser> {
  return puppeteer.connect({ browserWSEndpoint: info.wsEndpoint, protocol: protocolOf(info) });
}

/** Closes a launched browser whether or not its launch connection is still open, then runs `cleanUp`. */
export async function stopLaunched(browser: Browser, info: BrowserInfo, cleanUp: () => Promise<void>): Promise<void> {
  try {
    if (browser.connected) await browser.close();
    else await (await connectBrowser(info)).close();
  } catch {
    browser.process()?.kill('SIGKILL');
  }
  await cleanUp();
}
