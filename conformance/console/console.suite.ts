import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { HTTPResponse, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBeidPersona } from '../../fixtures/personas/index.js';
import { labConsole, labRemove, labStatus } from '../../simulators/lab/lab-client.js';
import type { LabState } from '../../simulators/lab/state.js';
import { screenshotDir } from '../certify/screenshots.js';
import type { SdkPage } from '../support/browser/index.js';
import { inEachBrowser } from '../support/in-browsers.js';
import { freeReader } from '../support/fresh-card.js';
import { pinFormsIn } from '../support/pin-forms.js';
import { connectorClient, conformanceTarget } from '../support/target.js';
import { captureEvents, openConsoleSession, type ConsoleSession, type EventCapture } from './console-session.js';

/**
 * The lab console and its demo application in a real browser, against the lab of the run: a card inserted from the
 * console reaches the connector's reader list, the demo reads it and signs through the official SDK, the console
 * shows that APDU trace with the VERIFY data masked, and pulling the card is seen. Then the refusals (another origin,
 * no secret) and the PIN canary over everything the console and the demo served, the event stream included.
 * Screenshots of both pages go to reports/console/ (the certification report links them).
 */
const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());
const PERSONA = 'be-de-adult';
const persona = loadBeidPersona(PERSONA);
const free = freeReader(target);
const why = !target.labDir ? 'the console belongs to the lab, not to a --target' : !free ? 'needs a free reader' : null;
const SHOTS = screenshotDir();

interface ReadersBody {
  readonly data: readonly { readonly id: string; readonly card?: { readonly atr: string } }[];
}

const title = `lab console and demo application [${target.backend}]${why ? ` (skipped: ${why})` : ''}`;
const text = (page: Page, selector: string): Promise<string> => page.$eval(selector, (e) => e.textContent ?? '');
const attribute = (page: Page, selector: string, name: string): Promise<string | null> => page.$eval(selector, (e, n) => e.getAttribute(n), name);

if (why !== null) describe.skip(title, () => it('runs against the lab', () => undefined));
else inEachBrowser(title, (browser) => {
  let lab: LabState;
  let pages: SdkPage[] = [];
  let consolePage: Page;
  let demoPage: Page;
  let consoleSession: ConsoleSession;
  let events: EventCapture;
  let readerId: string;
  const reader = free?.index ?? -1;
  /** Everything the console's and the demo's origins answered the browser (the event stream is captured apart). */
  const served: Promise<string>[] = [];

  const record = (origins: readonly string[]) => (response: HTTPResponse) => {
    const type = response.headers()['content-type'] ?? '';
    if (!origins.includes(new URL(response.url()).origin) || type.startsWith('text/event-stream') || response.status() === 303) return;
    // a body still unread when the browser closes is no longer there (only answers after the canary test)
    served.push(response.buffer().then((b) => b.toString('utf8'), (e: Error) => `(body gone: ${e.message})`));
  };
  const section = `section.reader[data-reader="${reader}"]`;

  beforeAll(async () => {
    lab = await labConsole(target.labDir!);
    expect(lab.console?.demoUrl, 'the lab runs a connector and a DS, so the console has a demo').toBeDefined();
    readerId = lab.readers.find((r) => r.index === reader)!.id!;
    consoleSession = await openConsoleSession(lab.console!.url);
    events = await captureEvents(consoleSession);
    const origins = [new URL(lab.console!.url).origin, new URL(lab.console!.demoUrl!).origin];
    pages = [await browser().blankPage(), await browser().blankPage()];
    [consolePage, demoPage] = pages.map((p) => p.page) as [Page, Page];
    for (const page of [consolePage, demoPage]) page.on('response', record(origins));
    await consolePage.goto(lab.console!.url);
    await consolePage.waitForSelector(section);
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    events?.close();
    for (const p of pages) await p.close();
    served.length = 0;
    if (target.labDir && (await labStatus(target.labDir)).readers.find((r) => r.index === reader)?.card) await labRemove(reader, target.labDir);
  });

  it('inserts a card from the console: the connector lists it in /v3/readers', async () => {
    await consolePage.select(`${section} select[aria-label^="Card profile"]`, 'beid-1.7');
    await consolePage.select(`${section} select[aria-label^="Persona"]`, PERSONA);
    // The console answers once the lab saw the card in the connector (the page shows the card as soon as it is in).
    const answered = consolePage.waitForResponse((r) => r.url().endsWith(`/api/readers/${reader}/insert`));
    await consolePage.click(`${section} button::-p-text(Insert)`);
    expect((await answered).status()).toBe(200);
    await consolePage.waitForSelector(`${section}.has-card ::-p-text(beid-1.7:${PERSONA})`);
    const atr = (await labStatus(target.labDir!)).readers.find((r) => r.index === reader)!.card!.atr;
    const readers = await api.get<ReadersBody>('/v3/readers');
    expect(readers.body.data.find((r) => r.id === readerId)?.card?.atr).toBe(atr);
  });

  it('the demo application reads the identity and signs through the official SDK; the signature verifies in the page', async () => {
    await demoPage.goto(lab.console!.demoUrl!);
    await demoPage.click('#connect');
    await demoPage.waitForSelector('#reader:not([disabled])');
    await demoPage.select('#reader', readerId);
    await demoPage.waitForSelector(`#certificates ::-p-text(${persona.identity.surname})`);
    await demoPage.waitForSelector('#sign:not([disabled])');
    expect(await text(demoPage, '#identity')).toContain(`${persona.identity.firstNames} ${persona.identity.surname}`);
    expect(await attribute(demoPage, '#photo', 'src')).toMatch(/^data:image\/jpeg;base64,\/9j\//);
    await demoPage.type('#pin', persona.pin);
    await demoPage.click('#verify');
    await demoPage.waitForSelector('#pin-result.ok');
    await demoPage.click('#sign');
    await demoPage.waitForSelector('#sign-result[data-verified]');
    expect(await attribute(demoPage, '#sign-result', 'data-verified')).toBe('true');
    expect(await demoPage.$eval('#error', (e) => (e as unknown as { hidden: boolean }).hidden)).toBe(true);
    await demoPage.$eval('#pin', (e) => {
      (e as unknown as { value: string }).value = '';
    });
    await demoPage.screenshot({ path: path.join(SHOTS, `demo-${target.backend}-${browser().name}.png`), fullPage: true });
  });

  it("shows the SDK read's APDU trace, decoded, with the VERIFY PIN block masked", async () => {
    const masked = `0020000108${'2A'.repeat(8)}`;
    await consolePage.select('select[aria-label="Trace of reader"]', String(reader));
    const verify = `tr.apdu[data-reader="${reader}"][data-ins="VERIFY"]`;
    await consolePage.waitForSelector(verify);
    expect(await text(consolePage, verify)).toContain(`> ${masked}`);
    expect(await text(consolePage, verify)).toContain('reference 01, 8 bytes of PIN data (redacted)');
    // the identity file, read by the demo, decoded with the BeID tag names
    await consolePage.waitForSelector(`tr.apdu[data-reader="${reader}"] .fields ::-p-text(SURNAME: ${persona.identity.surname})`);
    await events.waitFor(new RegExp(`"command":"${masked}"`));
    await consolePage.screenshot({ path: path.join(SHOTS, `console-${target.backend}-${browser().name}.png`), fullPage: true });
  });

  it('pulls the card from the console: the connector lists the reader empty and the trace notes the removal', async () => {
    const answered = consolePage.waitForResponse((r) => r.url().endsWith(`/api/readers/${reader}/remove`));
    await consolePage.click(`${section} button::-p-text(Remove card)`);
    expect((await answered).status()).toBe(200);
    await consolePage.waitForSelector(`${section}.empty`);
    const readers = await api.get<ReadersBody>('/v3/readers');
    expect(readers.body.data.find((r) => r.id === readerId)).toBeDefined();
    expect(readers.body.data.find((r) => r.id === readerId)?.card).toBeUndefined();
    await consolePage.waitForSelector(`tr.note[data-reader="${reader}"] ::-p-text(# removed)`);
  });

  it('refuses another origin and a request without the secret, in the browser and on the wire', async () => {
    const consoleOrigin = consoleSession.origin;
    const insert = `${consoleOrigin}/api/readers/${reader}/insert`;
    const body = JSON.stringify({ profile: 'iso-echo', persona: null });
    // no cookie, no secret
    expect((await fetch(`${consoleOrigin}/api/state`)).status).toBe(401);
    expect((await fetch(`${consoleOrigin}/?secret=${'A'.repeat(43)}`, { redirect: 'manual' })).status).toBe(401);
    // the cookie, but another origin, another Host, or no Origin on a change
    const cookie = { cookie: consoleSession.cookie };
    expect((await fetch(insert, { method: 'POST', body, headers: { ...cookie, 'content-type': 'application/json', origin: new URL(lab.console!.demoUrl!).origin } })).status).toBe(403);
    expect((await fetch(insert, { method: 'POST', body, headers: { ...cookie, 'content-type': 'application/json' } })).status).toBe(403);
    const url = new URL('/api/state', consoleOrigin);
    const rebound = await new Promise<number>((resolve, reject) => {
      // a DNS-rebinding page reaches the port under its own name
      http.get({ host: url.hostname, port: url.port, path: url.pathname, headers: { ...cookie, host: `rebind.example:${url.port}` } }, (res) => resolve(res.statusCode ?? 0)).on('error', reject);
    });
    expect(rebound).toBe(403);
    // a page of another site (the web app's origin, which the browser takes for a site on the internet and lets reach
    // this device) reads nothing and changes nothing; the refusals on the wire are the ones above
    const attacker = await browser().openPage(target.allowedOrigin);
    pages.push(attacker);
    const fromElsewhere = await attacker.page.evaluate(
      async ({ insert, body, state }) => {
        const read = await fetch(state, { credentials: 'include' }).then(() => 'read', (e: Error) => `refused: ${e.name}`);
        await fetch(insert, { method: 'POST', mode: 'no-cors', credentials: 'include', body, headers: { 'content-type': 'text/plain' } }).catch(() => undefined);
        const json = await fetch(insert, { method: 'POST', credentials: 'include', body, headers: { 'content-type': 'application/json' } }).then(() => 'sent', (e: Error) => `refused: ${e.name}`);
        return { read, json };
      },
      { insert, body, state: `${consoleOrigin}/api/state` },
    );
    expect(fromElsewhere).toEqual({ read: 'refused: TypeError', json: 'refused: TypeError' });
    expect((await labStatus(target.labDir!)).readers.find((r) => r.index === reader)?.card).toBeNull();
  });

  it('PIN canary: nothing the console or the demo served holds the PIN, the APDU stream included', async () => {
    const texts = await Promise.all(served);
    const state = await fetch(`${consoleSession.origin}/api/state`, { headers: { cookie: consoleSession.cookie } }).then((r) => r.text());
    // it cannot pass on nothing: the stream carried the masked VERIFY, and the pages and their data were served
    expect(events.text()).toMatch(/"name":"VERIFY","detail":"reference 01, 8 bytes of PIN data \(redacted\)"/);
    expect(texts.length).toBeGreaterThan(8);
    expect(events.text()).toContain(`"persona":"${PERSONA}"`);
    expect(state).toContain('"readers"');
    const everything: Record<string, string> = { 'event stream': events.text(), 'pages and API answers': texts.join('\n'), 'state view': state };
    for (const [what, text] of Object.entries(everything)) expect(pinFormsIn(text, [persona.pin]), `${what} contains`).toEqual([]);
  });
});
