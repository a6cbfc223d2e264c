import { expect, it, describe, beforeAll, afterAll } from 'vitest';
import { launchSdkBrowser, type SdkPage } from '../support/browser/index.js';
import { itIfCapable } from '../support/capabilities.js';
import { inEachBrowser } from '../support/in-browsers.js';
import { conformanceTarget, placedCards, targetJwt } from '../support/target.js';
import { initializeSdk, sdkCall } from './sdk-page.js';
import { SDK_SCENARIOS, SDK_TOKEN_SCENARIOS } from './scenarios/index.js';
import { value, type Body } from './scenarios/types.js';

/**
 * The official SDK (t1c-sdk-js, its published browser bundle) in each browser, as a web application on the
 * connector's allow-list uses it: the browser trusts the connector through its own NSS store, the user has
 * allowed the page's calls to this device, and every card scenario runs against every card it is for, every token
 * scenario against every PKCS#11 token.
 */
const target = conformanceTarget();
const port = Number(new URL(target.url).port);
const CONNECTOR = 'https://t1c.t1t.io';
inEachBrowser(`official SDK [${target.backend}]`, (browser) => {
  let app: SdkPage;

  beforeAll(async () => {
    app = await browser().openPage(target.allowedOrigin);
    value(await initializeSdk(app.page, CONNECTOR, port, await targetJwt(target)));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('initializes against the connector on t1c.t1t.io and lists the readers with their cards', async () => {
    const init = value(await initializeSdk(app.page, CONNECTOR, port, await targetJwt(target)));
    expect(init.version).toMatch(/^3\.\d+\.\d+/);
    const readers = value(await sdkCall<Body<{ id: string; card?: { atr: string; modules: string[] } }[]>>(app.page, 'core', null, 'readersCardAvailable'));
    for (const card of placedCards(target)) expect(readers.data.find((r) => r.id === card.reader.id)?.card?.atr).toBe(card.atr);
  });

  it('LNA-01: a page whose calls to this device the user blocked fails in the SDK (112999), the browser naming its Local Network Access refusal', async ({ skip }) => {
    if (browser().publicPagesUnavailable) skip(browser().publicPagesUnavailable!);
    const blocked = await browser().openPage(target.allowedOrigin, { localNetwork: 'denied' });
    const failures: string[] = [];
    blocked.page.on('requestfailed', (r) => failures.push(r.failure()?.errorText ?? ''));
    try {
      const init = await initializeSdk(blocked.page, CONNECTOR, port, await targetJwt(target));
      expect(init.ok).toBe(false);
      if (!init.ok) expect(String(init.error.code)).toBe('112999');
      expect(failures.length, 'the browser refused the call to the connector').toBeGreaterThan(0);
      for (const f of failures) expect(f).toMatch(browser().errorText.localNetworkDenied);
    } finally {
      await blocked.close();
    }
  });

  it('a browser whose NSS store lacks the connector CA refuses the connector (its NSS error), and the SDK reports 112999', async () => {
    const untrusting = await launchSdkBrowser(browser().name, { origins: [target.allowedOrigin] });
    try {
      const page = await untrusting.openPage(target.allowedOrigin);
      const failures: string[] = [];
      page.page.on('requestfailed', (r) => failures.push(r.failure()?.errorText ?? ''));
      const init = await initializeSdk(page.page, CONNECTOR, port, await targetJwt(target));
      expect(init.ok).toBe(false);
      if (!init.ok) expect(String(init.error.code)).toBe('112999');
      // Firefox also reports the request behind the failed preflight, as a CORS failure (NS_ERROR_DOM_BAD_URI)
      expect(failures.filter((f) => untrusting.errorText.untrustedCertificate.test(f)), `the browser's errors: ${failures.join('; ')}`).not.toEqual([]);
    } finally {
      await untrusting.close();
    }
  });

  for (const card of placedCards(target)) {
    const scenarios = SDK_SCENARIOS.filter((s) => s.for(card.profile));
    if (scenarios.length === 0) continue;
    describe(`${card.profile}:${card.persona}`, () => {
      for (const scenario of scenarios) {
        const needs = typeof scenario.needs === 'function' ? scenario.needs(card) : (scenario.needs ?? []);
        const reason = scenario.skip?.(card) ?? null;
        if (reason) it.skip(`${scenario.title} (skipped: ${reason})`, () => undefined);
        else itIfCapable(card.profile, needs)(scenario.title, () => scenario.run({ page: app.page, card }));
      }
    });
  }

  for (const token of (target.state?.tokens ?? []).flatMap((t) => (t.id ? [{ ...t, id: t.id }] : []))) {
    describe(`pkcs11 ${token.label}`, () => {
      for (const scenario of SDK_TOKEN_SCENARIOS) it(scenario.title, () => scenario.run({ page: app.page, token }));
    });
  }
});
