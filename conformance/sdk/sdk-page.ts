import type { Page } from 'puppeteer-core';

/** What a call through the SDK in the page gave: the resolved value, or the SDK's exception. */
export type SdkResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: { readonly code?: string | number | undefined; readonly description?: string | undefined } };

/**
 * Initialises the official SDK in the page against the connector, as a web application does:
 * `new T1CConfigOptions(url, port, proxyUrl, proxyPort, jwt, appDomain)` then `T1CClient.initialize`. `jwt` is the
 * DS token the app's back end fetched (`targetJwt(target)`); without one the SDK sends no Authorization header.
 */
export async function initializeSdk(page: Page, url: string, port: number, jwt?: string): Promise<SdkResult<{ version: string }>> {
  return page.evaluate(
    async ({ url, port, jwt }): Promise<SdkResult<{ version: string }>> => {
      const sdk = (globalThis as unknown as { T1CSdk: Record<string, new (...a: unknown[]) => unknown> & { T1CClient: { initialize(c: unknown): Promise<unknown> } } }).T1CSdk;
      try {
        const options = new sdk['T1CConfigOptions']!(url, String(port), undefined, undefined, jwt, 'app.t1c-lab.test');
        const config = new sdk['T1CConfig']!(options);
        const client = (await sdk.T1CClient.initialize(config)) as { config(): { version: string } };
        (globalThis as unknown as { t1c: unknown }).t1c = client;
        return { ok: true as const, value: { version: String(client.config().version) } };
      } catch (e) {
        const err = e as { code?: string | number; description?: string };
        return { ok: false as const, error: { code: err.code, description: err.description } };
      }
    },
    { url, port, jwt },
  );
}

/**
 * Calls `client.<accessor>(readerId?).<method>(...args)` in the page — e.g. `('beid', rid, 'biometric', [])` or
 * `('core', null, 'readers', [])` — and returns what the SDK resolved with (the whole body) or its exception.
 */
export async function sdkCall<T = unknown>(page: Page, accessor: string, readerId: string | null, method: string, args: readonly unknown[] = []): Promise<SdkResult<T>> {
  return page.evaluate(
    async ({ accessor, readerId, method, args }): Promise<SdkResult<T>> => {
      const client = (globalThis as unknown as { t1c: Record<string, (...a: unknown[]) => Record<string, (...a: unknown[]) => Promise<unknown>>> }).t1c;
      try {
        const target = readerId === null ? client[accessor]!() : client[accessor]!(readerId);
        const value = await target[method]!(...args);
        return { ok: true as const, value: value as T };
      } catch (e) {
        const err = e as { code?: string | number; description?: string };
        return { ok: false as const, error: { code: err.code, description: err.description } };
      }
    },
    { accessor, readerId, method, args: [...args] },
  );
}
