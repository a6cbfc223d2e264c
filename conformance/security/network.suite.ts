import 'reflect-metadata';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { AsnConvert } from '@peculiar/asn1-schema';
import { NameConstraints } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { afterAll, describe, expect } from 'vitest';
import { rawRequest } from '../cors/raw-request.js';
import { checkItem } from '../support/refusal.js';
import { connectorClient, conformanceTarget } from '../support/target.js';

/**
 * security-checklist NET-01, NET-02, NET-05, TLS-02 and TLS-06 against the target: loopback-only listener, Host
 * allow-list before routing (DNS rebinding), no endpoint that launches or updates anything, a name-constrained
 * local CA whose key is not kept, TLS 1.2+ with AEAD ciphers.
 */
const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());
const url = new URL(target.url);
const port = Number(url.port);
const DAY_MS = 86_400_000;

function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((i) => i !== undefined && !i.internal && i.family === 'IPv4')
    .map((i) => i!.address);
}

function tryConnect(host: string): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

const get = (path: string, host: string | null, extra: string[] = []): Promise<{ status: number; head: string }> =>
  rawRequest(target.url, target.caCert, [`GET ${path} HTTP/1.1`, ...(host === null ? [] : [`Host: ${host}`]), 'Connection: close', ...extra]);

describe(`network and TLS [${target.backend}]`, () => {
  checkItem('NET-01', 'the listener binds loopback only: the LAN address refuses the connection', lanAddresses().length === 0 ? 'this machine has no non-loopback IPv4 address' : null, async () => {
    expect(['127.0.0.1', '[::1]', 'localhost', 't1c.t1t.io']).toContain(url.hostname);
    expect(await tryConnect('127.0.0.1')).toBe('connected');
    for (const address of lanAddresses()) expect(await tryConnect(address), address).not.toBe('connected');
  });

  checkItem('NET-02', 'a foreign, rebinding, wrong-port, empty or trailing-dot Host gets 403/421 before routing, also in absolute form', null, async () => {
    for (const host of [`t1c.t1t.io:${port}`, `localhost:${port}`, `127.0.0.1:${port}`]) expect((await get('/info', host)).status, host).toBe(200);
    const refused = [
      ['evil.example', '/info'],
      [`evil.example:${port}`, '/info'],
      [`127.0.0.1.nip.io:${port}`, '/info'],
      [`t1c.t1t.io:${port + 1}`, '/info'],
      ['t1c.t1t.io', '/info'],
      ['', '/info'],
      [`t1c.t1t.io.:${port}`, '/info'],
      [`localhost.:${port}`, '/info'],
      [`user@127.0.0.1:${port}`, '/info'],
      ['evil.example', '/no-such-route'],
      ['evil.example', '/v3/readers'],
    ] as const;
    for (const [host, p] of refused) expect([403, 421], `Host "${host}" ${p}`).toContain((await get(p, host)).status);
    for (const [target, host] of [
      ['https://evil.example/info', `127.0.0.1:${port}`],
      [`https://evil.example:${port}/info`, `127.0.0.1:${port}`],
      [`https://127.0.0.1:${port}/info`, 'evil.example'],
    ] as const) {
      expect([403, 421], `absolute-form ${target} with Host ${host}`).toContain((await get(target, host)).status);
    }
    expect((await get(`https://127.0.0.1:${port}/info`, `127.0.0.1:${port}`)).status, 'absolute form naming us').toBe(200);
  });

  checkItem('NET-05', 'no endpoint launches processes or URLs, installs, updates or shuts down', null, async () => {
    const paths = ['/exec', '/v3/exec', '/command', '/v3/command', '/shell', '/launch', '/v3/launch', '/open', '/v3/open-url', '/update', '/v3/update', '/upgrade', '/install', '/v3/install', '/shutdown', '/v3/shutdown', '/restart', '/admin', '/v3/admin', '/debug', '/eval', '/v3/plugins', '/v3/system/exec', '/v3/modules/remoteloading/apps/exec', '/ds/update', '/logs/push/../../exec'];
    for (const p of paths) {
      for (const method of ['GET', 'POST']) {
        const res = await api.request(p, { method, origin: target.allowedOrigin, ...(method === 'POST' ? { body: { cmd: 'id', url: 'https://evil.example' } } : {}) });
        expect([400, 404, 405], `${method} ${p}: ${res.status}`).toContain(res.status); // 400: an unknown module
      }
    }
    const modules = (await api.get<{ t1CInfoAPI: { modules: string[] } }>('/info', { token: null })).body.t1CInfoAPI.modules;
    for (const m of modules) expect(m).not.toMatch(/exec|launch|update|install|remote|shell/i);
  });

  checkItem('TLS-02', 'the local CA has critical name constraints permitting only the loopback names; the leaf lives at most 2 years', null, async () => {
    const ca = new x509.X509Certificate(readFileSync(target.caCert));
    expect(ca.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(true);
    const nc = ca.extensions.find((e) => e.type === '2.5.29.30');
    expect(nc, 'a nameConstraints extension').toBeDefined();
    expect(nc!.critical).toBe(true);
    const constraints = AsnConvert.parse(nc!.value, NameConstraints);
    const permitted = (constraints.permittedSubtrees ?? []).map((s) => JSON.stringify(s.base));
    expect(permitted.length).toBeGreaterThan(0);
    const loopback = new Set(['{"dNSName":"t1c.t1t.io"}', '{"dNSName":"localhost"}', '{"iPAddress":"127.0.0.1/32"}', '{"iPAddress":"::1/128"}']);
    for (const p of permitted) expect(loopback.has(p), `permitted ${p}`).toBe(true);
    const leaf = await peerCertificate();
    const days = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / DAY_MS;
    expect(days).toBeLessThanOrEqual(731);
    expect(leaf.checkIssued(new X509Certificate(readFileSync(target.caCert)))).toBe(true);
  });

  checkItem('TLS-02', "the CA's private key is not kept: the connector's data directory holds the leaf key and no key of the CA", target.labDir ? null : "needs the lab: a --target's disk is not ours to read", async () => {
    const dataDir = path.join(target.labDir!, 'connector', 'data');
    const caKey = new X509Certificate(readFileSync(target.caCert)).publicKey.export({ type: 'spki', format: 'der' });
    const leafKey = (await peerCertificate()).publicKey.export({ type: 'spki', format: 'der' });
    const found = privateKeysUnder(dataDir);
    expect(found.some((k) => k.equals(leafKey)), 'the leaf key is found (the scan sees keys)').toBe(true);
    expect(found.some((k) => k.equals(caKey)), "a copy of the CA's key").toBe(false);
  });

  checkItem('TLS-06', 'TLS 1.0 and 1.1 are refused; TLS 1.2 negotiates an AEAD cipher', null, async () => {
    for (const version of ['TLSv1', 'TLSv1.1'] as const) expect(await handshake({ minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' }), version).toBe('refused');
    const tls12 = await handshake({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
    expect(tls12).toMatch(/GCM|CHACHA20/);
  });
});

function peerCertificate(): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: url.hostname, port, ca: readFileSync(target.caCert) }, () => {
      const raw = socket.getPeerX509Certificate();
      socket.destroy();
      if (raw) resolve(raw);
      else reject(new Error('no peer certificate'));
    });
    socket.on('error', reject);
  });
}

function handshake(options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: url.hostname, port, ca: readFileSync(target.caCert), ...options }, () => {
      const cipher = socket.getCipher().name;
      socket.destroy();
      resolve(cipher);
    });
    socket.on('error', () => resolve('refused'));
  });
}

/** Every private key stored under `dir` (PEM, or DER PKCS#8/PKCS#1), as the DER of its public key. */
function privateKeysUnder(dir: string): Buffer[] {
  const out: Buffer[] = [];
  const walk = (d: string): void => {
    for (const name of existsSync(d) ? readdirSync(d) : []) {
      const file = path.join(d, name);
      if (statSync(file).isDirectory()) walk(file);
      else {
        const bytes = readFileSync(file);
        const pems = bytes.toString('latin1').match(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g) ?? [];
        const candidates: Array<Parameters<typeof createPrivateKey>[0]> = [...pems, { key: bytes, format: 'der', type: 'pkcs8' }, { key: bytes, format: 'der', type: 'pkcs1' }, { key: bytes, format: 'der', type: 'sec1' }];
        for (const candidate of candidates) {
          try {
            out.push(createPublicKey(createPrivateKey(candidate)).export({ type: 'spki', format: 'der' }));
          } catch {
            // not a private key in that form
          }
        }
      }
    }
  };
  walk(dir);
  return out;
}
