import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'puppeteer-core';

/** The connector's public name; browsers map it to 127.0.0.1 as the public DNS does. */
export const CONNECTOR_NAME = 't1c.t1t.io';

let sdkBundle: Promise<Buffer> | null = null;

/** The official SDK's published browser bundle, exactly as npm ships it. */
export function loadSdkBundle(): Promise<Buffer> {
  sdkBundle ??= readFile(createRequire(import.meta.url).resolve('t1c-sdk-js/dist/T1CSdk.js'));
  return sdkBundle;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>t1c-lab SDK page</title>
<script src="/T1CSdk.js"></script></head><body><h1>t1c-lab</h1></body></html>`;

export interface WebResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer | string;
}

/** What the web application serves: the SDK bundle at /T1CSdk.js, its page everywhere else but the favicon. */
export async function webAppResponse(pathname: string): Promise<WebResponse> {
  if (pathname === '/T1CSdk.js') return { status: 200, contentType: 'application/javascript', body: await loadSdkBundle() };
  if (pathname === '/favicon.ico') return { status: 404, contentType: 'text/plain', body: 'not found' };
  return { status: 200, contentType: 'text/html; charset=utf-8', body: PAGE };
}

/** Opens the web application's page and waits until the SDK bundle has run. */
export async function loadWebApp(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => typeof (globalThis as unknown as { T1CSdk?: unknown }).T1CSdk === 'object');
}

/**
 * Serves the web application from request interception: the page's own requests are answered in the browser,
 * everything else (the connector) goes to the network untouched.
 */
export async function interceptWebApp(page: Page, origin: string): Promise<void> {
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.isInterceptResolutionHandled()) return;
    const url = new URL(request.url());
    if (url.origin !== origin) return void request.continue();
    void webAppResponse(url.pathname).then((r) => request.respond({ status: r.status, contentType: r.contentType, body: r.body }));
  });
}
