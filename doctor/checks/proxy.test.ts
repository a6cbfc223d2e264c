import { describe, expect, it } from 'vitest';
import { testContext } from '../test-support.js';
import { checkProxy, noProxyCovers, redactProxy } from './proxy.js';

const check = (env: NodeJS.ProcessEnv, connectorUrl = 'https://t1c.t1t.io:51983') => checkProxy(testContext({ env, connectorUrl }));

describe('proxy settings (TLS-04)', () => {
  it('is ok without a proxy in the environment, and says browser settings were not seen', () => {
    expect(check({})).toMatchObject({ status: 'ok', detail: expect.stringContaining('PAC') });
  });

  it('TLS-04: HTTPS_PROXY without NO_PROXY is a problem naming every missing exemption, with the export line', () => {
    const r = check({ HTTPS_PROXY: 'http://proxy.corp.example:3128' });
    expect(r.status).toBe('problem');
    expect(r.detail).toContain('without a NO_PROXY exemption for t1c.t1t.io, localhost, 127.0.0.1');
    expect(r.fix).toContain('export NO_PROXY="t1c.t1t.io,localhost,127.0.0.1"');
  });

  it('TLS-04: lower-case and ALL_PROXY forms count, and a partial no_proxy names only what is missing', () => {
    for (const variable of ['https_proxy', 'http_proxy', 'ALL_PROXY', 'all_proxy']) {
      const r = check({ [variable]: 'socks5://10.0.0.1:1080', no_proxy: 'localhost,.t1t.io' });
      expect(r.status, variable).toBe('problem');
      expect(r.detail).toMatch(/exemption for 127\.0\.0\.1: /);
      expect(r.fix).toContain('export NO_PROXY="localhost,.t1t.io,127.0.0.1"');
    }
  });

  it('is ok when NO_PROXY covers the name (domain suffix), localhost and 127.0.0.1 (CIDR)', () => {
    expect(check({ HTTPS_PROXY: 'http://p:3128', NO_PROXY: 't1t.io, localhost,127.0.0.0/8' }).status).toBe('ok');
    expect(check({ HTTP_PROXY: 'http://p:3128', no_proxy: '*' }).status).toBe('ok');
  });

  it('never prints the proxy credentials', () => {
    const r = check({ HTTPS_PROXY: 'http://alice:s3cret-pw@proxy.corp.example:3128' });
    expect(JSON.stringify(r)).not.toContain('s3cret-pw');
    expect(JSON.stringify(r)).not.toContain('alice');
    expect(redactProxy('http://alice:s3cret-pw@p:1')).toBe('http://***@p:1/');
  });

  it('matches NO_PROXY entries the way curl does', () => {
    expect(noProxyCovers('.t1t.io', 't1c.t1t.io')).toBe(true);
    expect(noProxyCovers('t1t.io', 't1c.t1t.io')).toBe(true);
    expect(noProxyCovers('c.t1t.io', 't1c.t1t.io')).toBe(false);
    expect(noProxyCovers('127.0.0.0/8', '127.0.0.1')).toBe(true);
    expect(noProxyCovers('10.0.0.0/8', '127.0.0.1')).toBe(false);
    expect(noProxyCovers('localhost:51983', 'localhost')).toBe(true);
  });
});
