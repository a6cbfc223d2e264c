import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labUp } from '../../simulators/lab/lab-client.js';
import type { LabState } from '../../simulators/lab/state.js';
import { certify } from './run.js';

/**
 * Certification must catch a connector that gets one field wrong: a proxy in front of the lab's connector changes
 * the national number in every identity answer, and certifying the proxy must give a red verdict naming that field.
 */
describe('certify against a deliberately broken target', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 't1c-certify-broken-'));
  let state: LabState;
  let proxy: https.Server;
  let proxyUrl: string;

  beforeAll(async () => {
    state = await labUp({ backend: 'embedded', cards: [{ profile: 'beid-1.7', persona: 'be-nl-adult' }], readers: 2, dir: path.join(dir, 'lab'), boundToCaller: true });
    const upstream = new URL(state.connector!.url);
    const tls = path.dirname(state.connector!.caCert);
    const ca = readFileSync(state.connector!.caCert);
    proxy = https.createServer({ cert: readFileSync(path.join(tls, 'server.pem')), key: readFileSync(path.join(tls, 'server-key.pem')) }, (req, res) => {
      const forward = https.request(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host }, ca },
        (up) => {
          const chunks: Buffer[] = [];
          up.on('data', (c: Buffer) => chunks.push(c));
          up.on('end', () => {
            let body = Buffer.concat(chunks);
            if (req.url?.endsWith('/biometric') && up.statusCode === 200) {
              const json = JSON.parse(body.toString('utf8')) as { data: { nationalNumber: string } };
              json.data.nationalNumber = '00000000097';
              body = Buffer.from(JSON.stringify(json));
            }
            const headers = { ...up.headers, 'content-length': String(body.length) };
            res.writeHead(up.statusCode ?? 502, headers);
            res.end(body);
          });
        },
      );
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  }, 240_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    await labDown(path.join(dir, 'lab'));
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('gives a red verdict that names the altered field', async () => {
    const stateFile = path.join(dir, 'target-state.json');
    writeFileSync(stateFile, JSON.stringify(state));
    const { matrix, records } = await certify({
      target: { url: proxyUrl, caCert: state.connector!.caCert, origin: state.cors!.allowedOrigins[0]!, state: stateFile },
      backends: [],
      cards: [{ profile: 'beid-1.7', persona: 'be-nl-adult' }],
      suites: ['beid'],
      quiet: true,
    });
    expect(matrix.verdict).toBe('fail');
    const failed = records.filter((r) => r.outcome === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((r) => r.card === 'beid-1.7')).toBe(true);
    expect(failed.some((r) => /nationalNumber/.test(r.message ?? '') && /00000000097/.test(r.message ?? ''))).toBe(true);
    // Everything the proxy leaves alone still passes: the verdict is red because of that one field.
    expect(records.filter((r) => r.outcome === 'passed').length).toBeGreaterThan(failed.length);
  }, 240_000);
});
