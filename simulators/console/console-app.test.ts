import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newSecret } from '../ds/secrets.js';
import { LabError } from '../lab/lab-error.js';
import { buildConsoleApp, CONSOLE_COOKIE, type ConsoleOp } from './console-app.js';
import { DEMO_COOKIE } from './demo-app.js';
import { EventStream } from './event-stream.js';
import { cookieValue } from './guard.js';
import { closeServer, listenLoopback } from './listen.js';
import type { ConsoleView } from './state-view.js';
import { TraceFeed } from './trace-feed.js';

const ORIGIN = 'http://127.0.0.1:41234';
const HOST = '127.0.0.1:41234';
const secret = newSecret();
const cookie = `${CONSOLE_COOKIE}=${cookieValue(secret, ORIGIN)}`;

const view = (): ConsoleView => ({
  backend: 'embedded',
  readers: [{ index: 0, name: 'Reader 0', id: 'r0', card: { profile: 'beid-1.8', persona: 'be-fr-adult', atr: '3B', hasPin: true }, faults: [] }],
  connector: { url: 'https://127.0.0.1:4000', port: 4000 },
  ds: { url: 'http://127.0.0.1:4001' },
  cors: [],
  tokens: [],
  lab: null,
});

let reportsDir: string;
let ops: ConsoleOp[] = [];
let failWith: LabError | null = null;
let stateOf: () => ConsoleView = view;
let app: FastifyInstance;

function build(server?: http.Server, origin = ORIGIN): FastifyInstance {
  return buildConsoleApp(
    {
      origin,
      secret,
      view: () => stateOf(),
      run: async (op) => {
        if (failWith) throw failWith;
        ops.push(op);
      },
      feed: new TraceFeed(() => 'beid'),
      stream: new EventStream(),
      demoUrl: () => 'http://127.0.0.1:41235/?secret=x',
      reportsDir,
      caCert: null,
    },
    server,
  );
}

beforeAll(async () => {
  reportsDir = mkdtempSync(path.join(tmpdir(), 't1c-console-reports-'));
  mkdirSync(path.join(reportsDir, 'certification'));
  writeFileSync(path.join(reportsDir, 'certification', 'index.html'), '<h1>report</h1><script>1</script>');
  app = build();
  await app.ready();
});
afterAll(async () => {
  await app.close();
  rmSync(reportsDir, { recursive: true, force: true });
});
afterEach(() => {
  ops = [];
  failWith = null;
  stateOf = view;
});

type Headers = Record<string, string>;
const get = (url: string, headers: Headers = {}): Promise<LightMyRequestResponse> => app.inject({ method: 'GET', url, headers: { host: HOST, ...headers } });
const post = (url: string, body: unknown, headers: Headers = {}): Promise<LightMyRequestResponse> =>
  app.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: { host: HOST, 'content-type': 'application/json', ...headers } });
const code = (res: LightMyRequestResponse): string => (res.json() as { code: string }).code;

describe('console guard', () => {
  it('refuses every route without the secret or its cookie', async () => {
    for (const url of ['/', '/api/state', '/api/events', '/api/catalog', '/console.js', '/vendor/preact.mjs', '/reports/certification/index.html']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(401);
      expect(code(res)).toBe('ERR_LAB_CONSOLE_SECRET');
    }
    expect((await get(`/?secret=${newSecret()}`)).statusCode).toBe(401);
    expect((await get('/api/state', { cookie: `${CONSOLE_COOKIE}=${secret}` })).statusCode).toBe(401); // the secret itself is no cookie
  });

  it('trades the secret in the URL for an HttpOnly, SameSite=Strict cookie of its own, and drops it from the URL', async () => {
    const res = await get(`/?secret=${secret}`, { 'sec-fetch-site': 'none' });
    expect(res.statusCode).toBe(303);
    expect(res.headers['location']).toBe('/');
    const set = String(res.headers['set-cookie']);
    expect(set).toBe(`${cookie}; Path=/; HttpOnly; SameSite=Strict`);
    expect(set).not.toContain(secret);
    expect((await get('/', { cookie })).statusCode).toBe(200);
  });

  it('answers only to its own Host (DNS rebinding), whatever the cookie', async () => {
    for (const host of ['evil.example:41234', 'localhost:41234', '127.0.0.1:41235', '127.0.0.1']) {
      const res = await app.inject({ method: 'GET', url: '/api/state', headers: { host, cookie } });
      expect(res.statusCode, host).toBe(403);
      expect(code(res)).toBe('ERR_LAB_CONSOLE_REFUSED');
    }
  });

  it('refuses requests from another origin or another site, even with the cookie', async () => {
    expect((await get('/api/state', { cookie, origin: 'http://127.0.0.1:41235' })).statusCode).toBe(403);
    expect((await get('/api/state', { cookie, origin: 'null' })).statusCode).toBe(403);
    for (const site of ['cross-site', 'same-site']) expect((await get('/api/state', { cookie, 'sec-fetch-site': site })).statusCode, site).toBe(403);
    expect((await get(`/?secret=${secret}`, { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await get('/api/state', { cookie, 'sec-fetch-site': 'same-origin', origin: ORIGIN })).statusCode).toBe(200);
  });

  it('changes the lab only on a POST from its own origin with the cookie', async () => {
    expect((await post('/api/readers/1/remove', {}, { cookie })).statusCode).toBe(403); // no Origin: not a page of ours
    expect((await post('/api/readers/1/remove', {}, { cookie, origin: 'http://evil.example' })).statusCode).toBe(403);
    expect((await post('/api/readers/1/remove', {}, { cookie, origin: ORIGIN, 'sec-fetch-site': 'same-site' })).statusCode).toBe(403);
    expect((await post('/api/readers/1/remove', {}, { origin: ORIGIN })).statusCode).toBe(401);
    expect(ops).toEqual([]);
    const res = await post('/api/readers/1/remove', {}, { cookie, origin: ORIGIN, 'sec-fetch-site': 'same-origin' });
    expect(res.statusCode).toBe(200);
    expect(ops).toEqual([{ op: 'remove', reader: 1 }]);
  });

  it('serves no CORS: a preflight and other verbs are refused, and no answer carries an Access-Control header', async () => {
    const preflight = await app.inject({ method: 'OPTIONS', url: '/api/readers/0/insert', headers: { host: HOST, origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).toBe(403);
    const options = await app.inject({ method: 'OPTIONS', url: '/api/state', headers: { host: HOST, cookie } });
    expect(options.statusCode).toBe(405);
    const put = await app.inject({ method: 'PUT', url: '/api/state', headers: { host: HOST, cookie, origin: ORIGIN } });
    expect(put.statusCode).toBe(405);
    for (const res of [preflight, options, put, await get('/api/state', { cookie }), await get('/')]) {
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
  });

  it("takes no other server's cookie: the demo's cookie, or the console cookie of another port", async () => {
    expect((await get('/api/state', { cookie: `${DEMO_COOKIE}=${cookieValue(secret, 'http://127.0.0.1:41235')}` })).statusCode).toBe(401);
    expect((await get('/api/state', { cookie: `${CONSOLE_COOKIE}=${cookieValue(secret, 'http://127.0.0.1:41235')}` })).statusCode).toBe(401);
    expect((await get('/api/state', { cookie: `other=1; ${cookie}` })).statusCode).toBe(200);
  });
});

describe('console routes', () => {
  const ok = { cookie, origin: ORIGIN };

  it('passes operations to the lab and answers with the view, or with the lab refusal and a fitting status', async () => {
    expect((await post('/api/readers/2/insert', { profile: 'beid-1.7', persona: 'be-nl-adult' }, ok)).statusCode).toBe(200);
    expect((await post('/api/readers/2/fault', { fault: { kind: 'remove', atIns: 0x2a } }, ok)).statusCode).toBe(200);
    expect((await post('/api/readers/0/unplug', {}, ok)).statusCode).toBe(200);
    expect((await post('/api/pcscd-restart', {}, ok)).statusCode).toBe(200);
    expect(ops).toEqual([
      { op: 'insert', reader: 2, profile: 'beid-1.7', persona: 'be-nl-adult' },
      { op: 'fault', reader: 2, fault: { kind: 'remove', atIns: 0x2a } },
      { op: 'unplug', reader: 0 },
      { op: 'pcscd-restart' },
    ]);
    failWith = new LabError('ERR_LAB_READER_OCCUPIED', 'reader 2 already holds a card');
    const busy = await post('/api/readers/2/insert', { profile: 'beid-1.7', persona: null }, ok);
    expect(busy.statusCode).toBe(409);
    expect(busy.json()).toEqual({ code: 'ERR_LAB_READER_OCCUPIED', error: 'reader 2 already holds a card' });
  });

  it('checks what it is sent before the lab sees it', async () => {
    const badFault = await post('/api/readers/0/fault', { fault: { kind: 'melt' } }, ok);
    expect(badFault.statusCode).toBe(400);
    expect(code(badFault)).toBe('ERR_LAB_FAULT_INVALID');
    expect((await post('/api/readers/x/remove', {}, ok)).statusCode).toBe(400);
    expect((await post('/api/readers/0/insert', { profile: 'beid-1.7' }, ok)).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/api/readers/0/remove', payload: 'a=1', headers: { host: HOST, ...ok, 'content-type': 'application/x-www-form-urlencoded' } })).statusCode).toBe(415);
    expect(ops).toEqual([]);
  });

  it('serves only what its response schema names: a PIN slipped into the view does not leave', async () => {
    stateOf = () => {
      const v = view();
      return { ...v, readers: [{ ...v.readers[0]!, card: { ...v.readers[0]!.card!, pin: '24681357' } as never }] };
    };
    const res = await get('/api/state', { cookie });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('24681357');
    expect(res.json()).toMatchObject({ readers: [{ card: { profile: 'beid-1.8', hasPin: true } }] });
  });

  it('lists and serves the reports that exist, sandboxed, and nothing else under reports/', async () => {
    const links = (await get('/api/links', { cookie })).json() as { demo: string; reports: { title: string; href: string }[] };
    expect(links.demo).toMatch(/^http:\/\/127\.0\.0\.1:41235\//);
    expect(links.reports.map((r) => r.href)).toEqual(['/reports/certification/index.html']);
    const report = await get('/reports/certification/index.html', { cookie });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-security-policy']).toMatch(/^sandbox allow-scripts;/);
    expect((await get('/reports/load/report.html', { cookie })).statusCode).toBe(404);
    expect((await get('/reports/certification/..%2F..%2Fetc', { cookie })).statusCode).toBe(400);
    expect((await get('/ca.pem', { cookie })).statusCode).toBe(404);
  });

  it('puts its import map in the CSP by hash: no inline script runs that the page did not ship', async () => {
    const page = await get('/', { cookie });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+';/);
    expect(csp).not.toContain('unsafe-inline');
  });
});

describe('console event stream', () => {
  it('streams the state and the trace to a page with the cookie, over a real socket', async () => {
    const { server, origin } = await listenLoopback();
    const live = build(server, origin);
    await live.ready();
    try {
      const url = new URL('/api/events', origin);
      const refused = await new Promise<number>((resolve) =>
        http.get(url, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }),
      );
      expect(refused).toBe(401);
      const first = await new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
        http
          .get(url, { headers: { cookie: `${CONSOLE_COOKIE}=${cookieValue(secret, origin)}` } }, (res) => {
            res.setEncoding('utf8');
            let text = '';
            res.on('data', (chunk: string) => {
              text += chunk;
              if (text.includes('\n\n')) {
                res.destroy();
                resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text });
              }
            });
          })
          .on('error', reject);
      });
      expect(first.status).toBe(200);
      expect(first.type).toMatch(/^text\/event-stream/);
      expect(first.text).toMatch(/^event: state\ndata: \{"backend":"embedded"/);
    } finally {
      await live.close();
      await closeServer(server);
    }
  });
});
