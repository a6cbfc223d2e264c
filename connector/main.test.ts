import 'reflect-metadata';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { networkInterfaces, tmpdir } from 'node:os';
import net from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import tls from 'node:tls';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type ConnectorConfig } from './config/index.js';
import { EXIT, PortInUseError, runConnector, startConnector, type RunningConnector } from './main.js';
import { NAME_CONSTRAINTS_OID } from './tls/index.js';

const ORIGIN = 'https://app.example.org';
let dir: string;
let running: RunningConnector;
let ca: string;

const flags = (dataDir: string, extra: string[] = []) => ['--port', '0', '--data-dir', dataDir, '--auth', 'none', '--backend', 'embedded', '--embedded-port', '0', '--allowed-origin', ORIGIN, '--log-level', 'silent', ...extra];
const configFor = (dataDir: string, extra: string[] = []): ConnectorConfig => loadConfig({ argv: flags(dataDir, extra), env: {} });

/** A real HTTPS request trusting only the connector's CA (name checks on; never rejectUnauthorized:false). */
function get(path: string, options: { host?: string; servername?: string; hostHeader?: string; origin?: string; port?: number; ca?: string } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const port = options.port ?? running.port;
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: options.host ?? '127.0.0.1',
        port,
        path,
        ca: options.ca ?? ca,
        ...(options.servername === undefined ? {} : { servername: options.servername }),
        headers: { host: options.hostHeader ?? `t1c.t1t.io:${port}`, ...(options.origin ? { origin: options.origin } : {}) },
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Sends raw bytes over TLS and returns the raw answer (for requests no HTTP client would send). */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: running.port, ca, servername: 't1c.t1t.io' }, () => socket.end(request));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (answer += c));
    socket.on('close', () => resolve(answer));
    socket.on('error', (e) => (answer ? resolve(answer) : reject(e)));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 't1c-main-'));
  running = await startConnector(configFor(join(dir, 'data'), ['--host', '127.0.0.1', '--host', '::1']));
  ca = await readFile(running.caCert, 'utf8');
});
afterAll(async () => {
  await running?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('connector over real HTTPS (smoke)', () => {
  it('answers /info to a client that trusts only the minted CA, under each certificate name', async () => {
    expect(running.url).toBe(`https://127.0.0.1:${running.port}`);
    for (const servername of ['t1c.t1t.io', 'localhost']) {
      const res = await get('/info', { servername });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).t1CInfoAPI.service.apiPort).toBe(String(running.port));
      expect(String(res.headers['server-timing'])).toMatch(/total;dur=/);
    }
    expect((await get('/device-key', { hostHeader: `127.0.0.1:${running.port}` })).status).toBe(200);
  });

  it('listens on ::1 too when configured, same port', async () => {
    const res = await get('/v3/readers', { host: '::1', hostHeader: `[::1]:${running.port}` });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).data).toHaveLength(1); // the embedded reader, empty
  });

  it('NET-01: does not listen beyond loopback', async () => {
    const lan = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    expect(running.app.server.address()).toMatchObject({ address: '127.0.0.1' });
    if (lan) {
      await expect(
        new Promise((resolve, reject) => net.connect({ host: lan.address, port: running.port }).on('connect', resolve).on('error', reject)),
      ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    }
  });

  it('has a CA with critical name constraints, and no CA private key anywhere in the data directory', async () => {
    const caCert = new x509.X509Certificate(ca);
    expect(caCert.getExtension(NAME_CONSTRAINTS_OID)?.critical).toBe(true);
    const caSpki = new X509Certificate(ca).publicKey.export({ type: 'spki', format: 'der' });
    const files = (await readdir(join(dir, 'data'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    const keys: string[] = [];
    for (const f of files) {
      const text = await readFile(join(f.parentPath, f.name), 'utf8');
      keys.push(...(text.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]+-----END [A-Z ]*PRIVATE KEY-----/g) ?? []));
    }
    expect(keys).toHaveLength(2); // the device key and the TLS leaf key
    for (const pem of keys) {
      expect(createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' }).equals(caSpki)).toBe(false);
    }
  });

  it('NET-02 over the wire: wrong port in Host, and an absolute-form target for another host, get 403', async () => {
    const wrongPort = await get('/info', { hostHeader: `t1c.t1t.io:${running.port + 1}` });
    expect(wrongPort.status).toBe(403);
    expect(JSON.parse(wrongPort.body)).toMatchObject({ code: 104002 });
    const absolute = await raw(`GET https://evil.example/info HTTP/1.1\r\nHost: t1c.t1t.io:${running.port}\r\nConnection: close\r\n\r\n`);
    expect(absolute).toMatch(/^HTTP\/1\.1 403/);
    expect(absolute).toContain('"code":104002');
  });

  it('answers oversized headers with 431 and the JSON envelope', async () => {
    const answer = await raw(`GET /info HTTP/1.1\r\nHost: t1c.t1t.io:${running.port}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431/);
    expect(answer).toContain('{"success":false,"code":106005');
  });

  it('refuses a disallowed Origin and serves the allowed one', async () => {
    expect((await get('/v3/readers', { origin: 'https://evil.example' })).status).toBe(403);
    const ok = await get('/v3/readers', { origin: ORIGIN });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(ORIGIN);
  });

  it('reuses the installation (device key and CA) on restart', async () => {
    const other = await startConnector(configFor(join(dir, 'data')));
    try {
      expect(other.caCert).toBe(running.caCert);
      expect(await readFile(other.caCert, 'utf8')).toBe(ca);
    } finally {
      await other.close();
    }
  });

  it('NET-03: refuses to start on a port in use', async () => {
    await expect(startConnector(configFor(join(dir, 'data'), ['--port', String(running.port)]))).rejects.toThrow(PortInUseError);
  });
});

describe('runConnector (the daemon entry)', () => {
  const io = () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: string[] = [];
    const err: string[] = [];
    stdout.on('data', (c: Buffer) => out.push(c.toString()));
    stderr.on('data', (c: Buffer) => err.push(c.toString()));
    return { stdout, stderr, out, err };
  };

  it('prints one ready line, then closes and exits 0 on the stop signal', async () => {
    const streams = io();
    let stop!: () => void;
    const stopSignal = new Promise<void>((resolve) => (stop = resolve));
    const exit = runConnector(flags(join(dir, 'daemon')), { env: {}, stdout: streams.stdout, stderr: streams.stderr, stopSignal });
    const line = await new Promise<string>((resolve) => streams.stdout.once('data', (c: Buffer) => resolve(c.toString())));
    const ready = JSON.parse(line) as { event: string; url: string; port: number; caCert: string };
    expect(ready).toEqual({ event: 'ready', url: `https://127.0.0.1:${ready.port}`, port: ready.port, caCert: join(dir, 'daemon', 'tls', 'ca.pem') });
    expect(line.endsWith('\n') && line.split('\n')).toHaveLength(2);
    const daemonCa = await readFile(ready.caCert, 'utf8');
    expect((await get('/info', { port: ready.port, ca: daemonCa })).status).toBe(200);
    stop();
    expect(await exit).toBe(EXIT.ok);
    await expect(get('/info', { port: ready.port, ca: daemonCa })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(streams.out.join('')).toBe(line);
  });

  it.each([
    ['an invalid configuration', ['--port', 'x'], EXIT.config, /--port/],
    ['auth jwt without a verifier', ['--port', '0', '--auth', 'jwt', '--data-dir', '__DIR__'], EXIT.config, /auth\.mode/],
    ['a port in use', ['--port', '__PORT__', '--auth', 'none', '--data-dir', '__DIR__', '--backend', 'embedded'], EXIT.portInUse, /already in use/],
  ])('exits with a clear message and its code for %s', async (_what, args, code, message) => {
    const streams = io();
    const argv = args.map((a) => a.replace('__DIR__', join(dir, 'data')).replace('__PORT__', String(running.port)));
    expect(await runConnector(argv, { env: {}, stdout: streams.stdout, stderr: streams.stderr, stopSignal: new Promise(() => undefined) })).toBe(code);
    expect(streams.err.join('')).toMatch(message);
    expect(streams.out.join('')).toBe('');
  });

  it('prints the flags for --help', async () => {
    const streams = io();
    expect(await runConnector(['--help'], { stdout: streams.stdout })).toBe(EXIT.ok);
    expect(streams.out.join('')).toContain('--allowed-origin');
  });
});
