import type { Page } from 'puppeteer-core';

/** The browsers the SDK scenarios run in: Debian's packages, driven through puppeteer-core. */
export const BROWSER_NAMES = ['chromium', 'firefox'] as const;
export type BrowserName = (typeof BROWSER_NAMES)[number];

/**
 * What the user answered when the browser asked whether the page may reach this device (Local Network Access):
 * `granted` — Allow, remembered for the site; `denied` — Block, remembered; `prompt` — not answered yet.
 */
export type LocalNetworkDecision = 'granted' | 'denied' | 'prompt';

export interface SdkBrowserOptions {
  /**
   * PEM file of the connector's CA, trusted the way the browser trusts on Linux: through its own NSS database
   * (Chromium: a private HOME's ~/.pki/nssdb; Firefox: a throwaway profile's cert9.db), never by turning checks
   * off. Without it (and without `home`) the browser trusts nothing of the lab's.
   */
  readonly caCertPath?: string;
  /**
   * A user's HOME whose stores already hold the trust (e.g. after `t1c-lab connector install`), used as they are:
   * Chromium's ~/.pki/nssdb, or the first Firefox profile found there.
   */
  readonly home?: string;
  /** The web application origins pages will be opened on (e.g. https://app.t1c-lab.test). */
  readonly origins: readonly string[];
}

export interface PageOptions {
  /** The user's answer to the browser's Local Network Access question for the origin (default `granted`). */
  readonly localNetwork?: LocalNetworkDecision;
}

/** A tab in a browser context of its own (own cookies and permissions), at an origin or blank. */
export interface SdkPage {
  readonly page: Page;
  close(): Promise<void>;
}

/** How a browser names, in a failed request's error text, the refusals the suites provoke. */
export interface BrowserErrorText {
  /** The connector's certificate chains to a CA the browser's NSS store does not trust. */
  readonly untrustedCertificate: RegExp;
  /** The user blocked the page's calls to this device (Local Network Access). */
  readonly localNetworkDenied: RegExp;
}

/** What is known of a running browser, in a form that passes between processes (the run's browser broker). */
export interface BrowserInfo {
  readonly name: BrowserName;
  /** Product and version, e.g. "Chromium 156.0.8078.129" or "Firefox 153.8.0". */
  readonly version: string;
  /** Where puppeteer connects: a DevTools (Chromium) or WebDriver BiDi (Firefox) WebSocket. */
  readonly wsEndpoint: string;
  /** The origins a web server serves for this browser; any other origin's page is answered by interception. */
  readonly servedOrigins: readonly string[];
  /**
   * Null when pages are served as from a public web site, so the browser's Local Network Access rules apply to
   * their calls to the connector as they do for users; otherwise why they are not.
   */
  readonly publicPagesUnavailable: string | null;
}

export interface SdkBrowser extends BrowserInfo {
  readonly errorText: BrowserErrorText;
  /** A page on `origin` that has loaded the official SDK bundle. */
  openPage(origin: string, options?: PageOptions): Promise<SdkPage>;
  /** A blank page, for tests that bring their own site (nothing served, nothing intercepted). */
  blankPage(): Promise<SdkPage>;
  /** Stops the browser, or leaves it to its owner when it was only connected to. */
  close(): Promise<void>;
}
