import { request } from 'node:https';
import { describe, expect, it } from 'vitest';
import { mintWebPki } from './web-ca.js';
import { startWebServer } from './web-server.js';

function get(address: string, port: number, host: string, path: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, path, servername: host, headers: { host: `${host}:${port}` }, ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the web application server', () => {
  it('serves the page and the SDK bundle for its origins only, on an address of its own, under the web CA', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const origins = [`https://app.t1c-lab.test:${port}`, `https://evil.t1c-lab.test:${port}`];
    const pki = await mintWebPki(['app.t1c-lab.test', 'evil.t1c-lab.test']);
    const server = await startWebServer(origins, pki);
    try {
      expect(server.address).toMatch(/^127\.(1\d\d)\.\d+\.\d+$/);
      expect(server.endpoints).toEqual([`${server.address}:${port}`]);
      const page = await get(server.address, port, 'app.t1c-lab.test', '/', pki.caPem);
      expect(page).toMatchObject({ status: 200, body: expect.stringContaining('<script src="/T1CSdk.js">') });
      const bundle = await get(server.address, port, 'evil.t1c-lab.test', '/T1CSdk.js', pki.caPem);
      expect(bundle.status).toBe(200);
      expect(bundle.body).toContain('T1CSdk');
      expect((await get(server.address, port, 'other.t1c-lab.test', '/', pki.caPem).catch((e: Error) => ({ status: 0, body: e.message }))).status, 'a name outside the certificate').not.toBe(200);
    } finally {
      await server.stop();
    }
  });
});
