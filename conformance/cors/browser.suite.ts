import { afterAll, beforeAll, expect } from 'vitest';
import { initializeSdk, sdkCall } from '../sdk/sdk-page.js';
import { apdusDuring, beidBase, witnessUnavailable } from '../support/apdu-witness.js';
import type { SdkPage } from '../support/browser/index.js';
import { labDsAdmin } from '../support/ds.js';
import { inEachBrowser } from '../support/in-browsers.js';
import { checkItem } from '../support/refusal.js';
import { conformanceTarget, targetJwt } from '../support/target.js';

/**
 * The allow-list and the token seen from real browsers (Local Network Access allowed for both pages, so the
 * browser's own block hides nothing): a page on a disallowed origin is refused by the server and no APDU reaches
 * the card; a page on an allowed origin with a valid token works; an expired token fails in the official SDK as
 * 112999 "Unauthorized" (how SDK 3.6.1 reports any 401).
 */
const target = conformanceTarget();
const port = Number(new URL(target.url).port);
const CONNECTOR = 'https://t1c.t1t.io';
const admin = labDsAdmin(target.labDir);
const noDs = target.ds ? null : "needs the target's DS for a token";

interface Seen {
  readonly url: string;
  readonly method: string;
  readonly status: number;
}

inEachBrowser(`CORS and tokens [${target.backend}]`, (browser) => {
  let allowed: SdkPage;

  beforeAll(async () => {
    allowed = await browser().openPage(target.allowedOrigin);
  });
  afterAll(async () => {
    await allowed?.close();
  });

  checkItem('CORS-02', 'a page on a disallowed origin is refused by the server (403) and no APDU reaches the card', noDs ?? witnessUnavailable(target), async () => {
    const foreign = await browser().openPage(target.foreignOrigin);
    const seen: Seen[] = [];
    foreign.page.on('response', (r) => seen.push({ url: r.url(), method: r.request().method(), status: r.status() }));
    try {
      const jwt = await targetJwt(target);
      const idle = await apdusDuring(target, async () => undefined);
      const refused = await apdusDuring(target, async (rid) => {
        const init = await initializeSdk(foreign.page, CONNECTOR, port, jwt);
        expect(init.ok, 'the SDK cannot initialise from a disallowed origin').toBe(false);
        const outcome = await foreign.page.evaluate(
          async ({ base, jwt }) => {
            // A "simple" request: no preflight, so only the server can stop it. Its answer is opaque to the page.
            const simple = await fetch(`${base}/sign`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"algorithm":"sha256","data":"","pin":"1234"}' });
            let read = 'read';
            try {
              await fetch(`${base}/biometric`, { headers: { authorization: `Bearer ${jwt}` } });
            } catch {
              read = 'blocked';
            }
            return { simpleType: simple.type, read };
          },
          { base: `${CONNECTOR}:${port}${beidBase(rid)}`, jwt: jwt ?? '' },
        );
        expect(outcome).toEqual({ simpleType: 'opaque', read: 'blocked' });
        const sign = seen.find((s) => s.method === 'POST' && s.url.endsWith(`${beidBase(rid)}/sign`));
        expect(sign?.status, 'the server answered the simple POST').toBe(403);
      });
      expect(refused, 'APDUs while a foreign page called').toBe(idle);
    } finally {
      await foreign.close();
    }
  }, 120_000);

  checkItem('CORS-01', 'a page on an allowed origin with a valid token lists the readers through the SDK', noDs, async () => {
    const init = await initializeSdk(allowed.page, CONNECTOR, port, await targetJwt(target));
    expect(init.ok, JSON.stringify(init)).toBe(true);
    const readers = await sdkCall<{ data: { id: string }[] }>(allowed.page, 'core', null, 'readers');
    expect(readers.ok, JSON.stringify(readers)).toBe(true);
    if (readers.ok) expect(readers.value.data.length).toBeGreaterThan(0);
  });

  checkItem('JWT-05', 'an expired token fails in the SDK as 112999 "Unauthorized"', noDs ?? (admin ? null : 'needs the lab DS to mint an expired token'), async () => {
    const expired = await admin!.token(target.ds!.apiKey, { atOffsetSeconds: -2 * 3600 });
    const init = await initializeSdk(allowed.page, CONNECTOR, port, expired);
    expect(init.ok, 'initialize only reads the public /info and /device-key').toBe(true);
    const readers = await sdkCall(allowed.page, 'core', null, 'readers');
    expect(readers.ok).toBe(false);
    if (!readers.ok) expect({ code: String(readers.error.code), description: readers.error.description }).toEqual({ code: '112999', description: 'Unauthorized' });
  });
});
