import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const run = promisify(execFile);
export const CHROMIUM_PATH = process.env['T1C_LAB_CHROMIUM'] ?? '/usr/bin/chromium';
export const CONNECTOR_NAME = 't1c.t1t.io';

export interface SdkBrowserOptions {
  /** PEM of the connector's CA: trusted through a private NSS database, never by turning checks off. */
  readonly caCertPath?: string;
  /**
   * A user's HOME whose NSS database (~/.pki/nssdb) already holds the trust (e.g. put there by
   * `t1c-lab connector install`): used as it is, nothing added, nothing removed. Default: a private HOME trusting
   * `caCertPath`.
   */
  readonly home?: string;
  /** The web application's origin the page is served from, e.g. https://app.t1c-lab.test. */
  readonly origin: string;
  /** Grant Local Network Access for the origin, as a user would when the browser asks (default true). */
  readonly grantLocalNetworkAccess?: boolean;
}

export interface SdkBrowser {
  readonly page: Page;
  readonly context: BrowserContext;
  close(): Promise<void>;
}

let sdkBundle: Promise<Buffer> | null = null;

/** The official SDK's published browser bundle, exactly as npm ships it. */
export function loadSdkBundle(): Promise<Buffer> {
  sdkBundle ??= readFile(createRequire(import.meta.url).resolve('t1c-sdk-js/dist/T1CSdk.js'));
  return sdkBundle;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>t1c-lab SDK page</title>
<script src="/T1CSdk.js"></script></head><body><h1>t1c-lab</h1></body></html>`;

/**
 * Debian's Chromium, headless, with a private HOME whose NSS database trusts the lab CA, t1c.t1t.io mapped to
 * 127.0.0.1 by a host-resolver rule, and a page on `origin` that loads the official SDK bundle.
 */
export async function openSdkBrowser(options: SdkBrowserOptions): Promise<SdkBrowser> {
  const ownHome = options.home === undefined;
  const home = options.home ?? (await mkdtemp(path.join(tmpdir(), 't1c-lab-chromium-')));
  const removeHome = (): Promise<void> => (ownHome ? rm(home, { recursive: true, force: true }) : Promise.resolve());
  const nssdb = path.join(home, '.pki', 'nssdb');
  let browser: Browser | null = null;
  try {
    if (ownHome) {
      if (options.caCertPath === undefined) throw new Error('openSdkBrowser: give caCertPath or a home that trusts the CA');
      await run('mkdir', ['-p', nssdb]);
      await run('certutil', ['-d', `sql:${nssdb}`, '-N', '--empty-password']);
      await run('certutil', ['-d', `sql:${nssdb}`, '-A', '-t', 'C,,', '-n', 't1c-lab-ca', '-i', options.caCertPath]);
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      env: { ...process.env, HOME: home },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
        `--host-resolver-rules=MAP ${CONNECTOR_NAME} 127.0.0.1`,
      ],
    });
    const context = await browser.newContext();
    if (options.grantLocalNetworkAccess ?? true) await context.grantPermissions(['local-network-access'], { origin: options.origin });
    const bundle = await loadSdkBundle();
    await context.route(`${options.origin}/**`, async (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/T1CSdk.js') return route.fulfill({ status: 200, contentType: 'application/javascript', body: bundle });
      return route.fulfill({ status: 200, contentType: 'text/html', body: PAGE });
    });
    const page = await context.newPage();
    await page.goto(`${options.origin}/`);
    await page.waitForFunction(() => typeof (globalThis as unknown as { T1CSdk?: unknown }).T1CSdk === 'object');
    const opened = browser;
    return {
      page,
      context,
      async close() {
        await opened.close();
        await removeHome();
      },
    };
  } catch (e) {
    await browser?.close();
    await removeHome();
    throw e;
  }
}
