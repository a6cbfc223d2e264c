import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCa, issueServerCertificate } from '../../connector/tls/index.js';
import { addNssCa, chromiumNssDb, ensureNssDb } from '../../installer/trust/nss.js';
import { testContext } from '../test-support.js';
import { checkBrowserStores } from './browser-stores.js';
import { checkConnectorInfo } from './connector-info.js';
import { checkConnectorReachable } from './connector-reachable.js';
import { checkConnectorTls } from './connector-tls.js';

const DAY = 86_400_000;
const now = new Date();

/** An HTTPS server on a free loopback port with the given certificate, answering every request with `body`. */
async function serve(cert: { certPem: string; keyPem: string }, body: unknown): Promise<{ url: string; server: Server }> {
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

let caPem: string;
let otherCaPem: string;
let good: { url: string; server: Server };
let expired: { url: string; server: Server };
let wrongName: { url: string; server: Server };

beforeAll(async () => {
  const ca = await createLocalCa(now, new Date(now.getTime() + 30 * DAY));
  caPem = ca.certificate.toString('pem');
  otherCaPem = (await createLocalCa(now, new Date(now.getTime() + 30 * DAY))).certificate.toString('pem');
  const leaf = await issueServerCertificate(ca, { dnsNames: ['t1c.t1t.io', 'localhost'], ips: ['127.0.0.1'], now, notAfter: new Date(now.getTime() + 30 * DAY) });
  const old = await issueServerCertificate(ca, { dnsNames: ['t1c.t1t.io'], ips: ['127.0.0.1'], now: new Date(now.getTime() - 10 * DAY), notAfter: new Date(now.getTime() - DAY) });
  const localhostOnly = await issueServerCertificate(ca, { dnsNames: ['localhost'], ips: [], now, notAfter: new Date(now.getTime() + 30 * DAY) });
  good = await serve(leaf, { hello: 'not a connector' });
  expired = await serve(old, {});
  wrongName = await serve(localhostOnly, {});
});
afterAll(async () => {
  for (const s of [good, expired, wrongName]) await new Promise((r) => s.server.close(r));
});

const trusting = (pem: string) => ({ pem, source: 'ca.pem' });

describe('the connector: port, certificate, /info', () => {
  it('a closed port is a problem with the way to start the connector; a listening one is ok', async () => {
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const r = await checkConnectorReachable(testContext({ connectorUrl: `https://127.0.0.1:${port}` }));
    expect(r).toMatchObject({ status: 'problem', detail: expect.stringContaining('not running'), fix: expect.stringContaining('t1c-lab connector') });
    expect((await checkConnectorReachable(testContext({ connectorUrl: good.url }))).status).toBe('ok');
    expect((await checkConnectorTls(testContext({ connectorUrl: `https://127.0.0.1:${port}` }))).status).toBe('n/a');
  });

  it('TLS-04: a certificate the system store does not trust is a problem whose fix installs the CA', async () => {
    const r = await checkConnectorTls(testContext({ connectorUrl: good.url }));
    expect(r.status).toBe('problem');
    expect(r.detail).toMatch(/not trusted by (the system store|Node's default CAs)/);
    expect(r.fix).toContain('t1c-lab connector install');
    const wrongCa = await checkConnectorTls(testContext({ connectorUrl: good.url, ca: trusting(otherCaPem) }));
    expect(wrongCa).toMatchObject({ status: 'problem', fix: expect.stringContaining('ca.pem is the CA of this connector') });
  });

  it('is ok with the connector CA given, valid for t1c.t1t.io, and keeps the CA for the browser check', async () => {
    const ctx = testContext({ connectorUrl: good.url, ca: trusting(caPem) });
    const r = await checkConnectorTls(ctx);
    expect(r).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^valid for t1c\.t1t\.io, issued by t1c-lab connector local CA.*trusted by ca\.pem$/) });
    expect(ctx.facts.connectorCaPem?.replace(/\s/g, '')).toBe(caPem.replace(/\s/g, ''));
  });

  it('an expired certificate and one not valid for the name are problems of their own', async () => {
    expect(await checkConnectorTls(testContext({ connectorUrl: expired.url, ca: trusting(caPem) }))).toMatchObject({ status: 'problem', detail: 'the certificate has expired' });
    const r = await checkConnectorTls(testContext({ connectorUrl: wrongName.url, ca: trusting(caPem) }));
    expect(r).toMatchObject({ status: 'problem', detail: expect.stringContaining('not valid for t1c.t1t.io') });
  });

  it('something else answering on the port is a problem; /info is not asked over untrusted TLS', async () => {
    const ctx = testContext({ connectorUrl: good.url, ca: trusting(caPem) });
    expect(await checkConnectorInfo(ctx)).toMatchObject({ status: 'problem', detail: expect.stringContaining('another program answers') });
    expect(ctx.facts.info).toBeNull();
    expect((await checkConnectorInfo(testContext({ connectorUrl: good.url }))).status).toBe('n/a');
  });
});

describe('browser certificate stores', () => {
  it("checks the user's Chromium NSS database for the connector CA: missing is a warning with the certutil line, present is ok", async () => {
    const home = mkdtempSync(path.join(tmpdir(), 't1c-doctor-home-'));
    const ctx = testContext({ home });
    ctx.facts.connectorCaPem = caPem;
    expect((await checkBrowserStores(ctx)).status).toBe('n/a'); // no browser database yet
    const db = chromiumNssDb(home);
    await ensureNssDb(db);
    const missing = await checkBrowserStores(ctx);
    expect(missing).toMatchObject({ status: 'warning', detail: expect.stringContaining(`Chromium/Chrome (${db})`), fix: expect.stringContaining('certutil -d sql:DB -A -t C,,') });
    const caFile = path.join(home, 'ca.pem');
    writeFileSync(caFile, otherCaPem);
    await addNssCa(db, 'another-ca', caFile);
    expect((await checkBrowserStores(ctx)).status).toBe('warning'); // another CA does not count
    writeFileSync(caFile, caPem);
    await addNssCa(db, 't1c-test', caFile);
    expect(await checkBrowserStores(ctx)).toMatchObject({ status: 'ok', detail: expect.stringMatching(new RegExp(`trusted in Chromium/Chrome \\(${db}\\) \\(not checked: snap and flatpak`)) });

    // a Firefox profile where Firefox 147 and later makes them, before its first run: no database, so no CA
    const profiles = path.join(home, '.config', 'mozilla', 'firefox');
    mkdirSync(path.join(profiles, 'ab12.default-esr'), { recursive: true });
    writeFileSync(path.join(profiles, 'profiles.ini'), '[Profile0]\nName=default-esr\nIsRelative=1\nPath=ab12.default-esr\n');
    const firefox = path.join(profiles, 'ab12.default-esr');
    expect(await checkBrowserStores(ctx)).toMatchObject({ status: 'warning', detail: expect.stringContaining(`the connector CA is not in Firefox (${firefox})`), fix: expect.stringContaining(firefox) });
    await ensureNssDb(firefox);
    await addNssCa(firefox, 't1c-test', caFile);
    expect(await checkBrowserStores(ctx)).toMatchObject({ status: 'ok', detail: expect.stringContaining(`Firefox (${firefox})`) });
  });
});
