import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_KEY_FILE, DeviceKey } from './device-key.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 't1c-device-key-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('DeviceKey.loadOrCreate', () => {
  it('creates an owner-only RSA-2048 key on first start and reuses it afterwards', async () => {
    const dataDir = join(dir, 'data');
    const first = await DeviceKey.loadOrCreate(dataDir);
    const file = join(dataDir, DEVICE_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect(await readFile(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const second = await DeviceKey.loadOrCreate(dataDir);
    expect(second.publicKeyBase64).toBe(first.publicKeyBase64);
    expect(second.uid).toBe(first.uid);
    expect(first.uid).toMatch(/^[0-9A-F]{16}$/);
    expect(first.modulusBytes).toBe(256);
  });

  it('serves the public key as bare base64 SPKI DER', async () => {
    const key = await DeviceKey.generate();
    const der = Buffer.from(key.publicKeyBase64, 'base64');
    expect(der.toString('base64')).toBe(key.publicKeyBase64);
    expect(der[0]).toBe(0x30);
    expect(der.length).toBe(294); // SubjectPublicKeyInfo of an RSA-2048 key with e = 65537
  });
});
