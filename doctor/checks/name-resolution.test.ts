import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext } from '../test-support.js';
import { checkNameResolution, hostsEntries } from './name-resolution.js';

/** A DNS server on a loopback UDP port, answering each name the way a chosen kind of resolver does. */
const ZONE: Record<string, { rcode: number; a: string[] }> = {
  'loop.t1c-lab.test': { rcode: 0, a: ['127.0.0.1'] },
  'proxied.t1c-lab.test': { rcode: 0, a: ['10.20.30.40'] }, // a proxy / split DNS answering for the name
  'rebind.t1c-lab.test': { rcode: 0, a: [] }, // Fritz!Box-style rebind protection: NOERROR, no answer
  'refused.t1c-lab.test': { rcode: 5, a: [] }, // REFUSED
};
const NXDOMAIN = 3;
let server: Socket;
let dnsServer: string;
const asked: string[] = [];

beforeAll(async () => {
  server = createSocket('udp4');
  server.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    asked.push(`${question.type} ${question.name}`);
    const entry = ZONE[question.name.toLowerCase()];
    const answers = question.type === 'A' ? (entry?.a ?? []).map((data) => ({ type: 'A' as const, name: question.name, ttl: 60, data })) : [];
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (entry ? entry.rcode : NXDOMAIN),
      questions: [question],
      answers,
    });
    server.send(response, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  dnsServer = `127.0.0.1:${server.address().port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const check = (name: string, hostsFile = '/nonexistent/hosts') =>
  checkNameResolution(testContext({ connectorUrl: `https://${name}:51983`, dnsServers: [dnsServer], hostsFile }));

describe('name resolution (TLS-05)', () => {
  it('is ok when the resolver answers 127.0.0.1', async () => {
    const r = await check('loop.t1c-lab.test');
    expect(r).toMatchObject({ status: 'ok', detail: expect.stringContaining('127.0.0.1') });
    expect(asked).toContain('A loop.t1c-lab.test');
  });

  it('TLS-05: tells rebind protection (no answer) apart and names the resolver allow-list and the hosts entry', async () => {
    for (const name of ['rebind.t1c-lab.test', 'refused.t1c-lab.test']) {
      const r = await check(name);
      expect(r.status).toBe('problem');
      expect(r.detail).toMatch(/no address .*rebind protection/);
      expect(r.fix).toContain(`rebind-domain-ok=/${name}/`);
      expect(r.fix).toContain(`127.0.0.1 ${name}`);
    }
  });

  it('TLS-04: tells a non-loopback answer (proxy or split DNS) apart, with its own fix', async () => {
    const r = await check('proxied.t1c-lab.test');
    expect(r.status).toBe('problem');
    expect(r.detail).toContain('resolves to 10.20.30.40');
    expect(r.detail).not.toMatch(/rebind/);
    expect(r.fix).toContain('/etc/hosts');
  });

  it('reports a name the resolver says does not exist', async () => {
    const r = await check('missing.t1c-lab.test');
    expect(r).toMatchObject({ status: 'problem', detail: expect.stringContaining('NXDOMAIN') });
  });

  it('a hosts file entry wins over DNS: loopback is ok, another address is a problem', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 't1c-doctor-hosts-'));
    const hosts = path.join(dir, 'hosts');
    writeFileSync(hosts, '# comment\n127.0.0.1 localhost\n127.0.0.1\trebind.t1c-lab.test # pinned\n192.0.2.9 loop.t1c-lab.test\n');
    expect(await hostsEntries(hosts, 'REBIND.t1c-lab.test')).toEqual(['127.0.0.1']);
    expect(await check('rebind.t1c-lab.test', hosts)).toMatchObject({ status: 'ok', detail: expect.stringContaining(hosts) });
    expect(await check('loop.t1c-lab.test', hosts)).toMatchObject({ status: 'problem', detail: expect.stringContaining('192.0.2.9') });
  });

  it('does not apply to a connector URL with an IP address', async () => {
    const r = await checkNameResolution(testContext({ connectorUrl: 'https://127.0.0.1:51983', dnsServers: [dnsServer] }));
    expect(r.status).toBe('n/a');
  });
});
