import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCa, issueServerCertificate } from '../../connector/tls/index.js';
import { startDs, type RunningDs } from '../../simulators/ds/index.js';
import { testContext } from '../test-support.js';
import type { CheckResult } from '../types.js';
import { checkDs, checkToken, clockSkewSeconds } from './ds.js';

const APP = { name: 'doctor-app', origins: ['https://app.t1c-lab.test'] };
let offsetMs = 0;
let ds: RunningDs;

beforeAll(async () => {
  // The DS simulator's clock is `now`: its Date header and its tokens follow it.
  ds = await startDs({ applications: [APP], now: () => Date.now() + offsetMs });
});
afterAll(() => ds.stop());

const byId = (results: CheckResult[], id: string) => results.find((r) => r.id === id);

describe('Distribution Service', () => {
  it('is reachable (plain HTTP accepted on loopback only) and its clock agrees', async () => {
    offsetMs = 0;
    const results = await checkDs(testContext({ dsUrl: ds.url }));
    expect(byId(results, 'ds.reachable')).toMatchObject({ status: 'ok', detail: expect.stringContaining('plain HTTP on loopback') });
    expect(byId(results, 'ds.clock')).toMatchObject({ status: 'ok' });
  });

  it('a stopped DS is a problem with the firewall/proxy fix; the clock is then not measured', async () => {
    const stopped = await startDs({ applications: [APP] });
    await stopped.stop();
    const results = await checkDs(testContext({ dsUrl: stopped.url }));
    expect(byId(results, 'ds.reachable')).toMatchObject({ status: 'problem', detail: expect.stringContaining('ECONNREFUSED'), fix: expect.stringContaining(stopped.url) });
    expect(byId(results, 'ds.clock')?.status).toBe('n/a');
    const token = await checkToken(testContext({ dsUrl: stopped.url, apiKey: 'k' }));
    expect(token.status).toBe('n/a');
  });

  it('a DS over HTTPS whose certificate the system store does not trust (a TLS-inspecting proxy) is a problem', async () => {
    const now = new Date();
    const notAfter = new Date(now.getTime() + 86_400_000);
    const leaf = await issueServerCertificate(await createLocalCa(now, notAfter), { dnsNames: ['localhost'], ips: ['127.0.0.1'], now, notAfter });
    const server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const reachable = byId(await checkDs(testContext({ dsUrl: url })), 'ds.reachable');
      expect(reachable).toMatchObject({ status: 'problem', fix: expect.stringContaining('TLS-inspecting proxy must be bypassed for 127.0.0.1') });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a DS clock 90 s off is a problem (JWT leeway), 40 s a warning, both with the NTP fix', async () => {
    offsetMs = 90_000;
    const far = byId(await checkDs(testContext({ dsUrl: ds.url })), 'ds.clock');
    expect(far).toMatchObject({ status: 'problem', detail: expect.stringMatching(/^this clock is (89|90|91) s behind the DS's: tokens will look not yet valid/), fix: expect.stringContaining('timedatectl set-ntp true') });
    offsetMs = -40_000;
    const near = byId(await checkDs(testContext({ dsUrl: ds.url })), 'ds.clock');
    expect(near).toMatchObject({ status: 'warning', detail: expect.stringMatching(/^this clock is (39|40|41) s ahead of the DS's/) });
    offsetMs = 0;
  });

  it('a DS without a Date header gives no skew', () => {
    expect(clockSkewSeconds({ headers: {}, sentAt: 0, receivedAt: 0 })).toBeNull();
    expect(clockSkewSeconds({ headers: { date: new Date(10_000).toUTCString() }, sentAt: 69_000, receivedAt: 71_000 })).toBe(60);
  });

  it('exchanges the API key for a token and never prints the key; a revoked or unknown key is a problem', async () => {
    const apiKey = ds.applications[0]!.apiKey;
    const ctx = testContext({ dsUrl: ds.url, apiKey });
    const ok = await checkToken(ctx);
    expect(ok).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^the API key gets a token, valid 20 min more$/) });
    expect(ctx.facts.token).toMatch(/^ey/);
    expect(JSON.stringify(ok)).not.toContain(apiKey);
    const refused = await checkToken(testContext({ dsUrl: ds.url, apiKey: `${apiKey}x` }));
    expect(refused).toMatchObject({ status: 'problem', detail: expect.stringContaining('refused the API key (401)'), fix: expect.stringContaining('valid API key') });
    expect(JSON.stringify(refused)).not.toContain(apiKey);
    expect((await checkToken(testContext({ dsUrl: ds.url }))).status).toBe('n/a');
    // 192.0.2.1 is TEST-NET-1: nothing is sent there, the rule refuses before any request
    expect(await checkToken(testContext({ dsUrl: 'http://192.0.2.1:8080', apiKey }))).toMatchObject({ status: 'problem', detail: expect.stringContaining('clear text') });
  });
});
