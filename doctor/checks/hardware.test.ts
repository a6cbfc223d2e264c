import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testContext } from '../test-support.js';
import { checkPcscd, checkPkcs11, checkReaders } from './hardware.js';

describe('hardware', () => {
  it('pcscd: a socket that accepts is ok, a missing one is a problem with the install line, the embedded reader needs none', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 't1c-doctor-pcscd-'));
    const socket = path.join(dir, 'pcscd.comm');
    const missing = await checkPcscd(testContext({ pcscdSocket: socket }));
    expect(missing).toMatchObject({ status: 'problem', detail: `pcscd is not running (no socket ${socket})`, fix: expect.stringContaining('systemctl enable --now pcscd.socket') });
    const server = createServer((c) => c.end());
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      expect(await checkPcscd(testContext({ pcscdSocket: socket }))).toMatchObject({ status: 'ok' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect((await checkPcscd(testContext({ pcscdSocket: socket, backend: 'embedded' }))).status).toBe('n/a');
  });

  it('readers and the PKCS#11 library are not asked without a connector answer, or without a token when it needs one', async () => {
    const ctx = testContext();
    expect(await checkReaders(ctx)).toMatchObject({ status: 'n/a', detail: expect.stringContaining('/info') });
    ctx.facts.info = { version: '3.8.0', jwtEnabled: true, modules: ['beid', 'pkcs11'], cors: [], runtime: 'x' };
    expect(await checkReaders(ctx)).toMatchObject({ status: 'n/a', detail: expect.stringContaining('--api-key-env') });
    expect(await checkPkcs11(ctx)).toMatchObject({ status: 'n/a', detail: expect.stringContaining('JWT') });
    ctx.facts.info = { ...ctx.facts.info, modules: ['beid'] };
    expect(await checkPkcs11(ctx)).toMatchObject({ status: 'n/a', detail: 'the connector does not serve the pkcs11 module' });
  });
});
