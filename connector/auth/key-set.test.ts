import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DsKeySet } from './key-set.js';

const rsa = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' });
const RSA = rsa(2048);

function setOf(keys: () => unknown, now: () => number = () => 0) {
  let fetches = 0;
  const set = new DsKeySet({
    url: 'https://ds.example/jwks',
    get: async () => {
      fetches++;
      return keys();
    },
    cacheTtlMs: 1000,
    minRefreshIntervalMs: 100,
    now,
  });
  return { set, fetches: () => fetches };
}

describe('DsKeySet', () => {
  it('imports an RSA key for its algorithm family only, and honours the key alg', async () => {
    const { set } = setOf(() => ({ keys: [{ ...RSA, kid: 'r1' }, { ...RSA, kid: 'r2', alg: 'PS256' }] }));
    expect(await set.key('r1', 'RS256')).not.toBeNull();
    expect(await set.key('r1', 'ES256')).toBeNull();
    expect(await set.key('r2', 'RS256')).toBeNull();
    expect(await set.key('r2', 'PS256')).not.toBeNull();
  });

  it('drops small RSA keys, encryption keys, symmetric keys, keys without a usable kid, and kids listed twice', async () => {
    const { set } = setOf(() => ({
      keys: [
        { ...rsa(1024), kid: 'small' },
        { ...RSA, kid: 'enc', use: 'enc' },
        { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
        { ...RSA, kid: '../etc/passwd' },
        { ...RSA, kid: 'twice' },
        { ...RSA, kid: 'twice' },
        { ...RSA },
      ],
    }));
    for (const kid of ['small', 'enc', 'hmac', '../etc/passwd', 'twice']) expect(await set.key(kid, 'RS256'), kid).toBeNull();
  });

  it('never reads private members a DS might leak', async () => {
    const priv = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    const { set } = setOf(() => ({ keys: [{ ...priv, kid: 'p' }] }));
    const found = await set.key('p', 'RS256');
    expect(found?.key.type).toBe('public');
  });

  it('refreshes on an unknown kid at most once per interval and shares a fetch in flight', async () => {
    let t = 0;
    const { set, fetches } = setOf(() => ({ keys: [{ ...RSA, kid: 'r1' }] }), () => t);
    await set.key('r1', 'RS256');
    t = 200;
    await Promise.all(Array.from({ length: 20 }, (_, i) => set.key(`x${i}`, 'RS256')));
    t = 250;
    await set.key('y', 'RS256');
    expect(fetches()).toBe(2);
  });

  it('forgets keys after the cache lifetime even when the DS is unreachable, and survives garbage', async () => {
    let t = 0;
    let answer: unknown = { keys: [{ ...RSA, kid: 'r1' }] };
    const { set } = setOf(() => {
      if (answer instanceof Error) throw answer;
      return answer;
    }, () => t);
    expect(await set.key('r1', 'RS256')).not.toBeNull();
    answer = 'garbage';
    t = 500;
    await set.refresh();
    expect(await set.key('r1', 'RS256')).not.toBeNull(); // a bad answer keeps the keys we had, within their lifetime
    answer = new Error('down');
    t = 1200;
    expect(await set.key('r1', 'RS256')).toBeNull();
  });
});
