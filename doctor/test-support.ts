import { tmpdir } from 'node:os';
import { newContext, type DoctorContext, type DoctorOptions } from './context.js';

/** Options for one check under test: nothing from this machine's own settings unless the test says so. */
export function testContext(overrides: Partial<DoctorOptions> = {}): DoctorContext {
  return newContext({
    connectorUrl: 'https://t1c.t1t.io:51983',
    connectorName: 't1c.t1t.io',
    dsUrl: null,
    origin: null,
    apiKey: null,
    ca: null,
    backend: null,
    pcscdSocket: '/nonexistent/pcscd.comm',
    env: {},
    dnsServers: null,
    hostsFile: '/nonexistent/hosts',
    osReleaseFile: '/etc/os-release',
    home: tmpdir(),
    platform: 'linux',
    osRelease: '6.1.0',
    ...overrides,
  });
}
